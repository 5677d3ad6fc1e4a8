#include "runtime/pipeline/probe.h"

namespace kc::pipeline {
namespace {

const std::vector<double>& batch_buckets() {
  static const std::vector<double> kBuckets = {1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  return kBuckets;
}

constexpr TaskState kStates[] = {TaskState::kUnassigned, TaskState::kRunning,
                                 TaskState::kPaused,     TaskState::kFailed,
                                 TaskState::kStopped,    TaskState::kRestarting};

}  // namespace

TaskProbe::TaskProbe(metrics::Registry& r, const std::string& connector, int task)
    : TaskProbe(r, metrics::Labels{{"connector", connector}, {"task", std::to_string(task)}}) {}

TaskProbe::TaskProbe(metrics::Registry& r, const metrics::Labels& l)
    : registry(r),
      labels(l),
      records_consumed(
          r, r.counter("kconnect_task_records_consumed_total", "Records polled from Kafka."), l),
      records_written(
          r, r.counter("kconnect_task_records_written_total", "Records handed to the sink."), l),
      records_skipped(r,
                      r.counter("kconnect_task_records_skipped_total",
                                "Records not written: tolerated errors and transform drops."),
                      l),
      records_dead_lettered(r,
                            r.counter("kconnect_task_records_dead_lettered_total",
                                      "Records acknowledged by the dead-letter queue."),
                            l),
      records_failed(r,
                     r.counter("kconnect_task_records_failed_total",
                               "Records that failed conversion, transformation or delivery."),
                     l),
      dead_letter_failures(r,
                           r.counter("kconnect_task_dead_letter_failures_total",
                                     "Dead-letter queue writes that failed."),
                           l),
      retries(r, r.counter("kconnect_task_retries_total", "Retried operations."), l),
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
                     l, metrics::latency_buckets_seconds()),
      rollover_pause_seconds(
          r,
          r.histogram("kconnect_task_rollover_pause_seconds",
                      "Consumer rollover pause: from the request to the first record the new "
                      "consumer returned."),
          l, metrics::latency_buckets_seconds()) {
  auto& family = r.gauge("kconnect_task_state", "Task state: 1 for the current state, else 0.");
  for (auto state : kStates) {
    auto state_labels = l;
    state_labels["state"] = std::string(task_state_name(state));
    states_[state] = std::make_unique<metrics::Series<metrics::Gauge>>(r, family, state_labels);
  }
  set_state(TaskState::kUnassigned);
}

void TaskProbe::set_state(TaskState state) {
  for (auto& [s, series] : states_) (*series)->Set(s == state ? 1.0 : 0.0);
}

void TaskProbe::set_lag(const api::TopicPartition& partition, int64_t lag) {
  auto it = lags_.find(partition);
  if (it == lags_.end()) {
    auto l = labels;
    l["topic"] = partition.topic;
    l["partition"] = std::to_string(partition.partition);
    auto& family = registry.gauge("kconnect_task_partition_lag_records",
                                  "Records in the partition not yet handed to the sink (high "
                                  "watermark minus the next offset to deliver).");
    it = lags_
             .emplace(partition,
                      std::make_unique<metrics::Series<metrics::Gauge>>(registry, family, l))
             .first;
  }
  (*it->second)->Set(static_cast<double>(lag));
}

void TaskProbe::rollover(const std::string& outcome) {
  auto it = rollovers_.find(outcome);
  if (it == rollovers_.end()) {
    auto l = labels;
    l["outcome"] = outcome;
    auto& family = registry.counter("kconnect_task_rollovers_total",
                                    "Consumer rollovers (force-commit, renewed TLS material), by "
                                    "outcome.");
    it = rollovers_
             .emplace(outcome,
                      std::make_unique<metrics::Series<metrics::Counter>>(registry, family, l))
             .first;
  }
  (*it->second)->Increment();
}

void TaskProbe::drop_lag(const api::TopicPartition& partition) { lags_.erase(partition); }

}  // namespace kc::pipeline
