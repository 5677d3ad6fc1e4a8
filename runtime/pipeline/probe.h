#pragma once

// Metrics of one sink task, labelled {connector, task}. References stay valid for the probe's
// life; the series are removed when the probe is destroyed (a deleted connector leaves nothing).

#include <string>

#include "libs/metrics/registry.h"

namespace kc::pipeline {

class TaskProbe {
 public:
  TaskProbe(metrics::Registry& registry, const std::string& connector, int task);
  ~TaskProbe();
  TaskProbe(const TaskProbe&) = delete;
  TaskProbe& operator=(const TaskProbe&) = delete;

  metrics::Counter& records_consumed;  // kconnect_task_records_consumed_total
  metrics::Counter& records_written;   // kconnect_task_records_written_total
  metrics::Counter& records_failed;    // kconnect_task_records_failed_total
  metrics::Counter& commits;           // kconnect_task_offset_commits_total
  metrics::Counter& commit_failures;   // kconnect_task_offset_commit_failures_total
  metrics::Counter& backpressure_pauses;  // kconnect_task_backpressure_pauses_total
  metrics::Histogram& batch_records;   // kconnect_task_batch_records
  metrics::Histogram& flush_seconds;   // kconnect_task_flush_seconds
  metrics::Histogram& commit_seconds;  // kconnect_task_offset_commit_seconds

 private:
  metrics::Registry& registry_;
};

}  // namespace kc::pipeline
