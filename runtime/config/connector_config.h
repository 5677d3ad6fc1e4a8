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
#include "runtime/config/consumer_properties.h"
#include "runtime/config/worker_config.h"
#include "runtime/registry/builtin_plugins.h"

namespace kc::config {

struct ConverterSpec {
  const api::ConverterPlugin* plugin = nullptr;
  api::Config config;  // the role's sub-keys (prefix removed), parsed against the plugin's keys
};

struct ConnectorConfig {
  std::string name;
  const api::SinkPlugin* sink = nullptr;
  api::Config values;       // common connector keys
  api::Config sink_config;  // the whole configuration parsed against the sink's keys
  int tasks_max = 1;
  std::vector<std::string> topics;
  std::string topics_regex;
  ConverterSpec key_converter;
  ConverterSpec value_converter;
  ConverterSpec header_converter;
  ConsumerSettings consumer;
  int64_t buffer_max_bytes = 8 << 20;
  int64_t flush_max_bytes = 16 << 20;
  std::chrono::milliseconds backpressure_pause_after{1000};
  api::RawConfig originals;
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

}  // namespace kc::config
