#pragma once

// The worker configuration (connect-standalone's worker.properties), parsed and validated.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/api/config_def.h"

namespace kc::config {

// With bootstrap.servers=embedded the runtime starts librdkafka's mock cluster in-process and a
// data generator writing JSON "orders" (the demo). These are its settings.
struct EmbeddedSettings {
  std::string topic = "orders";
  int partitions = 4;
  int64_t records = 100000;  // 0: none
  int64_t rate = 0;          // records per second; 0: as fast as possible
  bool exit_when_done = true;
};

struct WorkerConfig {
  api::Config values;
  std::string bootstrap_servers;
  bool embedded = false;
  EmbeddedSettings embedded_settings;
  std::chrono::milliseconds offset_flush_interval{60000};
  std::chrono::milliseconds offset_flush_timeout{5000};
  std::chrono::milliseconds task_shutdown_timeout{5000};
  std::vector<std::string> listeners;
  api::RawConfig consumer;  // consumer.*, prefix removed
};

const api::ConfigDef& worker_config_def();

// Appends every problem to `issues` (unknown keys as warnings). The result is usable only when
// no error was appended.
WorkerConfig parse_worker_config(const api::RawConfig& raw, std::vector<api::ConfigIssue>& issues);

// Prefixes under which any key is accepted at worker level.
bool is_worker_passthrough_key(std::string_view key);

}  // namespace kc::config
