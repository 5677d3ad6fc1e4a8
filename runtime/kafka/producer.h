#pragma once

// A librdkafka producer for the demo's data generator, tests and (later) the dead-letter queue.
// produce() copies its arguments and returns at once; delivery is reported through counters and,
// per record, an optional callback run on the thread that calls poll()/flush().

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/kafka/client_config.h"
#include "runtime/kafka/handles.h"

namespace kc::kafka {

struct ProduceHeader {
  std::string key;
  std::optional<std::string> value;
};

class Producer {
 public:
  using DeliveryCallback = std::function<void(const Status&)>;

  static Result<std::unique_ptr<Producer>> create(const Properties& properties);
  ~Producer();

  // Queues one record. Blocks (serving delivery reports) while librdkafka's queue is full.
  // partition -1 lets the partitioner choose; timestamp_ms 0 means "now".
  Status produce(std::string_view topic, int32_t partition, std::optional<std::string_view> key,
                 std::optional<std::string_view> value,
                 const std::vector<ProduceHeader>& headers = {}, int64_t timestamp_ms = 0,
                 DeliveryCallback on_delivery = nullptr);
  // Serves delivery reports for up to `timeout`.
  void poll(std::chrono::milliseconds timeout);
  // Waits until everything queued is delivered or failed.
  Status flush(std::chrono::milliseconds timeout);

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }
  rd_kafka_t* raw() const { return rk_.get(); }

  struct Private {};
  explicit Producer(Private) {}

 private:
  static void on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);
  KafkaPtr rk_;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace kc::kafka
