#include "runtime/sinks/http/settings.h"

#include <fmt/format.h>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::sink::http_sink {
namespace {

constexpr std::string_view kHeadersPrefix = "http.headers.";
constexpr int64_t kMiB = int64_t{1024} * 1024;

// RFC 9110 section 5.6.2: a header name is a token.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Headers that frame the message or the connection: the sink and the HTTP client set them.
bool reserved_header(std::string_view name) {
  for (std::string_view r : {"content-length", "transfer-encoding", "host", "connection",
                             "content-encoding", "te", "trailer", "upgrade", "expect"}) {
    if (strings::iequals(name, r)) return true;
  }
  return false;
}

std::optional<std::string> check_url(std::string_view value) {
  auto url = http::parse_url(strings::trim(value));
  if (!url) return url.error().message();
  return std::nullopt;
}

std::optional<std::string> check_header_name(std::string_view value) {
  if (value.empty()) return std::nullopt;  // none sent
  if (!is_token(value)) return "not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)";
  if (reserved_header(value)) return "a header the sink sets itself";
  return std::nullopt;
}

BodyFormat format_of(std::string_view text) {
  auto f = strings::to_lower(strings::trim(text));
  if (f == "ndjson") return BodyFormat::kNdjson;
  if (f == "csv") return BodyFormat::kCsv;
  if (f == "rockset") return BodyFormat::kRockset;
  return BodyFormat::kJsonArray;
}

DocumentId document_id_of(std::string_view text) {
  auto d = strings::to_lower(strings::trim(text));
  if (d == "key") return DocumentId::kKey;
  if (d == "topic_partition_offset") return DocumentId::kTopicPartitionOffset;
  return DocumentId::kNone;
}

api::ConfigIssue error(std::string key, std::string value, std::string message) {
  return {api::ConfigIssue::Severity::kError, std::move(key), std::move(value), std::move(message)};
}

}  // namespace

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    namespace v = api::validators;
    api::ConfigDef d;
    d.define({.name = "http.url",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = check_url,
              .allowed = "http(s)://host[:port][/path][?query]",
              .importance = api::Importance::kHigh,
              .documentation = "Where batches of records are sent, e.g. "
                               "\"https://api.example.com/v1/events\". The query string is sent "
                               "but never shown in messages (it may hold a token).",
              .group = "HTTP"});
    d.define({.name = "http.method",
              .type = api::ConfigType::kString,
              .default_value = "POST",
              .validator = v::one_of({"POST", "PUT"}),
              .allowed = "POST, PUT",
              .importance = api::Importance::kMedium,
              .documentation = "The request method of every batch.",
              .group = "HTTP"});
    d.define({.name = "http.body.format",
              .type = api::ConfigType::kString,
              .default_value = "json_array",
              .validator = v::one_of({"json_array", "ndjson", "csv", "rockset"}),
              .allowed = "json_array, ndjson, csv, rockset",
              .importance = api::Importance::kHigh,
              .documentation =
                  "How a batch's documents make the body: json_array [doc,...] "
                  "(application/json); ndjson one document per line (application/x-ndjson); "
                  "csv one RFC 4180 row per record (text/csv); rockset {\"data\":[doc,...]}, "
                  "the shape of Rockset's Documents API (application/json).",
              .group = "HTTP"});
    d.define({.name = "http.gzip",
              .type = api::ConfigType::kBoolean,
              .default_value = "false",
              .importance = api::Importance::kLow,
              .documentation = "Compress bodies with gzip (Content-Encoding: gzip).",
              .group = "HTTP"});
    d.define({.name = "http.headers.<Name>",
              .type = api::ConfigType::kPassword,
              .importance = api::Importance::kMedium,
              .documentation =
                  "Any header to send with every request: http.headers.X-Api-Key=... sends "
                  "\"X-Api-Key: ...\". Values may come from config providers "
                  "(${secret:ns/name:key}) and are never shown in logs or REST output. "
                  "Content-Length, Transfer-Encoding, Content-Encoding, Host, Connection, Expect, "
                  "TE, Trailer and Upgrade are the sink's own; Authorization only with "
                  "http.auth.type=none.",
              .group = "HTTP"});
    d.define({.name = "http.auth.type",
              .type = api::ConfigType::kString,
              .default_value = "none",
              .validator = v::one_of({"none", "basic", "bearer"}),
              .allowed = "none, basic, bearer",
              .importance = api::Importance::kHigh,
              .documentation = "basic: Authorization: Basic from http.auth.user and "
                               "http.auth.password; bearer: Authorization: Bearer http.auth.token.",
              .group = "HTTP"});
    d.define({.name = "http.auth.user",
              .type = api::ConfigType::kString,
              .default_value = "",
              .importance = api::Importance::kMedium,
              .documentation = "The user of http.auth.type=basic (required there).",
              .group = "HTTP"});
    d.define({.name = "http.auth.password",
              .type = api::ConfigType::kPassword,
              .default_value = "",
              .importance = api::Importance::kMedium,
              .documentation = "The password of http.auth.type=basic. Use a config provider.",
              .group = "HTTP"});
    d.define({.name = "http.auth.token",
              .type = api::ConfigType::kPassword,
              .default_value = "",
              .importance = api::Importance::kMedium,
              .documentation = "The token of http.auth.type=bearer (required there). Use a "
                               "config provider.",
              .group = "HTTP"});
    d.define({.name = "http.batch.max.records",
              .type = api::ConfigType::kInt,
              .default_value = "500",
              .validator = v::range(1, 1'000'000),
              .allowed = "[1,...,1000000]",
              .importance = api::Importance::kMedium,
              .documentation = "Records of one topic partition sent in one request at most.",
              .group = "Batching"});
    d.define({.name = "http.batch.max.bytes",
              .type = api::ConfigType::kLong,
              .default_value = std::to_string(kMiB),
              .validator = v::range(1024, 256 * kMiB),
              .allowed = "[1024,...,268435456]",
              .importance = api::Importance::kMedium,
              .documentation = "A request is sent once its documents reach this many bytes "
                               "(before gzip); a larger single document goes alone.",
              .group = "Batching"});
    d.define({.name = "http.batch.linger.ms",
              .type = api::ConfigType::kLong,
              .default_value = "1000",
              .validator = v::range(0, 3'600'000),
              .allowed = "[0,...,3600000]",
              .importance = api::Importance::kMedium,
              .documentation = "Longest time (ms) a record waits for its batch to fill before "
                               "every batch is sent; 0: the worker's offset.flush.interval.ms.",
              .group = "Batching"});
    d.define({.name = "http.retry.max",
              .type = api::ConfigType::kInt,
              .default_value = "10",
              .validator = v::at_least(-1),
              .allowed = "[-1,...]",
              .importance = api::Importance::kMedium,
              .documentation =
                  "Retries of a request that failed retriably (connection errors, timeouts, "
                  "408, 429, 5xx), each with the same body and idempotency key; -1: no limit. "
                  "When they run out the task fails.",
              .group = "Retries"});
    d.define({.name = "http.retry.backoff.ms",
              .type = api::ConfigType::kLong,
              .default_value = "1000",
              .validator = v::range(1, 600'000),
              .allowed = "[1,...,600000]",
              .importance = api::Importance::kMedium,
              .documentation =
                  "First delay (ms) before a retry, doubling (with +-20% jitter) up to 60 s. A "
                  "Retry-After on a 429 or 5xx answer is honoured: the request is never sent "
                  "again earlier than it says.",
              .group = "Retries"});
    d.define({.name = "http.idempotency.header",
              .type = api::ConfigType::kString,
              .default_value = "Idempotency-Key",
              .validator = check_header_name,
              .allowed = "a header name, or empty for none",
              .importance = api::Importance::kMedium,
              .documentation =
                  "Header carrying a key per batch made of the connector, topic, partition and "
                  "offset range only, so a batch sent again (a retry, a replay after a crash) "
                  "carries the same key and the target can drop the repeat.",
              .group = "Delivery"});
    d.define({.name = "http.document.id",
              .type = api::ConfigType::kString,
              .default_value = "none",
              .validator = v::one_of({"none", "key", "topic_partition_offset"}),
              .allowed = "none, key, topic_partition_offset",
              .importance = api::Importance::kMedium,
              .documentation =
                  "Adds a document id to each JSON document (in http.document.id.field): key "
                  "is the record key as text; topic_partition_offset is "
                  "<topic>+<partition>+<offset> as consumed, as Rockset's sink built it. A "
                  "target that replaces documents by id then replaces on replay instead of "
                  "duplicating. Values must be JSON objects; not with csv.",
              .group = "Delivery"});
    d.define({.name = "http.document.id.field",
              .type = api::ConfigType::kString,
              .default_value = "_id",
              .validator = v::non_empty(),
              .importance = api::Importance::kLow,
              .documentation = "The field that holds the document id (Rockset's is _id).",
              .group = "Delivery"});
    return d;
  }();
  return def;
}

void validate(const api::Config& config, std::vector<api::ConfigIssue>& issues) {
  auto auth = strings::to_lower(config.get_string("http.auth.type"));
  for (const auto& [name, value] : config.with_prefix(kHeadersPrefix)) {
    auto key = std::string(kHeadersPrefix) + name;
    if (name == "<Name>") continue;  // the documentation's placeholder, never sent
    if (!is_token(name)) {
      issues.push_back(error(key, std::string(api::kHidden),
                             "the part after http.headers. must be an HTTP header name (letters, "
                             "digits and !#$%&'*+-.^_`|~)"));
    } else if (reserved_header(name)) {
      issues.push_back(
          error(key, std::string(api::kHidden),
                fmt::format("{} is set by the sink (allowed: any other header)", name)));
    } else if (strings::iequals(name, "Authorization") && auth != "none") {
      issues.push_back(error(key, std::string(api::kHidden),
                             "Authorization comes from http.auth.type=" + auth +
                                 "; give one or the other (allowed: http.auth.type=none)"));
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      issues.push_back(
          error(key, std::string(api::kHidden), "a header value must not contain CR, LF or NUL"));
    }
  }
  if (auth == "basic" && config.get_string("http.auth.user").empty()) {
    issues.push_back(error("http.auth.user", "",
                           "required with http.auth.type=basic (allowed: a non-empty user)"));
  }
  if (auth == "bearer" && config.get_string("http.auth.token").empty()) {
    issues.push_back(error("http.auth.token", "",
                           "required with http.auth.type=bearer (allowed: a non-empty token)"));
  }
  if (format_of(config.get_string("http.body.format")) == BodyFormat::kCsv &&
      document_id_of(config.get_string("http.document.id")) != DocumentId::kNone) {
    issues.push_back(error("http.document.id", config.get_string("http.document.id"),
                           "a document id needs JSON documents; with http.body.format=csv "
                           "(allowed: none)"));
  }
}

Result<Settings> parse_settings(const api::Config& config) {
  std::vector<api::ConfigIssue> issues;
  validate(config, issues);
  std::vector<std::string> errors;
  for (const auto& issue : issues) {
    if (issue.severity == api::ConfigIssue::Severity::kError) errors.push_back(issue.to_string());
  }
  if (!errors.empty()) {
    return make_error(Errc::kInvalidConfig, "{}", strings::join(errors, "; "));
  }
  Settings s;
  s.url = std::string(strings::trim(config.get_string("http.url")));
  s.method = strings::iequals(config.get_string("http.method"), "PUT") ? http::Method::kPut
                                                                       : http::Method::kPost;
  s.format = format_of(config.get_string("http.body.format"));
  s.gzip = config.get_bool("http.gzip");
  for (const auto& [name, value] : config.with_prefix(kHeadersPrefix)) {
    if (name != "<Name>") s.headers.emplace_back(name, value);
  }
  auto auth = strings::to_lower(config.get_string("http.auth.type"));
  if (auth == "basic") {
    s.headers.emplace_back("Authorization",
                           "Basic " + base64::encode(config.get_string("http.auth.user") + ":" +
                                                     config.get_string("http.auth.password")));
  } else if (auth == "bearer") {
    s.headers.emplace_back("Authorization", "Bearer " + config.get_string("http.auth.token"));
  }
  s.max_records = static_cast<size_t>(config.get_int("http.batch.max.records"));
  s.max_bytes = static_cast<size_t>(config.get_long("http.batch.max.bytes"));
  s.linger = std::chrono::milliseconds(config.get_long("http.batch.linger.ms"));
  s.retry_max = config.get_int("http.retry.max");
  s.retry_backoff = std::chrono::milliseconds(config.get_long("http.retry.backoff.ms"));
  s.idempotency_header = std::string(strings::trim(config.get_string("http.idempotency.header")));
  s.document_id = document_id_of(config.get_string("http.document.id"));
  s.document_id_field = config.get_string("http.document.id.field");
  return s;
}

}  // namespace kc::sink::http_sink
