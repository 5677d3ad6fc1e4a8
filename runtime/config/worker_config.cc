#include "runtime/config/worker_config.h"

#include <optional>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/security/settings.h"

namespace kc::config {
namespace {

using api::ConfigType;
using api::Importance;
namespace v = api::validators;

// Keys Kafka's distributed or source-connector workers use; accepted and unused in kconnect.
constexpr std::string_view kUnusedKeys[] = {"group.id",
                                            "config.storage.topic",
                                            "offset.storage.topic",
                                            "status.storage.topic",
                                            "config.storage.replication.factor",
                                            "offset.storage.replication.factor",
                                            "status.storage.replication.factor",
                                            "offset.storage.file.filename",
                                            "plugin.path",
                                            "plugin.discovery",
                                            "rest.advertised.host.name",
                                            "rest.advertised.port",
                                            "rest.advertised.listener",
                                            "topic.creation.enable",
                                            "exactly.once.source.support",
                                            "internal.key.converter",
                                            "internal.value.converter",
                                            "scheduled.rebalance.max.delay.ms",
                                            "connect.protocol",
                                            "heartbeat.interval.ms",
                                            "session.timeout.ms",
                                            "rebalance.timeout.ms",
                                            "client.id",
                                            "metrics.sample.window.ms",
                                            "metrics.num.samples",
                                            "metric.reporters",
                                            "metrics.recording.level",
                                            "response.http.headers.config",
                                            "access.control.allow.origin",
                                            "access.control.allow.methods",
                                            "admin.listeners"};

std::optional<std::string> check_listener(std::string_view listener) {
  auto item = strings::trim(listener);
  if (strings::starts_with(item, "https://")) {
    return "https listeners are not supported yet: use http:// and terminate TLS in front of "
           "the worker (for example a Kubernetes ingress or service mesh)";
  }
  if (!strings::starts_with(item, "http://"))
    return "Listeners must be of the form http://host:port";
  auto rest = item.substr(7);
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return "Listeners must be of the form http://host:port";
  auto port = strings::parse_int<int>(rest.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return "the port must be a number in [0,...,65535]";
  return std::nullopt;
}

}  // namespace

const api::ConfigDef& worker_config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "bootstrap.servers",
              .type = ConfigType::kList,
              .default_value = "localhost:9092",
              .validator = v::non_empty(),
              .importance = Importance::kHigh,
              .documentation =
                  "Kafka brokers to connect to, host:port,... Use \"embedded\" to run an "
                  "in-process mock cluster with a demo data generator."});
    d.define({.name = "key.converter",
              .type = ConfigType::kClass,
              .default_value = "org.apache.kafka.connect.json.JsonConverter",
              .importance = Importance::kHigh,
              .documentation =
                  "Default converter for record keys. (Kafka requires it; kconnect defaults to "
                  "JsonConverter, as Strimzi does.)"});
    d.define({.name = "value.converter",
              .type = ConfigType::kClass,
              .default_value = "org.apache.kafka.connect.json.JsonConverter",
              .importance = Importance::kHigh,
              .documentation = "Default converter for record values."});
    d.define({.name = "header.converter",
              .type = ConfigType::kClass,
              .default_value = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
              .importance = Importance::kLow,
              .documentation = "Default converter for record headers."});
    d.define({.name = "offset.flush.interval.ms",
              .type = ConfigType::kLong,
              .default_value = "60000",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .importance = Importance::kLow,
              .documentation = "How often sinks are flushed and their offsets committed."});
    d.define({.name = "offset.flush.timeout.ms",
              .type = ConfigType::kLong,
              .default_value = "5000",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .importance = Importance::kLow,
              .documentation = "How long an offset commit may take before it counts as failed."});
    d.define(
        {.name = "task.shutdown.graceful.timeout.ms",
         .type = ConfigType::kLong,
         .default_value = "5000",
         .validator = v::at_least(0),
         .allowed = "[0,...]",
         .importance = Importance::kLow,
         .documentation = "How long to wait for tasks to flush, commit and stop on shutdown."});
    d.define({.name = "listeners",
              .type = ConfigType::kList,
              .default_value = "http://:8083",
              .validator = v::each(check_listener),
              .allowed = "http://host:port,...",
              .importance = Importance::kLow,
              .documentation = "REST API listeners, as http://host:port (an empty host listens on "
                               "every interface; port 0 picks a free port)."});
    d.define(
        {.name = "topic.tracking.enable",
         .type = ConfigType::kBoolean,
         .default_value = "true",
         .importance = Importance::kLow,
         .documentation = "Track the topics each connector uses (GET /connectors/{name}/topics)."});
    d.define({.name = "topic.tracking.allow.reset",
              .type = ConfigType::kBoolean,
              .default_value = "true",
              .importance = Importance::kLow,
              .documentation = "Allow PUT /connectors/{name}/topics/reset."});
    d.define({.name = "rest.read.only",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation =
                  "Refuse every REST request that changes something (403): connectors are then "
                  "managed through configuration only (operator-managed workers). Reads, "
                  "config validation and /metrics stay available."});
    d.define({.name = "kconnect.rest.auth.token.file",
              .type = ConfigType::kString,
              .default_value = "",
              .importance = Importance::kMedium,
              .documentation =
                  "A file holding a bearer token: every REST request except GET /health must "
                  "send \"Authorization: Bearer <token>\". The file is read again when it "
                  "changes, so the token can be rotated without a restart. Empty: no "
                  "authentication."});
    d.define({.name = "kconnect.state.file",
              .type = ConfigType::kString,
              .default_value = "",
              .importance = Importance::kLow,
              .documentation =
                  "Standalone: the JSON file where connector states (paused, stopped) and "
                  "connectors created through REST persist across restarts. Empty: beside "
                  "offset.storage.file.filename when it is set, else beside the worker file when "
                  "its directory is writable, else in the working directory; named "
                  "<that file's name without extension>.state.json."});
    d.define(
        {.name = "embedded.topic",
         .type = ConfigType::kString,
         .default_value = "orders",
         .validator = v::non_empty(),
         .importance = Importance::kLow,
         .documentation = "With bootstrap.servers=embedded: the topic the demo generator writes."});
    d.define({.name = "embedded.partitions",
              .type = ConfigType::kInt,
              .default_value = "4",
              .validator = v::range(1, 1000),
              .allowed = "[1,...,1000]",
              .importance = Importance::kLow,
              .documentation = "With bootstrap.servers=embedded: partitions of the demo topic."});
    d.define(
        {.name = "embedded.records",
         .type = ConfigType::kLong,
         .default_value = "100000",
         .validator = v::at_least(0),
         .allowed = "[0,...]",
         .importance = Importance::kLow,
         .documentation = "With bootstrap.servers=embedded: how many demo orders to generate."});
    d.define(
        {.name = "embedded.rate",
         .type = ConfigType::kLong,
         .default_value = "0",
         .validator = v::at_least(0),
         .allowed = "[0,...]",
         .importance = Importance::kLow,
         .documentation = "With bootstrap.servers=embedded: orders per second (0: unlimited)."});
    d.define({.name = "embedded.exit.when.done",
              .type = ConfigType::kBoolean,
              .default_value = "true",
              .importance = Importance::kLow,
              .documentation =
                  "With bootstrap.servers=embedded: print a summary and exit once every "
                  "generated record is written and committed."});
    return d;
  }();
  return def;
}

bool is_worker_passthrough_key(std::string_view key) {
  for (std::string_view prefix : std::initializer_list<std::string_view>{
           "consumer.", "producer.", "admin.", "key.converter.", "value.converter.",
           "header.converter.", "config.providers", "listeners.https.", "rest.extension",
           kOverridePolicyKey, kOverrideAllowlistKey}) {
    if (strings::starts_with(key, prefix)) return true;
  }
  return security::is_security_key(key);
}

WorkerConfig parse_worker_config(const api::RawConfig& given, std::vector<api::ConfigIssue>& issues,
                                 ProviderReferences references) {
  WorkerConfig w;
  api::check_utf8(given, issues);
  w.providers = ConfigProviders::from_worker(given, issues);
  api::RawConfig raw = references == ProviderReferences::kResolve
                           ? w.providers.resolve(given, issues).values
                           : given;
  w.values = api::Config::parse(worker_config_def(), raw, issues);
  for (const auto& [key, value] : raw) {
    if (worker_config_def().find(key) || is_worker_passthrough_key(key)) continue;
    bool unused = false;
    for (auto k : kUnusedKeys) unused = unused || k == key;
    issues.push_back({api::ConfigIssue::Severity::kWarning, key,
                      api::is_sensitive_key(key) ? std::string(api::kHidden) : value,
                      unused ? "has no effect (accepted so that Kafka Connect and Strimzi "
                               "configurations work): kconnect runs each sink connector as "
                               "consumer group connect-<name> and keeps no Connect internal topics"
                             : "unknown worker configuration key (ignored)"});
  }
  w.bootstrap_servers = strings::join(w.values.get_list("bootstrap.servers"), ",");
  w.embedded = strings::iequals(w.bootstrap_servers, "embedded");
  w.embedded_settings = {.topic = w.values.get_string("embedded.topic"),
                         .partitions = w.values.get_int("embedded.partitions"),
                         .records = w.values.get_long("embedded.records"),
                         .rate = w.values.get_long("embedded.rate"),
                         .exit_when_done = w.values.get_bool("embedded.exit.when.done")};
  w.offset_flush_interval =
      std::chrono::milliseconds(w.values.get_long("offset.flush.interval.ms"));
  w.offset_flush_timeout = std::chrono::milliseconds(w.values.get_long("offset.flush.timeout.ms"));
  w.task_shutdown_timeout =
      std::chrono::milliseconds(w.values.get_long("task.shutdown.graceful.timeout.ms"));
  w.listeners = w.values.get_list("listeners");
  w.consumer = w.values.with_prefix("consumer.");
  w.producer = w.values.with_prefix("producer.");
  w.admin = w.values.with_prefix("admin.");
  std::erase_if(w.admin,
                [](const auto& kv) { return strings::starts_with(kv.first, "listeners"); });
  w.security = security::security_keys(raw);
  w.override_policy = parse_override_policy(raw, issues);
  w.rest_read_only = w.values.get_bool("rest.read.only");
  w.rest_token_file = w.values.get_string("kconnect.rest.auth.token.file");
  w.state_file = w.values.get_string("kconnect.state.file");
  w.topic_tracking = w.values.get_bool("topic.tracking.enable");
  w.topic_tracking_reset = w.values.get_bool("topic.tracking.allow.reset");
  return w;
}

}  // namespace kc::config
