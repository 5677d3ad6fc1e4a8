#pragma once

// Reading worker and connector configuration files, in the forms Kafka Connect users have:
// Java .properties (connect-standalone), Kafka Connect's REST JSON {"name": ..., "config": {...}}
// or a flat JSON object, and the same two shapes in YAML. Values may be strings, numbers or
// booleans; they become strings, as in Kafka.

#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"

namespace kc::config {

enum class FileFormat { kProperties, kJson, kYaml };

// By extension (.properties/.json/.yaml/.yml), else by content ('{' first means JSON).
FileFormat detect_format(std::string_view path, std::string_view content);

struct ConnectorDefinition {
  std::string name;
  api::RawConfig config;  // always contains "name"
};

// A flat key/value map (worker configuration).
Result<api::RawConfig> parse_flat(std::string_view content, FileFormat format);
// A connector: {name, config} or flat; the name comes from "name" either way, and a "name" inside
// "config" must match the outer one.
Result<ConnectorDefinition> parse_connector(std::string_view content, FileFormat format);

Result<std::string> read_file(const std::string& path);
Result<api::RawConfig> load_worker_file(const std::string& path);
Result<ConnectorDefinition> load_connector_file(const std::string& path);

}  // namespace kc::config
