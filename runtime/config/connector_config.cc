#include "runtime/config/connector_config.h"

#include <regex>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::config {
namespace {

using api::ConfigIssue;
using api::ConfigType;
using api::Importance;
namespace v = api::validators;

// Prefixes whose keys belong to something validated elsewhere (or later).
constexpr std::string_view kPassthroughPrefixes[] = {
    "consumer.override.", "producer.override.", "admin.override.", "key.converter.",
    "value.converter.",   "header.converter.",  "transforms.",     "predicates."};

std::optional<std::string> check_name(std::string_view name) {
  if (strings::trim(name).empty()) return "Connector name must not be empty";
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "Connector name must not contain ISO control characters";
  }
  if (name.find('/') != std::string_view::npos) return "Connector name must not contain '/'";
  return std::nullopt;
}

std::optional<std::string> check_regex(std::string_view pattern) {
  if (pattern.empty()) return std::nullopt;
  try {
    std::regex re{std::string(pattern)};
  } catch (const std::regex_error& e) {
    return fmt::format("Invalid regular expression: {}", e.what());
  }
  return std::nullopt;
}

ConverterSpec resolve_converter(std::string_view role, const WorkerConfig& worker,
                                const api::Config& connector, const registry::Plugins& plugins,
                                std::vector<ConfigIssue>& issues) {
  std::string key = fmt::format("{}.converter", role);
  std::string prefix = key + ".";
  // Kafka: the connector's converter and its sub-keys if it names one, else the worker's.
  bool from_connector = connector.is_set(key);
  const api::Config& source = from_connector ? connector : worker.values;
  std::string class_name = source.get_string(key);
  ConverterSpec spec;
  spec.plugin = plugins.find_converter(class_name);
  std::string shown_key = from_connector ? key : "worker " + key;
  if (!spec.plugin) {
    std::vector<std::string> known;
    for (const auto& p : plugins.converters) known.push_back(p.info.class_name);
    issues.push_back({ConfigIssue::Severity::kError, shown_key, class_name,
                      fmt::format("Class {} could not be found (allowed: {})", class_name,
                                  strings::join(known, ", "))});
    return spec;
  }
  if (role == "header" && !spec.plugin->header_converter) {
    issues.push_back(
        {ConfigIssue::Severity::kError, shown_key, class_name, "not usable as a header converter"});
  }
  auto sub = source.with_prefix(prefix);
  const auto& def = spec.plugin->info.config_def();
  spec.config = api::Config::parse(def, sub, issues, prefix);
  for (const auto& [k, val] : sub) {
    if (!def.find(k) && k != "converter.type") {
      issues.push_back({ConfigIssue::Severity::kWarning, prefix + k, val,
                        fmt::format("unknown configuration key for {} (ignored)",
                                    spec.plugin->info.class_name)});
    }
  }
  return spec;
}

}  // namespace

const api::ConfigDef& connector_config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "name",
              .type = ConfigType::kString,
              .required = true,
              .validator = check_name,
              .importance = Importance::kHigh,
              .documentation = "Globally unique name to use for this connector.",
              .group = "Common"});
    d.define({.name = "connector.class",
              .type = ConfigType::kString,
              .required = true,
              .importance = Importance::kHigh,
              .documentation = "Name or alias of the connector (see `kconnect-runtime plugins`).",
              .group = "Common"});
    d.define({.name = "tasks.max",
              .type = ConfigType::kInt,
              .default_value = "1",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .importance = Importance::kHigh,
              .documentation = "Maximum number of tasks (consumers) for this connector.",
              .group = "Common"});
    d.define({.name = "tasks.max.enforce",
              .type = ConfigType::kBoolean,
              .default_value = "true",
              .importance = Importance::kLow,
              .documentation = "Accepted for compatibility.",
              .group = "Common"});
    d.define({.name = "topics",
              .type = ConfigType::kList,
              .default_value = "",
              .importance = Importance::kHigh,
              .documentation = "Topics to consume. Exactly one of topics or topics.regex.",
              .group = "Common"});
    d.define({.name = "topics.regex",
              .type = ConfigType::kString,
              .default_value = "",
              .validator = check_regex,
              .importance = Importance::kHigh,
              .documentation =
                  "Regular expression of topics to consume. Exactly one of topics or topics.regex.",
              .group = "Common"});
    d.define({.name = "key.converter",
              .type = ConfigType::kClass,
              .importance = Importance::kLow,
              .documentation = "Converter for record keys; the worker's when unset.",
              .group = "Common"});
    d.define({.name = "value.converter",
              .type = ConfigType::kClass,
              .importance = Importance::kLow,
              .documentation = "Converter for record values; the worker's when unset.",
              .group = "Common"});
    d.define({.name = "header.converter",
              .type = ConfigType::kClass,
              .importance = Importance::kLow,
              .documentation = "Converter for record headers; the worker's when unset.",
              .group = "Common"});
    d.define({.name = "config.action.reload",
              .type = ConfigType::kString,
              .default_value = "restart",
              .validator = v::one_of({"none", "restart"}),
              .allowed = "none, restart",
              .importance = Importance::kLow,
              .documentation = "Accepted for compatibility.",
              .group = "Common"});
    d.define({.name = "kconnect.buffer.max.bytes",
              .type = ConfigType::kLong,
              .default_value = "8388608",
              .validator = v::at_least(1024),
              .allowed = "[1024,...]",
              .importance = Importance::kLow,
              .documentation =
                  "Bytes consumed but not yet given to the sink above which the task stops "
                  "taking records from the consumer until the sink has drained half of them "
                  "(backpressure).",
              .group = "kconnect"});
    d.define({.name = "kconnect.backpressure.pause.after.ms",
              .type = ConfigType::kLong,
              .default_value = "1000",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = Importance::kLow,
              .documentation =
                  "How long the sink may stay behind before the task pauses its partitions "
                  "(and keeps polling, so the group membership is kept while the sink is stuck).",
              .group = "kconnect"});
    d.define({.name = "kconnect.flush.max.bytes",
              .type = ConfigType::kLong,
              .default_value = "16777216",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .importance = Importance::kLow,
              .documentation =
                  "Bytes given to the sink after which it is flushed and offsets committed, "
                  "without waiting for offset.flush.interval.ms.",
              .group = "kconnect"});
    return d;
  }();
  return def;
}

bool ValidationResult::ok() const { return error_count() == 0; }

size_t ValidationResult::error_count() const {
  size_t n = 0;
  for (const auto& i : issues) n += i.severity == ConfigIssue::Severity::kError ? 1 : 0;
  return n;
}

ValidationResult validate_connector(const WorkerConfig& worker, const api::RawConfig& raw,
                                    const registry::Plugins& plugins) {
  ValidationResult result;
  auto& issues = result.issues;
  ConnectorConfig cfg;
  cfg.originals = raw;
  cfg.values = api::Config::parse(connector_config_def(), raw, issues);
  cfg.name = std::string(strings::trim(cfg.values.get_string("name")));

  // The sink plugin and its own keys.
  std::string class_name = cfg.values.get_string("connector.class");
  if (!class_name.empty()) {
    cfg.sink = plugins.find_sink(class_name);
    if (!cfg.sink) {
      std::vector<std::string> known;
      for (const auto& p : plugins.sinks)
        known.push_back(fmt::format("{} ({})", p.info.name, p.info.class_name));
      issues.push_back(
          {ConfigIssue::Severity::kError, "connector.class", class_name,
           fmt::format("Failed to find any class that implements Connector and which name "
                       "matches {} (available sink connectors: {})",
                       class_name, strings::join(known, ", "))});
    } else {
      cfg.sink_config = api::Config::parse(cfg.sink->info.config_def(), raw, issues);
    }
  }

  // topics XOR topics.regex (SinkConnectorConfig.validate).
  cfg.topics = cfg.values.get_list("topics");
  cfg.topics_regex = cfg.values.get_string("topics.regex");
  if (cfg.topics.empty() && cfg.topics_regex.empty()) {
    issues.push_back({ConfigIssue::Severity::kError, "topics", "",
                      "Must configure one of topics or topics.regex"});
  } else if (!cfg.topics.empty() && !cfg.topics_regex.empty()) {
    issues.push_back({ConfigIssue::Severity::kError, "topics", strings::join(cfg.topics, ","),
                      "topics and topics.regex are mutually exclusive options, but both are set."});
  }
  cfg.tasks_max = cfg.values.get_int("tasks.max");
  cfg.buffer_max_bytes = cfg.values.get_long("kconnect.buffer.max.bytes");
  cfg.flush_max_bytes = cfg.values.get_long("kconnect.flush.max.bytes");
  cfg.backpressure_pause_after =
      std::chrono::milliseconds(cfg.values.get_long("kconnect.backpressure.pause.after.ms"));

  cfg.key_converter = resolve_converter("key", worker, cfg.values, plugins, issues);
  cfg.value_converter = resolve_converter("value", worker, cfg.values, plugins, issues);
  cfg.header_converter = resolve_converter("header", worker, cfg.values, plugins, issues);

  cfg.consumer = build_consumer_settings(cfg.name, worker.bootstrap_servers, worker.consumer,
                                         cfg.values.with_prefix("consumer.override."), issues);

  // Unknown keys: neither common, nor the sink's, nor under a prefix validated elsewhere.
  for (const auto& [key, value] : raw) {
    if (connector_config_def().find(key)) continue;
    if (cfg.sink && cfg.sink->info.config_def().find(key)) continue;
    bool passthrough = false;
    for (auto prefix : kPassthroughPrefixes)
      passthrough = passthrough || strings::starts_with(key, prefix);
    if (passthrough) continue;
    issues.push_back({ConfigIssue::Severity::kWarning, key,
                      api::is_sensitive_key(key) ? std::string(api::kHidden) : value,
                      "unknown configuration key (ignored)"});
  }

  if (result.ok()) result.config = std::move(cfg);
  return result;
}

}  // namespace kc::config
