#pragma once

// The worker configuration (connect-standalone's worker.properties), parsed and validated.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/api/config_def.h"
#include "runtime/config/override_policy.h"
#include "runtime/config/providers.h"

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
  api::RawConfig producer;  // producer.*, prefix removed (dead-letter queue producers)
  api::RawConfig admin;     // admin.*, prefix removed (dead-letter queue topics, offsets API)
  // Top-level security.protocol / ssl.* / sasl.* (security::security_keys): the lowest layer of
  // every task consumer's security settings.
  api::RawConfig security;
  // connector.client.config.override.policy (and its allowlist): which consumer.override.* keys
  // a connector may set. A name that does not parse is an error and the policy is None.
  OverridePolicy override_policy = OverridePolicy::all();
  ConfigProviders providers;
  // REST: refuse every mutating request with 403 (operator-managed workers).
  bool rest_read_only = false;
  // REST: when set, every request but GET /health needs "Authorization: Bearer <file content>".
  std::string rest_token_file;
  // Standalone: where connector states (and REST-created connectors) persist; empty: next to the
  // worker file.
  std::string state_file;
  bool topic_tracking = true;
  bool topic_tracking_reset = true;
};

const api::ConfigDef& worker_config_def();

// Appends every problem to `issues` (unknown keys as warnings). The result is usable only when
// no error was appended. Config provider references in values (${file:...}) are resolved first,
// with the providers the same file declares (config.providers), as Kafka does.
// kLeaveReferences keeps references as written: for checks made away from the worker's files
// (the operator validates a cluster's worker.properties before any pod mounts its Secrets).
enum class ProviderReferences { kResolve, kLeaveReferences };
WorkerConfig parse_worker_config(const api::RawConfig& raw, std::vector<api::ConfigIssue>& issues,
                                 ProviderReferences references = ProviderReferences::kResolve);

// Prefixes under which any key is accepted at worker level.
bool is_worker_passthrough_key(std::string_view key);

}  // namespace kc::config
