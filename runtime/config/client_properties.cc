#include "runtime/config/client_properties.h"

#include <fmt/format.h>

#include "runtime/config/consumer_properties.h"

namespace kc::config {
namespace {

struct Translation {
  std::string_view java;
  std::string_view librdkafka;  // empty: ignored
  std::string_view why;         // for ignored keys
};

// Keys shared by the producer and the admin client.
constexpr Translation kCommon[] = {
    {"sasl.mechanism", "sasl.mechanisms", ""},
    {"receive.buffer.bytes", "socket.receive.buffer.bytes", ""},
    {"send.buffer.bytes", "socket.send.buffer.bytes", ""},
    {"metric.reporters", "", "metrics are served at /metrics"},
    {"metrics.num.samples", "", "metrics are served at /metrics"},
    {"metrics.sample.window.ms", "", "metrics are served at /metrics"},
    {"metrics.recording.level", "", "metrics are served at /metrics"},
    {"client.dns.lookup", "", "librdkafka resolves with the system resolver"},
    {"security.providers", "", "Java security providers do not apply"},
    {"ssl.engine.factory.class", "", "Java SSL engines do not apply"},
    {"default.api.timeout.ms", "", "not used by librdkafka"},
};

constexpr Translation kProducer[] = {
    {"max.request.size", "message.max.bytes", ""},
    {"request.timeout.ms", "request.timeout.ms", ""},
    {"key.serializer", "", "the dead-letter queue writes the consumed bytes unchanged"},
    {"value.serializer", "", "the dead-letter queue writes the consumed bytes unchanged"},
    {"interceptor.classes", "", "Java producer interceptors cannot run in kconnect"},
    {"partitioner.class", "", "the dead-letter queue lets librdkafka's partitioner choose"},
    {"buffer.memory", "", "librdkafka bounds its queue with queue.buffering.max.kbytes"},
};

constexpr Translation kAdmin[] = {
    {"request.timeout.ms", "socket.timeout.ms", ""},
    {"retries", "", "admin requests are retried by kconnect"},
};

template <size_t N>
const Translation* find(const Translation (&table)[N], std::string_view key) {
  for (const auto& t : table) {
    if (t.java == key) return &t;
  }
  return nullptr;
}

template <size_t N>
void apply(ClientProperties& out, std::vector<std::string>& display,
           const Translation (&specific)[N], const api::RawConfig& keys, std::string_view prefix,
           std::vector<api::ConfigIssue>& issues) {
  for (const auto& [key, value] : keys) {
    std::string shown = fmt::format("{}{}", prefix, key);
    const Translation* t = find(specific, key);
    if (!t) t = find(kCommon, key);
    std::string name = key;
    if (t && t->librdkafka.empty()) {
      issues.push_back({api::ConfigIssue::Severity::kWarning, shown,
                        api::is_sensitive_key(key) ? std::string(api::kHidden) : value,
                        fmt::format("ignored: {}", t->why)});
      continue;
    }
    if (t) name = std::string(t->librdkafka);
    bool replaced = false;
    for (size_t i = 0; i < out.size() && !replaced; ++i) {
      if (out[i].first == name) {
        out[i].second = value;
        display[i] = shown;
        replaced = true;
      }
    }
    if (!replaced) {
      out.emplace_back(std::move(name), value);
      display.push_back(std::move(shown));
    }
  }
}

template <size_t N>
ClientProperties build(std::string_view client, const Translation (&specific)[N],
                       std::string_view worker_prefix, std::string_view override_prefix,
                       const std::string& bootstrap_servers, const api::RawConfig& worker,
                       const api::RawConfig& overrides, std::vector<api::ConfigIssue>& issues) {
  ClientProperties out{{"bootstrap.servers", bootstrap_servers}};
  std::vector<std::string> display{"bootstrap.servers"};
  apply(out, display, specific, worker, worker_prefix, issues);
  apply(out, display, specific, overrides, override_prefix, issues);
  size_t first = issues.size();
  check_with_librdkafka(out, display, issues);
  for (size_t i = first; i < issues.size(); ++i) {
    auto& m = issues[i].message;
    for (auto pos = m.find("consumer"); pos != std::string::npos; pos = m.find("consumer", pos))
      m.replace(pos, 8, client);
  }
  return out;
}

}  // namespace

ClientProperties build_producer_properties(const std::string& bootstrap_servers,
                                           const api::RawConfig& worker_producer,
                                           const api::RawConfig& overrides,
                                           std::vector<api::ConfigIssue>& issues) {
  return build("producer", kProducer, "producer.", "producer.override.", bootstrap_servers,
               worker_producer, overrides, issues);
}

ClientProperties build_admin_properties(const std::string& bootstrap_servers,
                                        const api::RawConfig& worker_admin,
                                        const api::RawConfig& overrides,
                                        std::vector<api::ConfigIssue>& issues) {
  return build("admin", kAdmin, "admin.", "admin.override.", bootstrap_servers, worker_admin,
               overrides, issues);
}

}  // namespace kc::config
