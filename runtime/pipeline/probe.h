#pragma once

// Metrics of one sink task, labelled {connector, task}. The series are released when the probe is
// destroyed, so a deleted connector leaves nothing behind.

#include <string>

#include "libs/metrics/registry.h"

namespace kc::pipeline {

struct TaskProbe {
  TaskProbe(metrics::Registry& registry, const std::string& connector, int task);
  TaskProbe(metrics::Registry& registry, const metrics::Labels& labels);

  metrics::Series<metrics::Counter> records_consumed;  // kconnect_task_records_consumed_total
  metrics::Series<metrics::Counter> records_written;   // kconnect_task_records_written_total
  metrics::Series<metrics::Counter> records_failed;    // kconnect_task_records_failed_total
  metrics::Series<metrics::Counter> commits;           // kconnect_task_offset_commits_total
  metrics::Series<metrics::Counter> commit_failures;   // kconnect_task_offset_commit_failures_total
  metrics::Series<metrics::Counter> backpressure_pauses;  // kconnect_task_backpressure_pauses_total
  metrics::Series<metrics::Histogram> batch_records;      // kconnect_task_batch_records
  metrics::Series<metrics::Histogram> flush_seconds;      // kconnect_task_flush_seconds
  metrics::Series<metrics::Histogram> commit_seconds;     // kconnect_task_offset_commit_seconds
};

}  // namespace kc::pipeline
