#include "runtime/pipeline/probe.h"

namespace kc::pipeline {
namespace {

metrics::Labels labels(const std::string& connector, int task) {
  return {{"connector", connector}, {"task", std::to_string(task)}};
}

const std::vector<double>& batch_buckets() {
  static const std::vector<double> kBuckets = {1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  return kBuckets;
}

}  // namespace

TaskProbe::TaskProbe(metrics::Registry& r, const std::string& connector, int task)
    : records_consumed(r.counter("kconnect_task_records_consumed_total", "Records polled from Kafka.")
                           .Add(labels(connector, task))),
      records_written(r.counter("kconnect_task_records_written_total", "Records handed to the sink.")
                          .Add(labels(connector, task))),
      records_failed(r.counter("kconnect_task_records_failed_total",
                               "Records that failed conversion or delivery.")
                         .Add(labels(connector, task))),
      commits(r.counter("kconnect_task_offset_commits_total", "Successful offset commits.")
                  .Add(labels(connector, task))),
      commit_failures(r.counter("kconnect_task_offset_commit_failures_total", "Failed offset commits.")
                          .Add(labels(connector, task))),
      backpressure_pauses(r.counter("kconnect_task_backpressure_pauses_total",
                                    "Times the task paused its partitions because the sink fell behind.")
                              .Add(labels(connector, task))),
      batch_records(r.histogram("kconnect_task_batch_records", "Records per put() call.")
                        .Add(labels(connector, task), batch_buckets())),
      flush_seconds(r.histogram("kconnect_task_flush_seconds", "Sink flush latency.")
                        .Add(labels(connector, task), metrics::latency_buckets_seconds())),
      commit_seconds(r.histogram("kconnect_task_offset_commit_seconds", "Offset commit latency.")
                         .Add(labels(connector, task), metrics::latency_buckets_seconds())),
      registry_(r) {}

TaskProbe::~TaskProbe() {
  registry_.counter("kconnect_task_records_consumed_total", "").Remove(&records_consumed);
  registry_.counter("kconnect_task_records_written_total", "").Remove(&records_written);
  registry_.counter("kconnect_task_records_failed_total", "").Remove(&records_failed);
  registry_.counter("kconnect_task_offset_commits_total", "").Remove(&commits);
  registry_.counter("kconnect_task_offset_commit_failures_total", "").Remove(&commit_failures);
  registry_.counter("kconnect_task_backpressure_pauses_total", "").Remove(&backpressure_pauses);
  registry_.histogram("kconnect_task_batch_records", "").Remove(&batch_records);
  registry_.histogram("kconnect_task_flush_seconds", "").Remove(&flush_seconds);
  registry_.histogram("kconnect_task_offset_commit_seconds", "").Remove(&commit_seconds);
}

}  // namespace kc::pipeline
