#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/record.h"

namespace kc::metrics {
class Registry;
}

namespace kc::api {

// Kafka's ErrantRecordReporter (KIP-610): a sink hands over one record it cannot write (a row the
// target refuses) with the reason, and the runtime applies the task's errors.* policy, stage
// TASK_PUT. With errors.tolerance=all the record is logged (errors.log.enable) and sent to the
// dead-letter queue, and ok is returned: the sink drops the record and goes on. Otherwise the
// error to fail with is returned ("Tolerance exceeded in error handler: ..."). What is reported:
// the record's original_* coordinates, timestamp and raw_* bytes and headers, read during the
// call only (a sink that reports at flush() time keeps copies of those). Sink thread only.
using ErrantRecordReporter = std::function<Status(const SinkRecord& record, const Error& error)>;

// What the runtime tells a sink about where it runs.
struct SinkContext {
  std::string connector_name;
  int task_id = 0;
  // Null when the runtime offers no reporting (unit tests): the sink fails instead.
  ErrantRecordReporter report_errant;
  // Where the sink registers its metrics (runtime/sinks/common/probe.h); null: the process-wide
  // registry.
  metrics::Registry* metrics = nullptr;
  // Requested when the task stops: end waits (a target's Retry-After, reconnect delays) promptly.
  // The runtime's final flush still follows, so requests themselves should not be cancelled.
  std::stop_token stop;
};

// Per original partition (the record's original_topic / original_partition, before transforms):
// the next offset to consume, as Kafka commits it (last offset + 1).
using Offsets = std::map<TopicPartition, int64_t>;

// When the runtime calls flush() on its own (besides revocation, rollover and stop): as soon as
// one limit is reached by what was put since the last flush. 0 means "the connector's setting":
// max_bytes kconnect.flush.max.bytes, linger the worker's offset.flush.interval.ms; max_records 0
// is no record limit. Bytes are the records' serialized key + value sizes as consumed.
struct BatchLimits {
  size_t max_records = 0;
  size_t max_bytes = 0;
  std::chrono::milliseconds linger{0};
};

// A sink task (SinkTask in Kafka Connect). All methods are called from one thread, the task's
// sink thread, never concurrently, in this order: check() once, then open() / stored_offsets() /
// put() / flush() / close() as partitions come and go, then stop() once.
//
// Delivery contract (docs/decisions/0005-sink-offsets-and-exactly-once.md): after flush() returns
// ok, every record passed to put() before it must be durable; the runtime then commits their
// offsets to Kafka. Errors marked retriable make the runtime retry the same call with backoff;
// other errors go to the task's errors.* policy (by default: the task fails).
//
// Exactly once: a sink that stores `offsets` with the data in one transaction (flush) and returns
// them from stored_offsets() makes the runtime resume each partition exactly where its data ends,
// whatever Kafka's committed offset says.
class Sink {
 public:
  virtual ~Sink() = default;

  // Once, before the first open(): can the target be reached with these settings (address,
  // credentials, table)? An error stops the task before it consumes anything; its message must
  // name the URL / host it tried. Retriable errors are retried like put()'s.
  virtual Status check() { return ok(); }
  // Partitions newly assigned to this task.
  virtual Status open(const std::vector<TopicPartition>& /*partitions*/) { return ok(); }
  // For sinks that own their offsets: where each of `partitions` (just assigned, after open())
  // resumes. The runtime starts consuming each partition present at its offset; absent ones start
  // at the group's committed Kafka offset. Called on every assignment.
  virtual Result<Offsets> stored_offsets(const std::vector<TopicPartition>& /*partitions*/) {
    return Offsets{};
  }
  // How the runtime batches records between flushes; asked once, after check().
  virtual BatchLimits batch_limits() const { return {}; }
  // How many times the runtime retries a call of check(), put() or flush() that failed with a
  // retriable error (jittered exponential backoff), before the task's errors.* policy applies
  // (the task fails). Negative: no limit of the sink's own; errors.retry.timeout applies either
  // way. Sinks map their `max.retries`-style key here. Asked once, before check().
  virtual int max_retries() const { return -1; }
  // Accepts records (may buffer: copy what you keep, see record.h).
  virtual Status put(std::span<SinkRecord> records) = 0;
  // Makes everything accepted so far durable. `offsets`: per original partition assigned, the
  // offset after the last record handed to put() (or skipped by a transform or the errors.*
  // policy) since its assignment. A sink owning its offsets writes them in the same transaction
  // as the data.
  virtual Status flush(const Offsets& offsets) = 0;
  // Partitions being revoked; called after a successful flush of everything they had.
  virtual Status close(const std::vector<TopicPartition>& /*partitions*/) { return ok(); }
  // Releases resources. Called once, last.
  virtual void stop() {}
};

}  // namespace kc::api
