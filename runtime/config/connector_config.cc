#include "runtime/config/connector_config.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/topic_regex.h"
#include "runtime/transforms/chain.h"

namespace kc::config {
namespace {

using api::ConfigIssue;
using api::ConfigType;
using api::Importance;
namespace v = api::validators;

std::optional<std::string> check_replication_factor(std::string_view value) {
  auto n = strings::parse_int<int64_t>(value);
  if (n && (*n == -1 || (*n >= 1 && *n <= 32767))) return std::nullopt;
  if (!n) return std::nullopt;  // type errors are reported by the type check
  return "Replication factor must be positive and not larger than the number of brokers in the "
         "Kafka cluster, or -1 to use the broker's default";
}

// Java's List.toString: "[a, b]".
std::string java_list(const std::vector<std::string>& items) {
  return fmt::format("[{}]", strings::join(items, ", "));
}

// errors.*: Kafka's keys; behavior.on.error (the Kusto sink's fail|log|ignore) fills in the keys
// that are not given explicitly.
ErrorSettings parse_error_settings(const api::Config& values,
                                   const std::vector<std::string>& topics,
                                   const std::string& topics_regex,
                                   std::vector<ConfigIssue>& issues) {
  ErrorSettings e;
  e.retry_timeout = std::chrono::milliseconds(values.get_long("errors.retry.timeout"));
  e.retry_timeout_set = values.is_set("errors.retry.timeout");
  e.retry_delay_max = std::chrono::milliseconds(values.get_long("errors.retry.delay.max.ms"));
  e.tolerance = strings::iequals(values.get_string("errors.tolerance"), "all")
                    ? ErrorSettings::Tolerance::kAll
                    : ErrorSettings::Tolerance::kNone;
  e.log_enable = values.get_bool("errors.log.enable");
  e.log_include_messages = values.get_bool("errors.log.include.messages");
  e.dlq_topic = std::string(strings::trim(values.get_string("errors.deadletterqueue.topic.name")));
  e.dlq_replication_factor = values.get_int("errors.deadletterqueue.topic.replication.factor");
  e.dlq_context_headers = values.get_bool("errors.deadletterqueue.context.headers.enable");
  // The kusto sink's dead-letter topic key (Microsoft's connector), when Kafka's is not set.
  if (e.dlq_topic.empty()) {
    auto misc = values.originals().find("misc.deadletterqueue.topic.name");
    if (misc != values.originals().end()) e.dlq_topic = std::string(strings::trim(misc->second));
  }

  if (auto behavior = values.get_optional("behavior.on.error")) {
    auto b = strings::to_lower(strings::trim(*behavior));
    bool tolerance_given = values.is_set("errors.tolerance");
    auto wanted = b == "fail" ? ErrorSettings::Tolerance::kNone : ErrorSettings::Tolerance::kAll;
    if (!tolerance_given) {
      e.tolerance = wanted;
    } else if (wanted != e.tolerance) {
      issues.push_back({ConfigIssue::Severity::kWarning, "behavior.on.error", *behavior,
                        "ignored: errors.tolerance is set and takes precedence"});
    }
    if (!values.is_set("errors.log.enable") && b == "log") e.log_enable = true;
  }

  if (!e.dlq_topic.empty()) {
    // SinkConnectorConfig.validate: a DLQ that is also an input topic would loop.
    if (std::find(topics.begin(), topics.end(), e.dlq_topic) != topics.end()) {
      issues.push_back(
          {ConfigIssue::Severity::kError, "topics", strings::join(topics, ","),
           fmt::format("The DLQ topic '{}' may not be included in the list of topics ('topics={}') "
                       "consumed by the connector",
                       e.dlq_topic, java_list(topics))});
    }
    // An invalid topics.regex is reported by its own validator.
    auto regex = TopicRegex::compile(topics_regex);
    if (!topics_regex.empty() && regex && regex->matches(e.dlq_topic)) {
      issues.push_back({ConfigIssue::Severity::kError, "topics.regex", topics_regex,
                        fmt::format("The DLQ topic '{}' may not be matched by the regex for the "
                                    "topics ('topics.regex={}') consumed by the connector",
                                    e.dlq_topic, topics_regex)});
    }
  }
  return e;
}

// Prefixes whose keys belong to something validated elsewhere (or later).
constexpr std::string_view kPassthroughPrefixes[] = {"consumer.override.", "producer.override.",
                                                     "admin.override.",    "key.converter.",
                                                     "value.converter.",   "header.converter."};

std::optional<std::string> check_name(std::string_view name) {
  if (strings::trim(name).empty()) return "Connector name must not be empty";
  if (name.size() > kMaxConnectorNameBytes) {
    return fmt::format("Connector name must be at most {} bytes long (it is {})",
                       kMaxConnectorNameBytes, name.size());
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "Connector name must not contain ISO control characters";
  }
  if (name.find('/') != std::string_view::npos) return "Connector name must not contain '/'";
  return std::nullopt;
}

std::optional<std::string> check_regex(std::string_view pattern) {
  if (pattern.empty()) return std::nullopt;
  if (auto regex = TopicRegex::compile(pattern); !regex) return regex.error().message();
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
  if (spec.plugin->validate) spec.plugin->validate(spec.config, shown_key + ".", issues);
  for (const auto& [k, val] : sub) {
    if (!def.find(k) && k != "converter.type") {
      // The value of a key nobody declared is never shown: it may be anyone's secret.
      issues.push_back({ConfigIssue::Severity::kWarning, prefix + k, "",
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
    d.define({.name = "errors.retry.timeout",
              .type = ConfigType::kLong,
              .default_value = "0",
              .validator = v::at_least(-1),
              .allowed = "[-1,...]",
              .importance = Importance::kMedium,
              .documentation =
                  "The maximum duration in milliseconds that a failed operation will be "
                  "reattempted. The default is 0, which means no retries will be attempted. Use "
                  "-1 for infinite retries. kconnect: errors a sink marks retriable are retried "
                  "for this long when the key is set, and without limit when it is not (Kafka "
                  "retries RetriableException from put() forever).",
              .group = "Error Handling"});
    d.define({.name = "errors.retry.delay.max.ms",
              .type = ConfigType::kLong,
              .default_value = "60000",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = Importance::kMedium,
              .documentation =
                  "The maximum duration in milliseconds between consecutive retry attempts; "
                  "retries start at 300 ms and double. Jitter will be added to the delay once "
                  "this limit is reached to prevent thundering herd issues.",
              .group = "Error Handling"});
    d.define({.name = "errors.tolerance",
              .type = ConfigType::kString,
              .default_value = "none",
              .validator = v::one_of({"none", "all"}),
              .allowed = "none, all",
              .importance = Importance::kMedium,
              .documentation =
                  "Behavior for tolerating errors during connector operation. 'none' is the "
                  "default value and signals that any error will result in an immediate "
                  "connector task failure; 'all' changes the behavior to skip over problematic "
                  "records.",
              .group = "Error Handling"});
    d.define({.name = "errors.log.enable",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation =
                  "If true, write each error and the details of the failed operation and "
                  "problematic record to the application log. This is 'false' by default, so "
                  "that only errors that are not tolerated are reported.",
              .group = "Error Handling"});
    d.define({.name = "errors.log.include.messages",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation =
                  "Whether to include in the log the record that resulted in a failure: its "
                  "topic, partition, offset and timestamp (never key or value).",
              .group = "Error Handling"});
    d.define({.name = "errors.deadletterqueue.topic.name",
              .type = ConfigType::kString,
              .default_value = "",
              .importance = Importance::kMedium,
              .documentation =
                  "The name of the topic to be used as the dead letter queue (DLQ) for messages "
                  "that result in an error when processed by this sink connector, or its "
                  "transformations or converters. The topic name is blank by default, which "
                  "means that no messages are to be recorded in the DLQ.",
              .group = "Error Handling"});
    d.define({.name = "errors.deadletterqueue.topic.replication.factor",
              .type = ConfigType::kInt,
              .default_value = "3",
              .validator = check_replication_factor,
              .allowed = "-1 or [1,...,32767]",
              .importance = Importance::kMedium,
              .documentation =
                  "Replication factor used to create the dead letter queue topic when it doesn't "
                  "already exist (with 1 partition).",
              .group = "Error Handling"});
    d.define({.name = "errors.deadletterqueue.context.headers.enable",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation =
                  "If true, add headers containing error context to the messages written to the "
                  "dead letter queue. To avoid clashing with headers from the original record, "
                  "all error context header keys will start with __connect.errors.",
              .group = "Error Handling"});
    d.define({.name = "behavior.on.error",
              .type = ConfigType::kString,
              .validator = v::one_of({"fail", "log", "ignore"}),
              .allowed = "fail, log, ignore",
              .importance = Importance::kLow,
              .documentation =
                  "The Azure Data Explorer (Kusto) sink's error policy, mapped onto Kafka's keys "
                  "that are not set explicitly: fail = errors.tolerance=none; log = "
                  "errors.tolerance=all with errors.log.enable=true; ignore = "
                  "errors.tolerance=all.",
              .group = "Error Handling"});
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
    d.define({.name = "kconnect.auth.failure.grace.ms",
              .type = ConfigType::kLong,
              .default_value = "60000",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = Importance::kLow,
              .documentation =
                  "How long the consumer's authentication (SASL, the TLS handshake) may keep "
                  "being refused before the task fails with the broker's reason: long enough for "
                  "a credential rotation in flight (the new secret reaching the pod and its "
                  "rollover). A record or a partition assignment ends the count; 0 fails the "
                  "task at the first refusal.",
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
  // Text that is not UTF-8 would break every JSON output later (REST, state file): refused first,
  // alone, so no other check formats it into a message.
  if (!api::check_utf8(raw, issues)) return result;
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
      if (cfg.sink->validate) cfg.sink->validate(cfg.sink_config, issues);
    }
  }

  // topics XOR topics.regex (SinkConnectorConfig.validate).
  cfg.topics = cfg.values.get_list("topics");
  cfg.topics_regex = cfg.values.get_string("topics.regex");
  if (auto regex = TopicRegex::compile(cfg.topics_regex); regex && !cfg.topics_regex.empty())
    cfg.topics_subscription = regex->subscription();
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
  cfg.auth_failure_grace =
      std::chrono::milliseconds(cfg.values.get_long("kconnect.auth.failure.grace.ms"));

  cfg.key_converter = resolve_converter("key", worker, cfg.values, plugins, issues);
  cfg.value_converter = resolve_converter("value", worker, cfg.values, plugins, issues);
  cfg.header_converter = resolve_converter("header", worker, cfg.values, plugins, issues);

  auto consumer_overrides = cfg.values.with_prefix("consumer.override.");
  check_client_overrides(worker.override_policy, consumer_overrides, "consumer.override.", issues);
  cfg.consumer = build_consumer_settings(cfg.name, worker.bootstrap_servers, worker.security,
                                         worker.consumer, consumer_overrides, issues);
  cfg.errors = parse_error_settings(cfg.values, cfg.topics, cfg.topics_regex, issues);
  // Kafka validates producer overrides only for connectors that produce (a DLQ is configured).
  // The kusto sink's misc.deadletterqueue.{bootstrap.servers,security.protocol,sasl.*} (its
  // dead-letter topic on another cluster) apply to the dead-letter producer and admin client.
  auto misc_dlq = cfg.values.with_prefix("misc.deadletterqueue.");
  misc_dlq.erase("topic.name");
  std::erase_if(misc_dlq, [](const auto& entry) { return strings::trim(entry.second).empty(); });
  auto with_misc_dlq = [&](api::RawConfig overrides) {
    for (const auto& [key, value] : misc_dlq) overrides[key] = value;
    return overrides;
  };
  if (!cfg.errors.dlq_topic.empty()) {
    cfg.dlq_producer = build_producer_properties(
        worker.bootstrap_servers, worker.producer,
        with_misc_dlq(cfg.values.with_prefix("producer.override.")), issues);
  }
  cfg.admin =
      build_admin_properties(worker.bootstrap_servers, worker.admin,
                             with_misc_dlq(cfg.values.with_prefix("admin.override.")), issues);

  // Single message transforms and predicates: every transform's keys, at once.
  transforms::validate(raw, plugins, issues);
  cfg.plugins = &plugins;

  // Unknown keys: neither common, nor the sink's, nor under a prefix validated elsewhere.
  for (const auto& [key, value] : raw) {
    if (connector_config_def().find(key)) continue;
    if (cfg.sink && cfg.sink->info.config_def().find(key)) continue;
    bool sink_prefix = false;
    if (cfg.sink) {
      for (const auto& prefix : cfg.sink->key_prefixes)
        sink_prefix = sink_prefix || strings::starts_with(key, prefix);
    }
    if (sink_prefix) continue;
    if (transforms::is_chain_key(key)) continue;
    bool passthrough = false;
    for (auto prefix : kPassthroughPrefixes)
      passthrough = passthrough || strings::starts_with(key, prefix);
    if (passthrough) continue;
    // The value of a key nobody declared is never shown: it may be anyone's secret.
    issues.push_back(
        {ConfigIssue::Severity::kWarning, key, "", "unknown configuration key (ignored)"});
  }

  if (result.ok()) result.config = std::move(cfg);
  return result;
}

ValidationResult resolve_and_validate(const WorkerConfig& worker, const api::RawConfig& raw,
                                      const registry::Plugins& plugins) {
  std::vector<ConfigIssue> provider_issues;
  auto resolved = worker.providers.resolve(raw, provider_issues);
  auto result = validate_connector(worker, resolved.values, plugins);
  result.issues.insert(result.issues.begin(), provider_issues.begin(), provider_issues.end());
  for (auto& issue : result.issues) {
    // A value that came from a provider is a secret.
    if (resolved.from_provider.count(issue.key)) issue.value = std::string(api::kHidden);
  }
  if (!result.ok()) result.config.reset();
  return result;
}

}  // namespace kc::config
