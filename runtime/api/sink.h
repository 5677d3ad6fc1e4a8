#pragma once

#include <span>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/record.h"

namespace kc::api {

// What the runtime tells a sink about where it runs.
struct SinkContext {
  std::string connector_name;
  int task_id = 0;
};

// A sink task (SinkTask in Kafka Connect). All methods are called from one thread, the task's
// sink thread, never concurrently.
//
// Delivery contract: after flush() returns ok, every record passed to put() before it must be
// durable; the runtime then commits their offsets. Errors marked retriable make the runtime retry
// the same call with backoff; other errors fail the task.
class Sink {
 public:
  virtual ~Sink() = default;

  // Partitions newly assigned to this task.
  virtual Status open(const std::vector<TopicPartition>& /*partitions*/) { return ok(); }
  // Accepts records (may buffer: copy what you keep, see record.h).
  virtual Status put(std::span<SinkRecord> records) = 0;
  // Makes everything accepted so far durable.
  virtual Status flush() = 0;
  // Partitions being revoked; called after a successful flush of everything they had.
  virtual Status close(const std::vector<TopicPartition>& /*partitions*/) { return ok(); }
  // Releases resources. Called once, last.
  virtual void stop() {}
};

}  // namespace kc::api
