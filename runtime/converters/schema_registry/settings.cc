#include "runtime/converters/schema_registry/settings.h"

#include <fmt/format.h>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "runtime/config/security/jaas.h"
#include "runtime/config/security/material.h"
#include "runtime/config/security/settings.h"

namespace kc::schema_registry {
namespace {

using api::ConfigDef;
using api::ConfigIssue;
using api::ConfigType;
using api::Importance;
namespace v = api::validators;

constexpr std::string_view kNoEffectForSinks =
    "Accepted for compatibility; a sink converter only reads, so it never registers or looks up "
    "schemas by subject.";

void define(ConfigDef& d, std::string name, ConfigType type,
            std::optional<std::string> default_value, std::string doc,
            Importance importance = Importance::kLow) {
  d.define({.name = std::move(name),
            .type = type,
            .default_value = std::move(default_value),
            .importance = importance,
            .documentation = std::move(doc)});
}

void define_bool(ConfigDef& d, std::string name, bool default_value, std::string doc) {
  define(d, std::move(name), ConfigType::kBoolean, default_value ? "true" : "false",
         std::move(doc));
}

const ConfigDef& common_def() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.define(
        {.name = "schema.registry.url",
         .type = ConfigType::kList,
         .required = true,
         .validator = v::each([](std::string_view url) -> std::optional<std::string> {
           auto lower = strings::to_lower(strings::trim(url));
           if (strings::starts_with(lower, "http://") || strings::starts_with(lower, "https://"))
             return std::nullopt;
           return "Each URL must start with http:// or https://";
         }),
         .allowed = "http(s)://host:port, ... (tried in order)",
         .importance = Importance::kHigh,
         .documentation = "Comma-separated list of Schema Registry URLs; a request that cannot "
                          "reach one goes to the next."});
    d.define({.name = "basic.auth.credentials.source",
              .type = ConfigType::kString,
              .default_value = "URL",
              .validator = v::one_of({"URL", "USER_INFO", "SASL_INHERIT"}),
              .allowed = "URL, USER_INFO, SASL_INHERIT",
              .importance = Importance::kMedium,
              .documentation =
                  "Where Basic auth credentials come from: the URL's user info, "
                  "basic.auth.user.info, or the PLAIN/SCRAM login of sasl.jaas.config."});
    define(d, "basic.auth.user.info", ConfigType::kPassword, "",
           "user:password for Basic auth (basic.auth.credentials.source=USER_INFO).",
           Importance::kMedium);
    define(d, "schema.registry.basic.auth.user.info", ConfigType::kPassword, "",
           "Alias of basic.auth.user.info.", Importance::kMedium);
    define(d, "sasl.jaas.config", ConfigType::kPassword, "",
           "A JAAS login whose username and password are the Basic auth credentials "
           "(basic.auth.credentials.source=SASL_INHERIT).");
    d.define({.name = "bearer.auth.credentials.source",
              .type = ConfigType::kString,
              .default_value = "STATIC_TOKEN",
              .validator =
                  v::one_of({"STATIC_TOKEN", "OAUTHBEARER", "SASL_OAUTHBEARER_INHERIT", "CUSTOM"}),
              .allowed = "STATIC_TOKEN (OAUTHBEARER, SASL_OAUTHBEARER_INHERIT, CUSTOM are refused)",
              .importance = Importance::kMedium,
              .documentation = "Where the bearer token comes from; kconnect supports STATIC_TOKEN "
                               "(bearer.auth.token)."});
    define(d, "bearer.auth.token", ConfigType::kPassword, "",
           "The bearer token (bearer.auth.credentials.source=STATIC_TOKEN).", Importance::kMedium);
    define(d, "bearer.auth.logical.cluster", ConfigType::kString, "",
           "Sent as the target-sr-cluster header (Confluent Cloud).");
    define(d, "bearer.auth.identity.pool.id", ConfigType::kString, "",
           "Sent as the Confluent-Identity-Pool-Id header (Confluent Cloud).");
    // schema.registry.ssl.*: Java's TLS keys, checked and mapped as the Kafka client's are.
    for (const char* name :
         {"schema.registry.ssl.truststore.location", "schema.registry.ssl.truststore.type",
          "schema.registry.ssl.truststore.certificates", "schema.registry.ssl.keystore.location",
          "schema.registry.ssl.keystore.type", "schema.registry.ssl.keystore.certificate.chain",
          "schema.registry.ssl.protocol", "schema.registry.ssl.enabled.protocols",
          "schema.registry.ssl.cipher.suites", "schema.registry.ssl.provider",
          "schema.registry.ssl.keymanager.algorithm", "schema.registry.ssl.trustmanager.algorithm",
          "schema.registry.ssl.secure.random.implementation"}) {
      define(d, name, ConfigType::kString, std::nullopt,
             "TLS to the registry, as the Kafka client's ssl.* key of the same name "
             "(docs/security.md); PEM and PKCS12 stores, JKS must be converted.");
    }
    for (const char* name :
         {"schema.registry.ssl.truststore.password", "schema.registry.ssl.keystore.password",
          "schema.registry.ssl.key.password", "schema.registry.ssl.keystore.key"}) {
      define(d, name, ConfigType::kPassword, std::nullopt,
             "TLS to the registry, as the Kafka client's ssl.* key of the same name.");
    }
    define(d, "schema.registry.ssl.endpoint.identification.algorithm", ConfigType::kString, "https",
           "https: the registry's certificate must name its host; empty: it need not.");
    define(d, "http.connect.timeout.ms", ConfigType::kInt, "60000",
           "Connect timeout of a registry request, per URL.");
    define(d, "http.read.timeout.ms", ConfigType::kInt, "60000",
           "Timeout of a registry request once connected, per URL.");
    d.define({.name = "max.schemas.per.subject",
              .type = ConfigType::kInt,
              .default_value = "1000",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .documentation = "How many registered schemas (by id) the worker keeps; the cache is "
                               "shared by every task that uses the same registry."});
    d.define({.name = "schemas.cache.config",
              .type = ConfigType::kInt,
              .default_value = "1000",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .documentation = "How many parsed schemas each converter keeps."});
    define_bool(d, "auto.register.schemas", true, std::string(kNoEffectForSinks));
    define_bool(d, "use.latest.version", false, std::string(kNoEffectForSinks));
    define_bool(d, "latest.compatibility.strict", true, std::string(kNoEffectForSinks));
    define_bool(d, "normalize.schemas", false, std::string(kNoEffectForSinks));
    define_bool(d, "id.compatibility.strict", true, std::string(kNoEffectForSinks));
    define(d, "use.schema.id", ConfigType::kInt, "-1", std::string(kNoEffectForSinks));
    for (const char* name :
         {"key.subject.name.strategy", "value.subject.name.strategy", "context.name.strategy"}) {
      define(d, name, ConfigType::kClass, std::nullopt, std::string(kNoEffectForSinks));
    }
    define_bool(d, "connect.meta.data", true,
                "Carry the connect.* properties of a schema (name, version, doc, parameters) into "
                "the Connect schema.");
    define_bool(d, "scrub.invalid.names", false,
                "Accepted; it changes names only when writing schemas, which a sink does not.");
    define_bool(d, "confluent.custom.schema.registry.auto", false,
                "Accepted; it has an effect only in Confluent Cloud.");
    return d;
  }();
  return def;
}

const ConfigDef& avro_def() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.include(common_def());
    define_bool(d, "enhanced.avro.schema.support", false,
                "Keep enum and record package names in the Connect schema's parameters.");
    for (const char* name :
         {"avro.reflection.allow.null", "avro.use.logical.type.converters", "specific.avro.reader",
          "avro.remove.java.properties", "ignore.default.for.nullables",
          "generalized.sum.type.support", "discard.type.doc.default", "allow.optional.map.keys"}) {
      define_bool(d, name, false, "Accepted for compatibility (no effect on reading).");
    }
    return d;
  }();
  return def;
}

const ConfigDef& protobuf_def() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.include(common_def());
    define_bool(d, "enhanced.protobuf.schema.support", false,
                "Keep package names in the Connect schema's parameters.");
    define_bool(d, "int.for.enums", false, "Enums become int32 (their number) instead of string.");
    define_bool(d, "wrapper.for.raw.primitives", true,
                "google.protobuf.*Value wrappers become optional primitives.");
    define_bool(d, "generate.index.for.unions", true,
                "A oneof's struct is named <oneof>_0 as Confluent's converter names it.");
    for (const char* name :
         {"optional.for.nullables", "wrapper.for.nullables", "generate.struct.for.nulls",
          "flatten.unions", "optional.for.proto2", "derive.type"}) {
      define_bool(d, name, false, "Accepted for compatibility (no effect on reading).");
    }
    define_bool(d, "skip.known.types", true, std::string(kNoEffectForSinks));
    define(d, "reference.subject.name.strategy", ConfigType::kClass, std::nullopt,
           std::string(kNoEffectForSinks));
    return d;
  }();
  return def;
}

const ConfigDef& json_def() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.include(common_def());
    define_bool(d, "json.fail.invalid.schema", false,
                "Refuse a payload that does not match its schema (otherwise values that do not "
                "fit their type are data errors only where a conversion needs them).");
    for (const char* name : {"json.fail.unknown.properties", "json.oneof.for.nullables"}) {
      define_bool(d, name, true, "Accepted for compatibility (no effect on reading).");
    }
    for (const char* name : {"json.write.dates.iso8601", "use.optional.for.nonrequired",
                             "generalized.sum.type.support"}) {
      define_bool(d, name, false, "Accepted for compatibility (no effect on reading).");
    }
    return d;
  }();
  return def;
}

// "https://user:secret@host:8081/x" -> {"https://host:8081/x", "user:secret"}.
std::pair<std::string, std::string> split_user_info(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {std::string(url), ""};
  auto authority_start = scheme_end + 3;
  auto authority_end = url.find_first_of("/?#", authority_start);
  auto authority = url.substr(authority_start, authority_end == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : authority_end - authority_start);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return {std::string(url), ""};
  std::string stripped(url.substr(0, authority_start));
  stripped += url.substr(authority_start + at + 1);
  return {stripped, std::string(authority.substr(0, at))};
}

struct Auth {
  std::string authorization;
  http::Headers headers;
};

// The Authorization header the configuration asks for, or why it cannot be built.
Result<Auth> resolve_auth(const api::Config& config, std::string_view prefix) {
  Auth auth;
  auto key = [&](std::string_view name) { return fmt::format("{}{}", prefix, name); };
  bool basic_given = config.is_set("basic.auth.credentials.source");
  bool bearer_given =
      config.is_set("bearer.auth.credentials.source") || config.is_set("bearer.auth.token");
  std::string url_user_info;
  for (const auto& url : config.get_list("schema.registry.url")) {
    auto [stripped, user_info] = split_user_info(strings::trim(url));
    if (!user_info.empty()) url_user_info = user_info;
  }
  auto source = strings::to_upper(config.get_string("basic.auth.credentials.source"));
  std::string user_info;
  if (source == "USER_INFO") {
    user_info = config.get_string("basic.auth.user.info");
    if (user_info.empty()) user_info = config.get_string("schema.registry.basic.auth.user.info");
    if (user_info.empty()) {
      return make_error(Errc::kInvalidConfig, "{}: USER_INFO needs {} (user:password)",
                        key("basic.auth.credentials.source"), key("basic.auth.user.info"));
    }
  } else if (source == "SASL_INHERIT") {
    const auto& jaas = config.get_string("sasl.jaas.config");
    if (jaas.empty()) {
      return make_error(Errc::kInvalidConfig,
                        "{}: SASL_INHERIT needs {} with a username and password",
                        key("basic.auth.credentials.source"), key("sasl.jaas.config"));
    }
    auto entries = config::security::parse_jaas_config(jaas);
    if (!entries) {
      return make_error(Errc::kInvalidConfig, "{}: {}", key("sasl.jaas.config"),
                        entries.error().message());
    }
    const std::string* user = entries->empty() ? nullptr : (*entries)[0].option("username");
    const std::string* password = entries->empty() ? nullptr : (*entries)[0].option("password");
    if (!user || !password) {
      return make_error(Errc::kInvalidConfig, "{}: the login module has no username and password",
                        key("sasl.jaas.config"));
    }
    user_info = *user + ":" + *password;
  } else {
    user_info = url_user_info;
  }
  if (!user_info.empty() && user_info.find(':') == std::string::npos) {
    return make_error(Errc::kInvalidConfig, "{}: Basic auth credentials must be user:password",
                      source == "URL" ? key("schema.registry.url") : key("basic.auth.user.info"));
  }
  if (bearer_given) {
    auto bearer_source = strings::to_upper(config.get_string("bearer.auth.credentials.source"));
    if (bearer_source != "STATIC_TOKEN") {
      return make_error(
          Errc::kInvalidConfig, "{}={}: not supported by kconnect; use STATIC_TOKEN with {}",
          key("bearer.auth.credentials.source"), bearer_source, key("bearer.auth.token"));
    }
    const auto& token = config.get_string("bearer.auth.token");
    if (token.empty()) {
      return make_error(Errc::kInvalidConfig, "{}: STATIC_TOKEN needs {}",
                        key("bearer.auth.credentials.source"), key("bearer.auth.token"));
    }
    if (basic_given && !user_info.empty()) {
      return make_error(Errc::kInvalidConfig, "{} and {} are alternatives; set only one",
                        key("basic.auth.credentials.source"),
                        key("bearer.auth.credentials.source"));
    }
    auth.authorization = "Bearer " + token;
    if (const auto& cluster = config.get_string("bearer.auth.logical.cluster"); !cluster.empty()) {
      auth.headers.set("target-sr-cluster", cluster);
    }
    if (const auto& pool = config.get_string("bearer.auth.identity.pool.id"); !pool.empty()) {
      auth.headers.set("Confluent-Identity-Pool-Id", pool);
    }
    return auth;
  }
  if (!user_info.empty()) auth.authorization = "Basic " + base64::encode(user_info);
  return auth;
}

// The schema.registry.ssl.* keys as a Kafka client's ssl.* keys, for the security translation.
api::RawConfig tls_keys(const api::Config& config) {
  api::RawConfig out;
  for (const auto& [k, value] : config.with_prefix("schema.registry.")) {
    if (strings::starts_with(k, "ssl.")) out.emplace(k, value);
  }
  out.emplace("security.protocol", "SSL");
  return out;
}

bool any_https(const api::Config& config) {
  for (const auto& url : config.get_list("schema.registry.url")) {
    if (strings::starts_with(strings::to_lower(strings::trim(url)), "https://")) return true;
  }
  return false;
}

config::security::SecuritySettings translate_tls(const api::Config& config, std::string_view prefix,
                                                 std::vector<ConfigIssue>& issues) {
  auto keys = tls_keys(config);
  auto display = fmt::format("{}schema.registry.", prefix);
  const config::security::KeyLayer layers[] = {{&keys, display}};
  return config::security::translate_security(layers, issues);
}

}  // namespace

const api::ConfigDef& converter_config_def(Format format) {
  switch (format) {
    case Format::kAvro:
      return avro_def();
    case Format::kProtobuf:
      return protobuf_def();
    case Format::kJson:
      return json_def();
  }
  return avro_def();
}

std::string display_url(std::string_view url) { return split_user_info(url).first; }

void validate_settings(const api::Config& config, std::string_view prefix,
                       std::vector<ConfigIssue>& issues) {
  if (config.get_list("schema.registry.url").empty()) return;  // reported as missing
  if (auto auth = resolve_auth(config, prefix); !auth) {
    auto message = auth.error().message();
    auto colon = message.find(": ");
    issues.push_back({ConfigIssue::Severity::kError, message.substr(0, colon),
                      std::string(api::kHidden), message.substr(colon + 2)});
  }
  if (config.get_bool("confluent.custom.schema.registry.auto")) {
    issues.push_back({ConfigIssue::Severity::kWarning,
                      fmt::format("{}confluent.custom.schema.registry.auto", prefix), "true",
                      "accepted without effect: it applies to Confluent Cloud only"});
  }
  for (const char* key : {"auto.register.schemas", "use.latest.version"}) {
    if (config.is_set(key) &&
        config.get_bool(key) != (std::string_view(key) == "auto.register.schemas")) {
      issues.push_back(
          {ConfigIssue::Severity::kWarning, fmt::format("{}{}", prefix, key),
           config.get_bool(key) ? "true" : "false",
           "accepted without effect: a sink converter never registers schemas or looks "
           "them up by subject"});
    }
  }
  bool has_tls_keys = tls_keys(config).size() > 1;
  if (has_tls_keys || any_https(config)) {
    std::vector<ConfigIssue> tls_issues;
    translate_tls(config, prefix, tls_issues);
    for (auto& issue : tls_issues) issues.push_back(std::move(issue));
    if (has_tls_keys && !any_https(config)) {
      issues.push_back({ConfigIssue::Severity::kWarning,
                        fmt::format("{}schema.registry.url", prefix),
                        strings::join(config.get_list("schema.registry.url"), ","),
                        "schema.registry.ssl.* keys are set but no URL uses https://"});
    }
  }
}

Result<ConverterSettings> load_settings(const api::Config& config, Format format,
                                        std::string_view prefix) {
  ConverterSettings s;
  for (const auto& url : config.get_list("schema.registry.url")) {
    s.client.urls.push_back(display_url(strings::trim(url)));
  }
  KC_ASSIGN_OR_RETURN(auto auth, resolve_auth(config, prefix));
  s.client.authorization = std::move(auth.authorization);
  s.client.extra_headers = std::move(auth.headers);
  s.client.http.connect_timeout =
      std::chrono::milliseconds(config.get_int("http.connect.timeout.ms"));
  s.client.http.request_timeout = std::chrono::milliseconds(config.get_int("http.read.timeout.ms"));
  s.client.http.max_response_bytes = 16 << 20;
  if (any_https(config)) {
    std::vector<ConfigIssue> issues;
    auto security = translate_tls(config, prefix, issues);
    for (const auto& issue : issues) {
      if (issue.severity == ConfigIssue::Severity::kError) {
        return make_error(Errc::kInvalidConfig, "{}", issue.to_string());
      }
    }
    KC_ASSIGN_OR_RETURN(auto checked, config::security::check_material(security));
    if (checked.material) {
      if (!checked.material->trusted.empty())
        s.client.http.ca_pem = checked.material->trusted_pem();
      if (!checked.material->chain.empty()) {
        s.client.http.client_cert_pem = checked.material->chain_pem();
        s.client.http.client_key_pem = checked.material->key_pem();
      }
    }
    for (const auto& p : security.properties) {
      if (p.name == "ssl.endpoint.identification.algorithm" && p.value == "none") {
        s.client.http.verify_host_name = false;
      }
    }
  }
  s.registry_cache_capacity = static_cast<size_t>(config.get_int("max.schemas.per.subject"));
  s.decoder_cache_capacity = static_cast<size_t>(config.get_int("schemas.cache.config"));
  s.connect_meta_data = config.get_bool("connect.meta.data");
  s.scrub_invalid_names = config.get_bool("scrub.invalid.names");
  switch (format) {
    case Format::kAvro:
      s.enhanced_schema_support = config.get_bool("enhanced.avro.schema.support");
      break;
    case Format::kProtobuf:
      s.enhanced_schema_support = config.get_bool("enhanced.protobuf.schema.support");
      s.int_for_enums = config.get_bool("int.for.enums");
      s.wrapper_for_raw_primitives = config.get_bool("wrapper.for.raw.primitives");
      s.generate_index_for_unions = config.get_bool("generate.index.for.unions");
      break;
    case Format::kJson:
      s.json_fail_invalid_schema = config.get_bool("json.fail.invalid.schema");
      break;
  }
  return s;
}

}  // namespace kc::schema_registry
