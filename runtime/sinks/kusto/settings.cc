#include "runtime/sinks/kusto/settings.h"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::sink::kusto {
namespace {

constexpr std::string_view kDefaultAuthorityHost = "https://login.microsoftonline.com";

// Kusto's ingestion data formats
// (https://learn.microsoft.com/azure/data-explorer/ingestion-supported-formats).
const std::vector<std::string>& formats() {
  static const std::vector<std::string> f = {
      "json", "multijson", "csv",  "tsv",        "tsve",    "scsv", "sohsv",      "psv",
      "txt",  "raw",       "avro", "apacheavro", "parquet", "orc",  "w3clogfile", "singlejson"};
  return f;
}

std::optional<std::string> check_url(std::string_view value) {
  if (value.empty()) return std::nullopt;
  auto url = http::parse_url(value);
  if (!url) return fmt::format("not an http(s) URL: {}", url.error().message());
  if (!url->query.empty()) return "must not carry a query string";
  return std::nullopt;
}

std::optional<std::string> check_mappings(std::string_view value) {
  auto parsed = parse_mappings(value);
  if (!parsed) return parsed.error().message();
  return std::nullopt;
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

const TopicMapping* Settings::mapping_for(std::string_view topic) const {
  const TopicMapping* wildcard = nullptr;
  for (const auto& m : mappings) {
    if (m.topic == topic) return &m;
    if (m.topic == "*" && wildcard == nullptr) wildcard = &m;
  }
  return wildcard;
}

Result<std::vector<TopicMapping>> parse_mappings(std::string_view text) {
  std::string json_text(text);
  // The connector's documented examples use single quotes ('topic': 'a'): JSON with them as '"'.
  if (json_text.find('"') == std::string::npos) {
    for (auto& c : json_text) c = c == '\'' ? '"' : c;
  }
  auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array() || doc.empty()) {
    return make_error(Errc::kInvalidConfig,
                      "must be a non-empty JSON list of {{\"topic\", \"db\", \"table\", "
                      "\"format\", \"mapping\", \"streaming\"}} objects");
  }
  std::vector<TopicMapping> out;
  out.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& e = doc[i];
    if (!e.is_object()) return make_error(Errc::kInvalidConfig, "entry {} is not an object", i);
    auto text_field = [&](const char* name, bool required) -> Result<std::string> {
      if (!e.contains(name) || e[name].is_null()) {
        if (required) {
          return make_error(Errc::kInvalidConfig, "entry {} has no \"{}\"", i, name);
        }
        return std::string();
      }
      if (!e[name].is_string()) {
        return make_error(Errc::kInvalidConfig, "entry {}: \"{}\" must be a string", i, name);
      }
      auto v = std::string(strings::trim(e[name].get<std::string>()));
      if (v.empty() && required) {
        return make_error(Errc::kInvalidConfig, "entry {}: \"{}\" is empty", i, name);
      }
      return v;
    };
    TopicMapping m;
    KC_ASSIGN_OR_RETURN(m.topic, text_field("topic", true));
    KC_ASSIGN_OR_RETURN(m.database, text_field("db", true));
    KC_ASSIGN_OR_RETURN(m.table, text_field("table", true));
    KC_ASSIGN_OR_RETURN(auto format, text_field("format", false));
    KC_ASSIGN_OR_RETURN(m.mapping, text_field("mapping", false));
    if (!format.empty()) m.format = strings::to_lower(format);
    if (std::find(formats().begin(), formats().end(), m.format) == formats().end()) {
      return make_error(Errc::kInvalidConfig,
                        "entry {} (topic {}): unknown format \"{}\" (allowed: {})", i, m.topic,
                        format, fmt::join(formats(), ", "));
    }
    if (e.contains("streaming")) {
      const auto& s = e["streaming"];
      if (s.is_boolean()) {
        m.streaming = s.get<bool>();
      } else if (s.is_string() && (strings::iequals(s.get<std::string>(), "true") ||
                                   strings::iequals(s.get<std::string>(), "false"))) {
        m.streaming = strings::iequals(s.get<std::string>(), "true");
      } else {
        return make_error(Errc::kInvalidConfig,
                          "entry {} (topic {}): \"streaming\" must be true or false", i, m.topic);
      }
    }
    for (const auto& other : out) {
      if (other.topic == m.topic) {
        return make_error(Errc::kInvalidConfig, "topic {} is mapped twice", m.topic);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    namespace v = api::validators;
    api::ConfigDef d;
    auto url_key = [&](std::string name, bool required, std::string doc) {
      d.define({.name = std::move(name),
                .type = api::ConfigType::kString,
                .default_value = required ? std::nullopt : std::optional<std::string>(""),
                .validator = check_url,
                .allowed = "http(s)://host[:port]",
                .importance = api::Importance::kHigh,
                .documentation = std::move(doc),
                .group = "Connection"});
    };
    url_key("kusto.ingestion.url", false,
            "The cluster's data-management (ingestion) endpoint, e.g. "
            "https://ingest-mycluster.westeurope.kusto.windows.net. Required (or the older "
            "kusto.url).");
    url_key("kusto.url", false, "Deprecated name of kusto.ingestion.url.");
    url_key("kusto.query.url", false,
            "The cluster's engine endpoint (streaming ingestion, table validation), e.g. "
            "https://mycluster.westeurope.kusto.windows.net. Default: kusto.ingestion.url "
            "without its \"ingest-\" prefix.");
    d.define({.name = "aad.auth.strategy",
              .type = api::ConfigType::kString,
              .default_value = "application",
              .validator = v::one_of({"application", "managed_identity", "workload_identity"}),
              .allowed = "application, managed_identity, workload_identity",
              .importance = api::Importance::kHigh,
              .documentation =
                  "How the sink gets Azure AD tokens: application = client credentials "
                  "(aad.auth.appid, aad.auth.appkey, aad.auth.authority); managed_identity = the "
                  "instance metadata endpoint (aad.auth.appid selects a user-assigned identity); "
                  "workload_identity = AKS Workload Identity: the federated token in "
                  "AZURE_FEDERATED_TOKEN_FILE (re-read when it rotates) exchanged for "
                  "AZURE_CLIENT_ID in AZURE_TENANT_ID (aad.auth.appid / aad.auth.authority "
                  "override them).",
              .group = "Connection"});
    d.define({.name = "aad.auth.authority",
              .type = api::ConfigType::kString,
              .default_value = "",
              .importance = api::Importance::kHigh,
              .documentation = "The Azure AD tenant id (or domain) of the application.",
              .group = "Connection"});
    d.define({.name = "aad.auth.authority.host",
              .type = api::ConfigType::kString,
              .default_value = "",
              .validator = check_url,
              .allowed = "http(s)://host[:port]",
              .importance = api::Importance::kLow,
              .documentation = "kconnect only: the Azure AD host for sovereign clouds, e.g. "
                               "https://login.microsoftonline.us. Default: the environment "
                               "variable AZURE_AUTHORITY_HOST, else "
                               "https://login.microsoftonline.com.",
              .group = "Connection"});
    d.define({.name = "aad.auth.appid",
              .type = api::ConfigType::kString,
              .default_value = "",
              .importance = api::Importance::kHigh,
              .documentation = "The application (client) id.",
              .group = "Connection"});
    d.define({.name = "aad.auth.appkey",
              .type = api::ConfigType::kPassword,
              .default_value = "",
              .importance = api::Importance::kHigh,
              .documentation = "The application's client secret (application strategy). Use a "
                               "config provider, e.g. ${secret:kusto:appkey}.",
              .group = "Connection"});
    d.define({.name = "kusto.tables.topics.mapping",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = check_mappings,
              .allowed = "[{\"topic\",\"db\",\"table\",\"format\",\"mapping\",\"streaming\"},...]",
              .importance = api::Importance::kHigh,
              .documentation =
                  "Where each topic (after transforms) goes: a JSON list such as "
                  "[{\"topic\": \"t1\", \"db\": \"db\", \"table\": \"T1\", \"format\": \"json\", "
                  "\"mapping\": \"T1Mapping\", \"streaming\": false}]. \"topic\": \"*\" matches "
                  "every topic without its own entry. format: json (default), multijson, csv, "
                  "tsv, avro, ... (Kusto's names); mapping: an ingestion mapping reference; "
                  "streaming: true for streaming ingestion (batches up to 4 MB, else queued).",
              .group = "Writes"});
    d.define({.name = "tempdir.path",
              .type = api::ConfigType::kString,
              .default_value = "",
              .importance = api::Importance::kLow,
              .documentation = "Accepted for compatibility and ignored: kconnect buffers batches "
                               "in memory, within flush.size.bytes per topic partition and the "
                               "connector's kconnect.buffer.max.bytes.",
              .group = "Writes"});
    d.define({.name = "flush.size.bytes",
              .type = api::ConfigType::kLong,
              .default_value = std::to_string(1 << 20),
              .validator = v::at_least(100),
              .allowed = "[100,...]",
              .importance = api::Importance::kMedium,
              .documentation = "Bytes of records (uncompressed) buffered per table and topic "
                               "partition before they are ingested as one batch.",
              .group = "Writes"});
    d.define({.name = "flush.interval.ms",
              .type = api::ConfigType::kLong,
              .default_value = "300000",
              .validator = v::at_least(100),
              .allowed = "[100,...]",
              .importance = api::Importance::kMedium,
              .documentation = "Longest time (ms) records wait in the buffer before a flush.",
              .group = "Writes"});
    d.define({.name = "errors.retry.max.time.ms",
              .type = api::ConfigType::kLong,
              .default_value = "300000",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = api::Importance::kLow,
              .documentation = "How long (ms) a failed ingestion (connection errors, 429, 5xx) "
                               "is retried before behavior.on.error decides.",
              .group = "Error Handling and Retries"});
    d.define({.name = "errors.retry.backoff.time.ms",
              .type = api::ConfigType::kLong,
              .default_value = "10000",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = api::Importance::kLow,
              .documentation = "Delay (ms) between two attempts of a failed ingestion (a "
                               "Retry-After from the service takes precedence).",
              .group = "Error Handling and Retries"});
    auto dlq_key = [&](std::string name, std::string doc, api::ConfigType type) {
      d.define({.name = std::move(name),
                .type = type,
                .default_value = "",
                .importance = api::Importance::kLow,
                .documentation = std::move(doc),
                .group = "Error Handling and Retries"});
    };
    dlq_key("misc.deadletterqueue.topic.name",
            "The dead-letter topic for records of batches that could not be ingested "
            "(behavior.on.error log or ignore): the connector's errors.deadletterqueue.topic.name "
            "when that is not set.",
            api::ConfigType::kString);
    dlq_key("misc.deadletterqueue.bootstrap.servers",
            "The Kafka cluster of the dead-letter topic; default: the worker's.",
            api::ConfigType::kString);
    dlq_key("misc.deadletterqueue.security.protocol",
            "security.protocol of the dead-letter producer.", api::ConfigType::kString);
    dlq_key("misc.deadletterqueue.sasl.mechanism", "sasl.mechanism of the dead-letter producer.",
            api::ConfigType::kString);
    dlq_key("misc.deadletterqueue.sasl.jaas.config",
            "sasl.jaas.config of the dead-letter producer.", api::ConfigType::kPassword);
    d.define({.name = "connection.proxy.host",
              .type = api::ConfigType::kString,
              .default_value = "",
              .validator = [](std::string_view value) -> std::optional<std::string> {
                if (strings::trim(value).empty()) return std::nullopt;
                return "HTTP proxies are not supported by kconnect's kusto sink yet; remove "
                       "connection.proxy.host/port";
              },
              .allowed = "(empty)",
              .importance = api::Importance::kLow,
              .documentation = "An HTTP proxy for every request. Not supported: must be empty.",
              .group = "Connection"});
    d.define({.name = "connection.proxy.port",
              .type = api::ConfigType::kInt,
              .default_value = "-1",
              .validator = v::range(-1, 65535),
              .allowed = "[-1,...,65535]",
              .importance = api::Importance::kLow,
              .documentation = "The proxy's port (see connection.proxy.host).",
              .group = "Connection"});
    d.define({.name = "kusto.validation.table.enable",
              .type = api::ConfigType::kBoolean,
              .default_value = "false",
              .importance = api::Importance::kLow,
              .documentation = "Check at start that every mapped table exists and that the "
                               "principal may ingest into it (.show table ... principals on the "
                               "engine endpoint); the task fails before consuming otherwise.",
              .group = "Connection"});
    return d;
  }();
  return def;
}

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read-only
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

Result<Settings> parse_settings(const api::Config& config, const Environment& environment) {
  Settings s;
  std::vector<std::string> problems;
  s.ingestion_url = config.get_string("kusto.ingestion.url");
  if (s.ingestion_url.empty()) s.ingestion_url = config.get_string("kusto.url");
  s.ingestion_url = without_trailing_slash(s.ingestion_url);
  if (s.ingestion_url.empty()) problems.push_back("kusto.ingestion.url: required");
  s.engine_url = without_trailing_slash(config.get_string("kusto.query.url"));
  if (s.engine_url.empty() && !s.ingestion_url.empty()) {
    s.engine_url = s.ingestion_url;
    auto at = s.engine_url.find("://ingest-");
    if (at != std::string::npos) s.engine_url.erase(at + 3, 7);
  }

  auto strategy = strings::to_lower(config.get_string("aad.auth.strategy"));
  s.strategy = strategy == "managed_identity"    ? AuthStrategy::kManagedIdentity
               : strategy == "workload_identity" ? AuthStrategy::kWorkloadIdentity
                                                 : AuthStrategy::kApplication;
  s.tenant = std::string(strings::trim(config.get_string("aad.auth.authority")));
  s.app_id = std::string(strings::trim(config.get_string("aad.auth.appid")));
  s.app_key = config.get_string("aad.auth.appkey");
  s.authority_host = config.get_string("aad.auth.authority.host");
  if (s.authority_host.empty()) {
    s.authority_host =
        environment("AZURE_AUTHORITY_HOST").value_or(std::string(kDefaultAuthorityHost));
    if (auto bad = check_url(s.authority_host)) {
      problems.push_back(fmt::format("environment AZURE_AUTHORITY_HOST: {}", *bad));
    }
  }
  s.authority_host = without_trailing_slash(s.authority_host);
  switch (s.strategy) {
    case AuthStrategy::kApplication:
      if (s.app_id.empty())
        problems.push_back("aad.auth.appid: required by aad.auth.strategy=application");
      if (s.app_key.empty())
        problems.push_back("aad.auth.appkey: required by aad.auth.strategy=application");
      if (s.tenant.empty())
        problems.push_back("aad.auth.authority: required by aad.auth.strategy=application");
      break;
    case AuthStrategy::kWorkloadIdentity:
      if (s.app_id.empty()) s.app_id = environment("AZURE_CLIENT_ID").value_or("");
      if (s.tenant.empty()) s.tenant = environment("AZURE_TENANT_ID").value_or("");
      if (s.app_id.empty()) {
        problems.push_back(
            "aad.auth.appid: required by aad.auth.strategy=workload_identity when "
            "AZURE_CLIENT_ID is not set");
      }
      if (s.tenant.empty()) {
        problems.push_back(
            "aad.auth.authority: required by aad.auth.strategy=workload_identity "
            "when AZURE_TENANT_ID is not set");
      }
      if (!environment("AZURE_FEDERATED_TOKEN_FILE")) {
        problems.push_back(
            "aad.auth.strategy: workload_identity needs the environment variable "
            "AZURE_FEDERATED_TOKEN_FILE (set by AKS Workload Identity when the pod's "
            "service account is annotated and the pod labelled "
            "azure.workload.identity/use=true)");
      }
      break;
    case AuthStrategy::kManagedIdentity:
      break;
  }
  if (auto m = parse_mappings(config.get_string("kusto.tables.topics.mapping"))) {
    s.mappings = std::move(*m);
  } else {
    problems.push_back("kusto.tables.topics.mapping: " + m.error().message());
  }
  s.flush_size_bytes = config.get_long("flush.size.bytes");
  s.flush_interval = std::chrono::milliseconds(config.get_long("flush.interval.ms"));
  s.retry_max_time = std::chrono::milliseconds(config.get_long("errors.retry.max.time.ms"));
  s.retry_backoff = std::chrono::milliseconds(config.get_long("errors.retry.backoff.time.ms"));
  s.validate_tables = config.get_bool("kusto.validation.table.enable");
  if (!problems.empty()) {
    return make_error(Errc::kInvalidConfig, "{}", fmt::join(problems, "; "));
  }
  return s;
}

}  // namespace kc::sink::kusto
