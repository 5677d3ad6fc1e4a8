#pragma once

// Metrics of one sink task, labelled {connector, task}. The series are released when the probe is
// destroyed, so a deleted connector leaves nothing behind.
//
//   kconnect_task_records_consumed_total        records polled from Kafka
//   kconnect_task_records_written_total         records handed to the sink (put accepted)
//   kconnect_task_records_skipped_total         records not written: tolerated errors
//                                               (errors.tolerance=all) and transform drops
//   kconnect_task_records_dead_lettered_total   records acknowledged by the dead-letter queue
//   kconnect_task_records_failed_total          records that failed (tolerated or not)
//   kconnect_task_dead_letter_failures_total    dead-letter queue writes that failed (task fails)
//   kconnect_task_retries_total                 retried operations (sink put/flush, converters)
//   kconnect_task_offset_commits_total / _commit_failures_total
//   kconnect_task_backpressure_pauses_total
//   kconnect_task_batch_records                 histogram: records per put()
//   kconnect_task_flush_seconds                 histogram: sink flush latency
//   kconnect_task_offset_commit_seconds         histogram: offset commit latency
//   kconnect_task_partition_lag_records         gauge {topic, partition}: high watermark minus
//                                               the next offset to hand to the sink
//   kconnect_task_state                         gauge {state}: 1 for the task's state, else 0
//   kconnect_task_rollovers_total               {outcome}: consumer rollovers (force-commit,
//                                               renewed TLS material): completed, commit_failed,
//                                               consumer_failed, preflight_failed
//   kconnect_task_rollover_pause_seconds        histogram: from the request (or the material
//                                               change noticed) to the first record the new
//                                               consumer returned

#include <map>
#include <memory>
#include <string>

#include "libs/metrics/registry.h"
#include "runtime/api/record.h"
#include "runtime/pipeline/task_state.h"

namespace kc::pipeline {

struct TaskProbe {
  TaskProbe(metrics::Registry& registry, const std::string& connector, int task);
  TaskProbe(metrics::Registry& registry, const metrics::Labels& labels);

  // One-hot: the series of `state` is 1, the others 0. Thread-safe.
  void set_state(TaskState state);
  // Lag of one partition; drop_lag() removes its series (partition revoked). Sink thread only.
  void set_lag(const api::TopicPartition& partition, int64_t lag);
  void drop_lag(const api::TopicPartition& partition);
  // Counts one rollover with `outcome`. Poll thread only.
  void rollover(const std::string& outcome);

  metrics::Registry& registry;
  metrics::Labels labels;
  metrics::Series<metrics::Counter> records_consumed;
  metrics::Series<metrics::Counter> records_written;
  metrics::Series<metrics::Counter> records_skipped;
  metrics::Series<metrics::Counter> records_dead_lettered;
  metrics::Series<metrics::Counter> records_failed;
  metrics::Series<metrics::Counter> dead_letter_failures;
  metrics::Series<metrics::Counter> retries;
  metrics::Series<metrics::Counter> commits;
  metrics::Series<metrics::Counter> commit_failures;
  metrics::Series<metrics::Counter> backpressure_pauses;
  metrics::Series<metrics::Histogram> batch_records;
  metrics::Series<metrics::Histogram> flush_seconds;
  metrics::Series<metrics::Histogram> commit_seconds;
  metrics::Series<metrics::Histogram> rollover_pause_seconds;

 private:
  std::map<TaskState, std::unique_ptr<metrics::Series<metrics::Gauge>>> states_;
  std::map<api::TopicPartition, std::unique_ptr<metrics::Series<metrics::Gauge>>> lags_;
  std::map<std::string, std::unique_ptr<metrics::Series<metrics::Counter>>> rollovers_;
};

}  // namespace kc::pipeline
