#include "runtime/config/consumer_properties.h"

#include <memory>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "libs/base/strings.h"

namespace kc::config {
namespace {

enum class Disposition { kRename, kIgnore, kMaxPollRecords, kAssignor, kOffsetReset };

struct JavaKey {
  std::string_view java;
  Disposition disposition;
  std::string_view detail;  // librdkafka name for kRename, the reason otherwise
};

constexpr JavaKey kJavaKeys[] = {
    {"fetch.max.wait.ms", Disposition::kRename, "fetch.wait.max.ms"},
    {"receive.buffer.bytes", Disposition::kRename, "socket.receive.buffer.bytes"},
    {"send.buffer.bytes", Disposition::kRename, "socket.send.buffer.bytes"},
    {"request.timeout.ms", Disposition::kRename, "socket.timeout.ms"},
    {"max.poll.records", Disposition::kMaxPollRecords, ""},
    {"partition.assignment.strategy", Disposition::kAssignor, ""},
    {"auto.offset.reset", Disposition::kOffsetReset, ""},
    {"enable.auto.commit", Disposition::kIgnore,
     "kconnect commits offsets itself, only after the sink has flushed"},
    {"enable.auto.offset.store", Disposition::kIgnore, "kconnect stores offsets itself"},
    {"enable.partition.eof", Disposition::kIgnore, "kconnect does not use partition EOF events"},
    {"key.deserializer", Disposition::kIgnore,
     "records are read as bytes and converted by key.converter"},
    {"value.deserializer", Disposition::kIgnore,
     "records are read as bytes and converted by value.converter"},
    {"interceptor.classes", Disposition::kIgnore,
     "Java consumer interceptors cannot run in kconnect"},
    {"metric.reporters", Disposition::kIgnore, "metrics are served at /metrics"},
    {"metrics.num.samples", Disposition::kIgnore, "metrics are served at /metrics"},
    {"metrics.sample.window.ms", Disposition::kIgnore, "metrics are served at /metrics"},
    {"metrics.recording.level", Disposition::kIgnore, "metrics are served at /metrics"},
    {"auto.commit.interval.ms", Disposition::kIgnore,
     "offsets are committed per offset.flush.interval.ms"},
    {"exclude.internal.topics", Disposition::kIgnore,
     "not supported by librdkafka; internal topics are never subscribed by name"},
    {"default.api.timeout.ms", Disposition::kIgnore, "not used by librdkafka"},
    {"client.dns.lookup", Disposition::kIgnore,
     "librdkafka resolves with the system resolver (see client.dns.lookup in librdkafka docs)"},
    {"retries", Disposition::kIgnore, "not a consumer setting in librdkafka"},
    {"internal.leave.group.on.close", Disposition::kIgnore, "not supported by librdkafka"},
    {"security.providers", Disposition::kIgnore, "Java security providers do not apply"},
};

const JavaKey* find_java_key(std::string_view key) {
  for (const auto& k : kJavaKeys) {
    if (k.java == key) return &k;
  }
  return nullptr;
}

// Java assignor class names or short names to librdkafka's.
std::optional<std::string> translate_assignors(std::string_view value, std::string& refused) {
  std::vector<std::string> out;
  for (const auto& item : strings::split_list(value)) {
    std::string name = item;
    auto dot = name.rfind('.');
    if (dot != std::string::npos) name = name.substr(dot + 1);
    if (name == "CooperativeStickyAssignor" || name == "cooperative-sticky") {
      out.emplace_back("cooperative-sticky");
    } else if (name == "RangeAssignor" || name == "range") {
      out.emplace_back("range");
    } else if (name == "RoundRobinAssignor" || name == "roundrobin") {
      out.emplace_back("roundrobin");
    } else {
      refused = item;
      return std::nullopt;
    }
  }
  return strings::join(out, ",");
}

struct Builder {
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<std::string> display;
  int max_poll_records = 500;

  void set(std::string name, std::string value, std::string shown) {
    for (size_t i = 0; i < properties.size(); ++i) {
      if (properties[i].first == name) {
        properties[i].second = std::move(value);
        display[i] = std::move(shown);
        return;
      }
    }
    properties.emplace_back(std::move(name), std::move(value));
    display.push_back(std::move(shown));
  }

  void apply(const api::RawConfig& keys, std::string_view prefix,
             std::vector<api::ConfigIssue>& issues) {
    for (const auto& [key, value] : keys) {
      if (security::is_security_key(key)) continue;  // translate_security's
      std::string shown = fmt::format("{}{}", prefix, key);
      bool secret = api::is_sensitive_key(key);
      std::string shown_value = secret ? std::string(api::kHidden) : value;
      const JavaKey* java = find_java_key(key);
      if (!java) {
        set(key, value, shown);
        continue;
      }
      switch (java->disposition) {
        case Disposition::kRename:
          set(std::string(java->detail), value, shown);
          break;
        case Disposition::kIgnore:
          issues.push_back({api::ConfigIssue::Severity::kWarning, shown, shown_value,
                            fmt::format("ignored: {}", java->detail)});
          break;
        case Disposition::kMaxPollRecords: {
          auto n = strings::parse_int<int32_t>(value);
          if (!n || *n < 1) {
            issues.push_back({api::ConfigIssue::Severity::kError, shown, value,
                              "Value must be at least 1 (allowed: [1,...])"});
          } else {
            max_poll_records = *n;
          }
          break;
        }
        case Disposition::kAssignor: {
          std::string refused;
          auto translated = translate_assignors(value, refused);
          if (!translated) {
            issues.push_back(
                {api::ConfigIssue::Severity::kError, shown, value,
                 fmt::format("assignor '{}' is not available in librdkafka (allowed: "
                             "CooperativeStickyAssignor, RangeAssignor, RoundRobinAssignor)",
                             refused)});
          } else {
            set("partition.assignment.strategy", *translated, shown);
          }
          break;
        }
        case Disposition::kOffsetReset: {
          auto v = strings::to_lower(strings::trim(value));
          if (v == "none") v = "error";  // Java's "none" throws when no offset is committed
          if (v != "earliest" && v != "latest" && v != "error") {
            issues.push_back({api::ConfigIssue::Severity::kError, shown, value,
                              "String must be one of: latest, earliest, none"});
          } else {
            set("auto.offset.reset", v, shown);
          }
          break;
        }
      }
    }
  }
};

}  // namespace

ConsumerSettings build_consumer_settings(const std::string& connector_name,
                                         const std::string& bootstrap_servers,
                                         const api::RawConfig& worker_security,
                                         const api::RawConfig& worker_consumer,
                                         const api::RawConfig& overrides,
                                         std::vector<api::ConfigIssue>& issues) {
  const security::KeyLayer layers[] = {
      {&worker_security, ""}, {&worker_consumer, "consumer."}, {&overrides, "consumer.override."}};
  auto security = security::translate_security(layers, issues);
  Builder b;
  // Kafka Connect's defaults (Worker.baseConsumerConfigs), then librdkafka settings that make it
  // behave as the Java consumer does, then memory defaults (see docs/configuration.md).
  b.set("bootstrap.servers", bootstrap_servers, "bootstrap.servers");
  b.set("group.id", "connect-" + connector_name, "group.id");
  b.set("auto.offset.reset", "earliest", "auto.offset.reset");
  b.set("isolation.level", "read_uncommitted", "isolation.level");
  b.set("partition.assignment.strategy", "cooperative-sticky", "partition.assignment.strategy");
  b.set("allow.auto.create.topics", "true", "allow.auto.create.topics");
  b.set("queued.max.messages.kbytes", "16384", "queued.max.messages.kbytes");
  b.apply(worker_consumer, "consumer.", issues);
  b.apply(overrides, "consumer.override.", issues);
  for (const auto& p : security.properties) b.set(p.name, p.value, p.display);
  // Owned by kconnect, whatever was asked.
  b.set("enable.auto.commit", "false", "enable.auto.commit");
  b.set("enable.auto.offset.store", "false", "enable.auto.offset.store");
  b.set("enable.partition.eof", "false", "enable.partition.eof");
  check_with_librdkafka(b.properties, b.display, issues);
  return {std::move(b.properties), b.max_poll_records, std::move(security)};
}

void check_with_librdkafka(const std::vector<std::pair<std::string, std::string>>& properties,
                           const std::vector<std::string>& display,
                           std::vector<api::ConfigIssue>& issues) {
  std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(),
                                                                          &rd_kafka_conf_destroy);
  char errstr[512];
  for (size_t i = 0; i < properties.size(); ++i) {
    const auto& [name, value] = properties[i];
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof errstr) ==
        RD_KAFKA_CONF_OK) {
      continue;
    }
    bool secret = api::is_sensitive_key(name);
    std::string reason = errstr;
    if (secret) reason = "invalid value";
    if (reason.find("No such configuration property") != std::string::npos) {
      reason = fmt::format(
          "unknown consumer property (neither a Kafka consumer key kconnect "
          "translates nor a librdkafka property)");
    }
    issues.push_back({api::ConfigIssue::Severity::kError, i < display.size() ? display[i] : name,
                      secret ? std::string(api::kHidden) : value, reason});
  }
}

}  // namespace kc::config
