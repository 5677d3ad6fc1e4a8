#pragma once

// Plugin descriptors. Built-in plugins are listed once, in runtime/registry/builtin_plugins.cc.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"
#include "runtime/api/converter.h"
#include "runtime/api/sink.h"
#include "runtime/api/transform.h"

namespace kc::api {

enum class PluginType { kSink, kConverter, kHeaderConverter, kTransform, kPredicate };
std::string_view plugin_type_name(PluginType type);  // Kafka's: "sink", "converter", ...

struct PluginInfo {
  std::string name;                  // kconnect's short name: "file", "json", "InsertField$Value"
  std::string class_name;            // the Apache Kafka / vendor class it stands in for
  std::vector<std::string> aliases;  // further accepted names (short Kafka aliases)
  std::string summary;
  // The plugin's own configuration keys (without role prefixes such as "value.converter.").
  std::function<const ConfigDef&()> config_def;

  // True when `requested` is the name, the class name or one of the aliases.
  bool matches(std::string_view requested) const;
};

struct SinkPlugin {
  PluginInfo info;
  // `config` holds the whole connector configuration parsed against info.config_def().
  std::function<Result<std::unique_ptr<Sink>>(const Config& config, const SinkContext& context)>
      create;
  // Optional: checks that need several keys at once (or keys under key_prefixes), appending
  // issues that name their key. Runs at validation, before any task starts. Must not read files
  // or the network.
  std::function<void(const Config& config, std::vector<ConfigIssue>& issues)> validate;
  // Key prefixes the sink reads besides its defined keys ("http.headers."): keys under them are
  // not reported as unknown; `validate` checks them.
  std::vector<std::string> key_prefixes;
};

struct ConverterPlugin {
  PluginInfo info;
  bool header_converter = false;  // usable as header.converter
  // `config` holds the role's sub-keys (e.g. value.converter.schemas.enable -> schemas.enable).
  std::function<Result<std::unique_ptr<Converter>>(const Config& config, ConverterRole role)>
      create;
  // Optional: checks that need several keys at once, appending issues whose keys start with
  // `prefix` (e.g. "value.converter."). Must not read files or the network.
  std::function<void(const Config& config, std::string_view prefix,
                     std::vector<ConfigIssue>& issues)>
      validate;
};

struct TransformPlugin {
  PluginInfo info;
  std::function<Result<std::unique_ptr<Transform>>(const Config& config)> create;
};

struct PredicatePlugin {
  PluginInfo info;
  std::function<Result<std::unique_ptr<Predicate>>(const Config& config)> create;
};

}  // namespace kc::api
