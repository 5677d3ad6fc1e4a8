#pragma once

// A sink connector's configuration, validated as a whole. This is the one validator: the
// `validate` command, the REST validate endpoint and the operator all call validate_connector().

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/api/config_def.h"
#include "runtime/api/plugin.h"
#include "runtime/config/client_properties.h"
#include "runtime/config/consumer_properties.h"
#include "runtime/config/worker_config.h"
#include "runtime/registry/builtin_plugins.h"

namespace kc::config {

// The longest connector name, in bytes: 253, the longest Kubernetes object name (a DNS subdomain),
// so every KafkaConnector's name fits, while /connectors/<name>/... stays far below the REST
// server's header limits even percent-encoded (see docs/configuration.md, "Connector names").
inline constexpr size_t kMaxConnectorNameBytes = 253;

struct ConverterSpec {
  const api::ConverterPlugin* plugin = nullptr;
  api::Config config;  // the role's sub-keys (prefix removed), parsed against the plugin's keys
};

// Kafka Connect's error handling keys (ConnectorConfig / SinkConnectorConfig), with Kafka's
// defaults. See docs/error-handling.md for what the runtime does with them.
struct ErrorSettings {
  enum class Tolerance { kNone, kAll };
  // errors.retry.timeout: how long a failed operation is retried; -1 forever, 0 not at all.
  std::chrono::milliseconds retry_timeout{0};
  // Whether errors.retry.timeout was given. When it was not, retriable sink errors are retried
  // without limit, as Kafka does for RetriableException from SinkTask.put().
  bool retry_timeout_set = false;
  std::chrono::milliseconds retry_delay_max{60000};  // errors.retry.delay.max.ms
  Tolerance tolerance = Tolerance::kNone;            // errors.tolerance
  bool log_enable = false;                           // errors.log.enable
  bool log_include_messages = false;                 // errors.log.include.messages
  std::string dlq_topic;                             // errors.deadletterqueue.topic.name
  int dlq_replication_factor = 3;    // errors.deadletterqueue.topic.replication.factor
  bool dlq_context_headers = false;  // errors.deadletterqueue.context.headers.enable
};

struct ConnectorConfig {
  std::string name;
  const api::SinkPlugin* sink = nullptr;
  api::Config values;       // common connector keys
  api::Config sink_config;  // the whole configuration parsed against the sink's keys
  int tasks_max = 1;
  std::vector<std::string> topics;
  std::string topics_regex;  // as the user wrote it (a Java regular expression)
  std::string
      topics_subscription;  // topics.regex as librdkafka runs it (TopicRegex); "" with topics
  ConverterSpec key_converter;
  ConverterSpec value_converter;
  ConverterSpec header_converter;
  ConsumerSettings consumer;
  int64_t buffer_max_bytes = 8 << 20;
  int64_t flush_max_bytes = 16 << 20;
  std::chrono::milliseconds backpressure_pause_after{1000};
  // kconnect.auth.failure.grace.ms: how long authentication may keep being refused before the
  // task fails (SinkTask).
  std::chrono::milliseconds auth_failure_grace{60000};
  ErrorSettings errors;
  ClientProperties dlq_producer;  // librdkafka properties of the dead-letter queue producer
  ClientProperties admin;         // librdkafka properties of the connector's admin client
  api::RawConfig originals;       // as validated: config provider references resolved
  // The registry the configuration was validated against; tasks build their transform chain
  // (transforms.*) from it. Never null in a validated configuration.
  const registry::Plugins* plugins = nullptr;
};

const api::ConfigDef& connector_config_def();

struct ValidationResult {
  std::vector<api::ConfigIssue> issues;   // errors and warnings, in key order per section
  std::optional<ConnectorConfig> config;  // set when there is no error

  bool ok() const;
  size_t error_count() const;
};

ValidationResult validate_connector(const WorkerConfig& worker, const api::RawConfig& raw,
                                    const registry::Plugins& plugins = registry::builtin());

// What a worker does with a connector configuration: resolves config provider references with
// the worker's providers (config.providers), then validate_connector(). Issues about values that
// came from a provider show [hidden]; a reference that does not resolve is an error on its key.
ValidationResult resolve_and_validate(const WorkerConfig& worker, const api::RawConfig& raw,
                                      const registry::Plugins& plugins = registry::builtin());

}  // namespace kc::config
