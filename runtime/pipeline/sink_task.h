#pragma once

// One sink task: a consumer in the connector's group, converters and a sink, on two threads.
//
//   poll thread:  consumer.poll -> handoff queue          (rebalance callbacks run here)
//   sink thread:  queue -> convert -> sink.put -> flush -> commit
//
// Guarantees
//  - At-least-once: offsets are committed only for records the sink accepted and flushed (see
//    OffsetTracker); flushes happen every offset.flush.interval.ms, after kconnect.flush.max.bytes,
//    before partitions are revoked, and on stop.
//  - Revoke: the poll thread hands the sink thread a revoke marker and waits; everything queued
//    before it is put, flushed and committed before librdkafka releases the partitions.
//  - Backpressure: when more than kconnect.buffer.max.bytes is queued for the sink, the poll
//    thread pauses all assigned partitions (it keeps polling, so the group membership stays) and
//    resumes below half. librdkafka drops what it had prefetched for paused partitions and fetches
//    again from the consumed position on resume, so nothing is skipped.
//  - No blocking I/O on the poll thread: sink calls and commits run on the sink thread.
// Caveats
//  - A task that fails (bad record with no tolerance, sink error) commits what was flushed before
//    the failure, leaves the group and stays FAILED until restarted.
//  - Partitions reported lost (the member was fenced) cannot be committed; their records are
//    delivered again by their new owner (duplicates, never loss).

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "libs/base/error.h"
#include "libs/metrics/registry.h"
#include "runtime/config/connector_config.h"
#include "runtime/kafka/consumer.h"

namespace kc::pipeline {

enum class TaskState { kUnassigned, kRunning, kPaused, kFailed, kStopped };
std::string_view task_state_name(TaskState state);  // Kafka Connect's names: "RUNNING", ...

struct PartitionProgress {
  api::TopicPartition partition;
  int64_t delivered = -1;       // next offset after the last record given to the sink (-1: none)
  int64_t committed = -1;       // next offset, as committed by this task (-1: none yet)
  int64_t high_watermark = -1;  // as last seen by the consumer (-1: unknown)

  // Everything up to the high watermark was given to the sink (or committed by an earlier run).
  bool caught_up() const {
    return high_watermark == 0 || (high_watermark > 0 && delivered >= high_watermark);
  }
};

struct TaskStatus {
  int task_id = 0;
  TaskState state = TaskState::kUnassigned;
  std::string worker_id;
  std::string trace;  // why it failed
  uint64_t records_consumed = 0;
  uint64_t records_written = 0;
  std::optional<std::chrono::steady_clock::time_point> first_record_at;
  std::vector<PartitionProgress> partitions;  // assigned partitions
};

struct TaskSettings {
  std::shared_ptr<const config::ConnectorConfig> connector;
  int task_id = 0;
  std::string worker_id;
  std::string bootstrap_servers;  // replaces the configured one (embedded mode); empty: keep
  std::chrono::milliseconds flush_interval{60000};
  std::chrono::milliseconds poll_timeout{100};
  metrics::Registry* metrics = &metrics::default_registry();
};

class SinkTask {
 public:
  // Builds converters, sink and consumer; errors here mean the task cannot start.
  static Result<std::unique_ptr<SinkTask>> create(TaskSettings settings);
  ~SinkTask();
  SinkTask(const SinkTask&) = delete;
  SinkTask& operator=(const SinkTask&) = delete;

  void start();
  // Flushes, commits, leaves the group and joins the threads. Idempotent.
  void stop();
  TaskStatus status() const;

  struct Impl;
  explicit SinkTask(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::pipeline
