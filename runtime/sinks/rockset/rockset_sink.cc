#include "runtime/sinks/rockset/rockset_sink.h"

#include <fmt/format.h>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "libs/http/url.h"
#include "runtime/sinks/http/http_sink.h"

namespace kc::sink::rockset {
namespace {

// The Java connector's endpoint (RocksetRequestWrapper.KAFKA_ENDPOINT).
constexpr std::string_view kReceiverPath = "/v1/receivers/kafka";
constexpr size_t kMaxRequestBytes = size_t{16} * 1024 * 1024;

std::optional<std::string> check_api_server(std::string_view value) {
  auto url = http::parse_url(strings::trim(value));
  if (!url) return url.error().message();
  if (!url->query.empty()) return "a query string is not allowed";
  return std::nullopt;
}

// RocksetConnectorConfig.validateIntegrationKey: Rockset's Kafka integration keys start so.
std::optional<std::string> check_integration_key(std::string_view value) {
  if (!strings::starts_with(value, "kafka"))
    return "a Rockset Kafka integration key starts with kafka";
  return std::nullopt;
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    namespace v = api::validators;
    api::ConfigDef d;
    d.define({.name = "rockset.apiserver.url",
              .type = api::ConfigType::kString,
              .default_value = "https://api.usw2a1.rockset.com",
              .validator = check_api_server,
              .allowed = "http(s)://host[:port][/path]",
              .importance = api::Importance::kHigh,
              .documentation = "The Rockset API server; documents are POSTed to "
                               "<url>/v1/receivers/kafka.",
              .group = "Rockset"});
    d.define({.name = "rockset.integration.key",
              .type = api::ConfigType::kPassword,
              .required = true,
              .validator = check_integration_key,
              .allowed = "kafka...",
              .importance = api::Importance::kHigh,
              .documentation = "The Kafka integration key (sent as the HTTP Basic user, with an "
                               "empty password). Use a config provider.",
              .group = "Rockset"});
    d.define({.name = "rockset.batch.size",
              .type = api::ConfigType::kInt,
              .default_value = "1000",
              .validator = v::range(1, 1'000'000),
              .allowed = "[1,...,1000000]",
              .importance = api::Importance::kMedium,
              .documentation = "Documents of one topic partition sent in one request at most.",
              .group = "Rockset"});
    d.define({.name = "rockset.task.threads",
              .type = api::ConfigType::kInt,
              .default_value = "5",
              .validator = v::range(1, 256),
              .allowed = "[1,...,256]",
              .importance = api::Importance::kMedium,
              .documentation = "Requests a task sends at once, each for another topic partition "
                               "(the batches of one partition go in order).",
              .group = "Rockset"});
    d.define({.name = "rockset.retry.backoff.ms",
              .type = api::ConfigType::kInt,
              .default_value = "5000",
              .validator = v::range(1, 600'000),
              .allowed = "[1,...,600000]",
              .importance = api::Importance::kMedium,
              .documentation = "First delay (ms) before retrying a request that failed retriably "
                               "(connection errors, 429, 5xx), doubling up to 60 s; a Retry-After "
                               "is honoured. Retried until it succeeds, as the Java connector.",
              .group = "Rockset"});
    d.define({.name = "format",
              .type = api::ConfigType::kString,
              .default_value = "json",
              .validator = v::one_of({"json", "avro"}),
              .allowed = "json, avro",
              .importance = api::Importance::kHigh,
              .documentation =
                  "The records' format, as the Java connector names it: json (JSON text, e.g. "
                  "with the StringConverter or the JsonConverter) or avro (with an Avro "
                  "converter). Either way the converted value becomes the JSON document.",
              .group = "Rockset"});
    return d;
  }();
  return def;
}

}  // namespace

api::SinkPlugin rockset_sink_plugin() {
  return {
      .info = {.name = "rockset",
               .class_name = "rockset.RocksetSinkConnector",
               .aliases = {"RocksetSinkConnector"},
               .summary = "Sends records to Rockset's Kafka receiver "
                          "(/v1/receivers/kafka) as Rockset's own Kafka Connect sink does.",
               .config_def = config_def},
      .create = [](const api::Config& config,
                   const api::SinkContext& context) -> Result<std::unique_ptr<api::Sink>> {
        auto base = std::string(strings::trim(config.get_string("rockset.apiserver.url")));
        while (!base.empty() && base.back() == '/') base.pop_back();
        http_sink::Settings s;
        s.sink_name = "rockset";
        s.url = base + std::string(kReceiverPath);
        s.url_key = "rockset.apiserver.url";
        s.format = http_sink::BodyFormat::kRocksetKafka;
        s.headers.emplace_back(
            "Authorization",
            "Basic " + base64::encode(config.get_string("rockset.integration.key") + ":"));
        s.max_records = static_cast<size_t>(config.get_int("rockset.batch.size"));
        s.max_in_flight = static_cast<size_t>(config.get_int("rockset.task.threads"));
        s.max_bytes = kMaxRequestBytes;
        s.linger = std::chrono::milliseconds(0);  // the worker's offset.flush.interval.ms
        s.retry_max = -1;
        s.retry_backoff = std::chrono::milliseconds(config.get_int("rockset.retry.backoff.ms"));
        s.idempotency_header.clear();  // the receiver has its own identity: topic+partition+offset
        return http_sink::make_sink(std::move(s), context);
      }};
}

}  // namespace kc::sink::rockset
