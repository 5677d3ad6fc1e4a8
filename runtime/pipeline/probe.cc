#include "runtime/pipeline/probe.h"

namespace kc::pipeline {
namespace {

const std::vector<double>& batch_buckets() {
  static const std::vector<double> kBuckets = {1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  return kBuckets;
}

}  // namespace

TaskProbe::TaskProbe(metrics::Registry& r, const std::string& connector, int task)
    : TaskProbe(r, metrics::Labels{{"connector", connector}, {"task", std::to_string(task)}}) {}

TaskProbe::TaskProbe(metrics::Registry& r, const metrics::Labels& l)
    : records_consumed(
          r, r.counter("kconnect_task_records_consumed_total", "Records polled from Kafka."), l),
      records_written(
          r, r.counter("kconnect_task_records_written_total", "Records handed to the sink."), l),
      records_failed(r,
                     r.counter("kconnect_task_records_failed_total",
                               "Records that failed conversion or delivery."),
                     l),
      commits(r, r.counter("kconnect_task_offset_commits_total", "Successful offset commits."), l),
      commit_failures(
          r, r.counter("kconnect_task_offset_commit_failures_total", "Failed offset commits."), l),
      backpressure_pauses(
          r,
          r.counter("kconnect_task_backpressure_pauses_total",
                    "Times the task paused its partitions because the sink fell behind."),
          l),
      batch_records(r, r.histogram("kconnect_task_batch_records", "Records per put() call."), l,
                    batch_buckets()),
      flush_seconds(r, r.histogram("kconnect_task_flush_seconds", "Sink flush latency."), l,
                    metrics::latency_buckets_seconds()),
      commit_seconds(r,
                     r.histogram("kconnect_task_offset_commit_seconds", "Offset commit latency."),
                     l, metrics::latency_buckets_seconds()) {}

}  // namespace kc::pipeline
