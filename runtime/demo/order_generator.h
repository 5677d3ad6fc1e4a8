#pragma once

// The embedded demo's data generator: JSON "orders" written round-robin over a topic's partitions
// at a fixed rate (or as fast as possible), on its own thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "libs/base/error.h"
#include "runtime/config/worker_config.h"
#include "runtime/kafka/producer.h"

namespace kc::demo {

// The JSON of order number `i` (deterministic, so tests can check output).
std::string order_json(int64_t i);

class OrderGenerator {
 public:
  static Result<std::unique_ptr<OrderGenerator>> start(const std::string& bootstrap_servers,
                                                       const config::EmbeddedSettings& settings);
  ~OrderGenerator();

  // Records acknowledged by the cluster so far.
  int64_t produced() const { return static_cast<int64_t>(producer_->delivered()); }
  bool done() const { return done_.load(); }
  const Error* error() const { return failed_.load() ? &error_ : nullptr; }
  void stop();

  struct Private {};
  OrderGenerator(Private, std::unique_ptr<kafka::Producer> producer,
                 config::EmbeddedSettings settings);

 private:
  void run();

  std::unique_ptr<kafka::Producer> producer_;
  config::EmbeddedSettings settings_;
  std::atomic<bool> done_{false};
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  Error error_{Errc::kInternal, ""};
  std::thread thread_;
};

}  // namespace kc::demo
