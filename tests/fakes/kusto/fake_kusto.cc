#include "tests/fakes/kusto/fake_kusto.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/base64.h"
#include "libs/base/gzip.h"
#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSasSignature = "fake-signature";
constexpr std::string_view kIdentityToken = "kusto-identity-token-1";

json v1_table(const std::vector<std::pair<std::string, std::string>>& columns, const json& rows) {
  json cols = json::array();
  for (const auto& [name, type] : columns)
    cols.push_back({{"ColumnName", name}, {"DataType", type}});
  return json{
      {"Tables", json::array({{{"TableName", "Table_0"}, {"Columns", cols}, {"Rows", rows}}})}};
}

http::Response kusto_error(int status, const std::string& code, const std::string& message) {
  return http::Response::json(
      status,
      json{{"error", {{"code", code}, {"message", message}, {"@message", message}}}}.dump());
}

http::Response storage_error(int status, const std::string& code, const std::string& message) {
  auto r = http::Response::empty(status);
  r.headers.set("Content-Type", "application/xml");
  r.headers.set("x-ms-error-code", code);
  r.body = fmt::format(
      R"(<?xml version="1.0" encoding="utf-8"?><Error><Code>{}</Code><Message>{}</Message></Error>)",
      code, message);
  return r;
}

std::string text_between(const std::string& s, const std::string& open, const std::string& close) {
  auto a = s.find(open);
  if (a == std::string::npos) return {};
  a += open.size();
  auto b = s.find(close, a);
  return b == std::string::npos ? std::string() : s.substr(a, b - a);
}

std::vector<std::string> string_array(const json& properties, const char* name) {
  std::vector<std::string> out;
  if (!properties.contains(name) || !properties[name].is_string()) return out;
  auto parsed = json::parse(properties[name].get<std::string>(), nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& v : parsed) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FakeKusto>> FakeKusto::start(Options options) {
  std::unique_ptr<FakeKusto> f(new FakeKusto());
  f->options_ = std::move(options);
  f->token_lifetime_s_ = f->options_.token_lifetime.count();
  auto* self = f.get();
  // Every server answers every route; what differs is the URL each role is given as, so that
  // each role is its own origin (own connections, own Retry-After), as in Azure.
  auto start_one = [self](const char* name) {
    http::Router router;
    router
        .add(http::Method::kPost, "/{tenant}/oauth2/v2.0/token",
             [self](const http::Request& r) { return self->token(r, false); })
        .add(http::Method::kGet, "/metadata/identity/oauth2/token",
             [self](const http::Request& r) { return self->token(r, true); })
        .add(http::Method::kPost, "/v1/rest/mgmt",
             [self](const http::Request& r) { return self->management(r); })
        .add(http::Method::kPost, "/v1/rest/ingest/{db}/{table}",
             [self](const http::Request& r) { return self->streaming(r); })
        .add(http::Method::kPut, "/blob/{container}/{blob}",
             [self](const http::Request& r) { return self->put_blob(r); })
        .add(http::Method::kPost, "/queue/{queue}/messages",
             [self](const http::Request& r) { return self->put_message(r); });
    return http::Server::start({.max_body_bytes = size_t{256} << 20, .name = name},
                               std::move(router));
  };
  KC_ASSIGN_OR_RETURN(f->server_, start_one("fake-kusto-dm"));
  KC_ASSIGN_OR_RETURN(f->engine_, start_one("fake-kusto-engine"));
  KC_ASSIGN_OR_RETURN(f->aad_, start_one("fake-azure-ad"));
  KC_ASSIGN_OR_RETURN(f->storage_, start_one("fake-azure-storage"));
  return f;
}

FakeKusto::~FakeKusto() {
  for (auto* s : {server_.get(), engine_.get(), aad_.get(), storage_.get()}) {
    if (s != nullptr) s->stop();
  }
}

std::string FakeKusto::url() const { return fmt::format("http://127.0.0.1:{}", server_->port()); }
std::string FakeKusto::engine_url() const {
  return fmt::format("http://127.0.0.1:{}", engine_->port());
}
std::string FakeKusto::aad_url() const { return fmt::format("http://127.0.0.1:{}", aad_->port()); }
std::string FakeKusto::storage_url() const {
  return fmt::format("http://127.0.0.1:{}", storage_->port());
}

std::vector<std::string> FakeKusto::rows(const std::string& db, const std::string& table) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto it = tables_.find(db + "." + table);
  if (it == tables_.end()) return out;
  for (const auto& e : it->second) out.insert(out.end(), e.rows.begin(), e.rows.end());
  return out;
}

size_t FakeKusto::extents(const std::string& db, const std::string& table) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(db + "." + table);
  return it == tables_.end() ? 0 : it->second.size();
}

std::vector<json> FakeKusto::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

size_t FakeKusto::requests(Endpoint endpoint) const {
  std::lock_guard lock(mu_);
  auto it = requests_.find(endpoint);
  return it == requests_.end() ? 0 : it->second;
}

std::string FakeKusto::last_assertion() const {
  std::lock_guard lock(mu_);
  return last_assertion_;
}

void FakeKusto::set_federated_token(std::string token) {
  std::lock_guard lock(mu_);
  options_.federated_token = std::move(token);
}

void FakeKusto::revoke_tokens() {
  std::lock_guard lock(mu_);
  tokens_.clear();
}

void FakeKusto::throttle_next(Endpoint endpoint, int count, int status, int retry_after_seconds) {
  std::lock_guard lock(mu_);
  auto& t = faults_[endpoint];
  t.count = count;
  t.status = status;
  t.retry_after = retry_after_seconds;
}

void FakeKusto::set_unavailable(Endpoint endpoint, bool unavailable) {
  std::lock_guard lock(mu_);
  faults_[endpoint].unavailable = unavailable;
}

void FakeKusto::disable_streaming(const std::string& table) {
  std::lock_guard lock(mu_);
  no_streaming_.insert(table);
}

void FakeKusto::add_table(const std::string& table) {
  std::lock_guard lock(mu_);
  known_tables_.insert(table);
}

void FakeKusto::on_blob_stored(std::function<void(const std::string&)> hook) {
  std::lock_guard lock(mu_);
  on_blob_ = std::move(hook);
}

void FakeKusto::on_message_ingested(std::function<void(const json&)> hook) {
  std::lock_guard lock(mu_);
  on_message_ = std::move(hook);
}

std::optional<http::Response> FakeKusto::fault(Endpoint endpoint) {
  std::lock_guard lock(mu_);
  ++requests_[endpoint];
  auto& t = faults_[endpoint];
  if (t.unavailable) return http::Response::text(503, "Service Unavailable");
  if (t.count <= 0) return std::nullopt;
  --t.count;
  auto r =
      http::Response::text(t.status, t.status == 429 ? "Too Many Requests" : "Service Unavailable");
  r.headers.set("Retry-After", std::to_string(t.retry_after));
  return r;
}

std::string FakeKusto::issue_token() {
  std::lock_guard lock(mu_);
  auto token = fmt::format("fake-access-token-{}", ++tokens_issued_);
  tokens_[token] = Clock::now() + std::chrono::seconds(token_lifetime_s_.load());
  return token;
}

bool FakeKusto::authorized(const http::Request& request) {
  auto header = request.headers.get("Authorization");
  if (!header || !strings::starts_with(*header, "Bearer ")) return false;
  std::lock_guard lock(mu_);
  auto it = tokens_.find(std::string(header->substr(7)));
  return it != tokens_.end() && Clock::now() < it->second;
}

http::Response FakeKusto::unauthorized_response() {
  ++unauthorized_;
  auto r = kusto_error(401, "Unauthorized", "the access token is missing, invalid or expired");
  r.headers.set("WWW-Authenticate", "Bearer");
  return r;
}

http::Response FakeKusto::token(const http::Request& request, bool imds) {
  if (auto f = fault(Endpoint::kToken)) return *f;
  auto lifetime = token_lifetime_s_.load();
  if (imds) {
    if (request.headers.get("Metadata") != std::optional<std::string_view>("true")) {
      return http::Response::json(
          400,
          R"({"error":"invalid_request","error_description":"Required metadata header not specified"})");
    }
    auto resource = request.query_value("resource");
    if (!resource || resource->empty()) {
      return http::Response::json(
          400,
          R"({"error":"invalid_request","error_description":"Required query variable 'resource' is missing"})");
    }
    return http::Response::json(200, json{{"access_token", issue_token()},
                                          {"expires_in", std::to_string(lifetime)},
                                          {"resource", std::string(*resource)},
                                          {"token_type", "Bearer"}}
                                         .dump());
  }
  auto invalid = [](int status, const std::string& error, const std::string& description) {
    return http::Response::json(status,
                                json{{"error", error}, {"error_description", description}}.dump());
  };
  if (request.headers.get("Content-Type").value_or("").find("application/x-www-form-urlencoded") ==
      std::string_view::npos) {
    return invalid(400, "invalid_request", "AADSTS900144: the request body must be a form");
  }
  auto form = http::parse_query(request.body);
  if (!form) return invalid(400, "invalid_request", "AADSTS900144: malformed form");
  auto field = [&](const char* name) {
    auto it = form->find(name);
    return it == form->end() ? std::string() : it->second;
  };
  std::string expected_assertion;
  {
    std::lock_guard lock(mu_);
    expected_assertion = options_.federated_token;
    last_assertion_ = field("client_assertion");
  }
  if (*request.param("tenant") != options_.tenant) {
    return invalid(400, "invalid_tenant", "AADSTS90002: Tenant not found");
  }
  if (field("grant_type") != "client_credentials") {
    return invalid(400, "unsupported_grant_type",
                   "AADSTS70003: grant_type must be client_credentials");
  }
  if (!strings::ends_with(field("scope"), "/.default")) {
    return invalid(400, "invalid_scope", "AADSTS1002012: scope must end with /.default");
  }
  if (field("client_id") != options_.client_id) {
    return invalid(400, "unauthorized_client",
                   "AADSTS700016: Application not found in the directory");
  }
  if (!field("client_assertion").empty()) {
    if (field("client_assertion_type") !=
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return invalid(400, "invalid_request", "AADSTS50027: invalid client_assertion_type");
    }
    if (expected_assertion.empty() || field("client_assertion") != expected_assertion) {
      return invalid(
          401, "invalid_client",
          "AADSTS700024: Client assertion is not within its valid time range or does not match");
    }
  } else if (field("client_secret") != options_.client_secret) {
    return invalid(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
  }
  return http::Response::json(200, json{{"token_type", "Bearer"},
                                        {"expires_in", lifetime},
                                        {"ext_expires_in", lifetime},
                                        {"access_token", issue_token()}}
                                       .dump());
}

http::Response FakeKusto::management(const http::Request& request) {
  if (auto f = fault(Endpoint::kManagement)) return *f;
  if (!authorized(request)) return unauthorized_response();
  auto body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("csl") || !body["csl"].is_string()) {
    return kusto_error(400, "BadRequest", "the body must be {\"db\":..,\"csl\":..}");
  }
  auto csl = body["csl"].get<std::string>();
  if (csl == ".get ingestion resources") {
    auto base = storage_url();
    auto sas =
        fmt::format("?sv=2021-08-06&se=2099-01-01T00%3A00%3A00Z&sp=rw&sig={}", kSasSignature);
    json rows = json::array(
        {{"SecuredReadyForAggregationQueue", base + "/queue/readyforaggregation-secured-0" + sas},
         {"SecuredReadyForAggregationQueue", base + "/queue/readyforaggregation-secured-1" + sas},
         {"FailedIngestionsQueue", base + "/queue/failedingestions" + sas},
         {"SuccessfulIngestionsQueue", base + "/queue/successfulingestions" + sas},
         {"TempStorage", base + "/blob/tempstorage-0" + sas},
         {"TempStorage", base + "/blob/tempstorage-1" + sas},
         {"IngestionsStatusTable", base + "/table/ingestionsstatus" + sas}});
    return http::Response::json(
        200, v1_table({{"ResourceTypeName", "String"}, {"StorageRoot", "String"}}, rows).dump());
  }
  if (csl == ".get kusto identity token") {
    return http::Response::json(
        200,
        v1_table({{"AuthorizationContext", "String"}}, json::array({{kIdentityToken}})).dump());
  }
  if (strings::starts_with(csl, ".show table ['")) {
    auto table = text_between(csl, "['", "']");
    std::lock_guard lock(mu_);
    if (!known_tables_.empty() && known_tables_.count(table) == 0) {
      return kusto_error(400, "BadRequest_EntityNotFound",
                         fmt::format("Table '{}' was not found", table));
    }
    return http::Response::json(200, v1_table({{"TableName", "String"}, {"Schema", "String"}},
                                              json::array({{table, "id:long"}}))
                                         .dump());
  }
  return kusto_error(400, "BadRequest_SyntaxError", "unsupported command: " + csl);
}

http::Response FakeKusto::put_blob(const http::Request& request) {
  if (auto f = fault(Endpoint::kBlob)) return *f;
  if (request.query_value("sig") != std::optional<std::string_view>(kSasSignature)) {
    return storage_error(403, "AuthenticationFailed", "Signature did not match");
  }
  if (request.headers.get("x-ms-blob-type") != std::optional<std::string_view>("BlockBlob")) {
    return storage_error(400, "MissingRequiredHeader", "x-ms-blob-type");
  }
  std::function<void(const std::string&)> hook;
  {
    std::lock_guard lock(mu_);
    blobs_[request.path] = request.body;
    hook = on_blob_;
  }
  if (hook) hook(request.path);
  return http::Response::empty(201);
}

std::optional<std::vector<std::string>> FakeKusto::parse_rows(const std::string& body,
                                                              const std::string& format) {
  std::vector<std::string> rows;
  if (!options_.keep_rows) {
    auto lines = static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
    if (!body.empty() && body.back() != '\n') ++lines;
    row_count_ += lines;
    return rows;
  }
  size_t start = 0;
  while (start < body.size()) {
    auto end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    auto line = body.substr(start, end - start);
    start = end + 1;
    if (strings::trim(line).empty()) continue;
    if (format == "json" || format == "multijson" || format == "singlejson") {
      auto doc = json::parse(line, nullptr, false);
      if (doc.is_discarded()) return std::nullopt;
      if (doc.is_array() && format == "multijson") {
        for (const auto& e : doc) rows.push_back(e.dump());
      } else {
        rows.push_back(doc.dump());
      }
    } else {
      rows.push_back(line);
    }
  }
  row_count_ += rows.size();
  return rows;
}

http::Response FakeKusto::put_message(const http::Request& request) {
  if (auto f = fault(Endpoint::kQueue)) return *f;
  if (request.query_value("sig") != std::optional<std::string_view>(kSasSignature)) {
    return storage_error(403, "AuthenticationFailed", "Signature did not match");
  }
  auto text = text_between(request.body, "<MessageText>", "</MessageText>");
  auto decoded = base64::decode(text);
  if (text.empty() || !decoded) {
    return storage_error(400, "InvalidXmlDocument", "no base64 MessageText");
  }
  auto message = json::parse(*decoded, nullptr, false);
  auto bad = [](const std::string& what) { return storage_error(400, "InvalidInput", what); };
  if (!message.is_object()) return bad("the message is not JSON");
  for (const char* key : {"Id", "BlobPath", "DatabaseName", "TableName"}) {
    if (!message.contains(key) || !message[key].is_string()) return bad(std::string("no ") + key);
  }
  if (!message.contains("RawDataSize") || !message["RawDataSize"].is_number_integer()) {
    return bad("no RawDataSize");
  }
  if (!message.contains("AdditionalProperties") || !message["AdditionalProperties"].is_object()) {
    return bad("no AdditionalProperties");
  }
  const auto& properties = message["AdditionalProperties"];
  if (properties.value("authorizationContext", "") != kIdentityToken) {
    return bad("authorizationContext is not the identity token");
  }
  auto blob_url = http::parse_url(message["BlobPath"].get<std::string>());
  if (!blob_url) return bad("BlobPath is not a URL");
  auto blob_path = http::percent_decode(blob_url->path);
  std::unique_lock lock(mu_);
  auto blob = blob_path ? blobs_.find(*blob_path) : blobs_.end();
  if (blob == blobs_.end()) return bad("BlobPath names no blob");
  auto raw = gzip::decompress(blob->second);
  if (!raw) return bad("the blob is not gzip");
  if (static_cast<size_t>(message["RawDataSize"].get<int64_t>()) != raw->size()) {
    return bad("RawDataSize is not the blob's uncompressed size");
  }
  auto rows = parse_rows(*raw, properties.value("format", "csv"));
  if (!rows) return bad("rows do not parse in the message's format");
  auto& extents = tables_[message["DatabaseName"].get<std::string>() + "." +
                          message["TableName"].get<std::string>()];
  auto tags = string_array(properties, "tags");
  bool duplicate = false;
  for (const auto& wanted : string_array(properties, "ingestIfNotExists")) {
    for (const auto& e : extents) {
      if (std::find(e.tags.begin(), e.tags.end(), "ingest-by:" + wanted) != e.tags.end()) {
        duplicate = true;
      }
    }
  }
  if (duplicate) {
    ++skipped_duplicates_;
  } else {
    extents.push_back({tags, std::move(*rows)});
  }
  messages_.push_back(message);
  auto hook = on_message_;
  lock.unlock();
  if (hook) hook(message);
  {
    std::lock_guard relock(mu_);
    // Made unavailable by the hook: ingested, but the answer is lost.
    if (faults_[Endpoint::kQueue].unavailable)
      return http::Response::text(503, "Service Unavailable");
  }
  auto r = http::Response::empty(201);
  r.headers.set("Content-Type", "application/xml");
  r.body = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage>"
      "<MessageId>{}</MessageId><PopReceipt>AAAA</PopReceipt></QueueMessage>"
      "</QueueMessagesList>",
      message["Id"].get<std::string>());
  return r;
}

http::Response FakeKusto::streaming(const http::Request& request) {
  if (auto f = fault(Endpoint::kStreaming)) return *f;
  if (!authorized(request)) return unauthorized_response();
  auto table = std::string(*request.param("table"));
  auto format = strings::to_lower(request.query_value("streamFormat").value_or("csv"));
  {
    std::lock_guard lock(mu_);
    if (no_streaming_.count(table) > 0) {
      return kusto_error(
          400, "StreamingIngestionPolicyNotEnabled",
          fmt::format("Streaming ingestion policy is not enabled for table '{}'", table));
    }
  }
  std::string body = request.body;
  if (request.headers.get("Content-Encoding") == std::optional<std::string_view>("gzip")) {
    auto raw = gzip::decompress(request.body);
    if (!raw) return kusto_error(400, "BadRequest", "the body is not gzip");
    body = std::move(*raw);
  }
  auto rows = parse_rows(body, format);
  if (!rows) return kusto_error(400, "BadRequest_InvalidData", "rows do not parse as " + format);
  std::lock_guard lock(mu_);
  tables_[std::string(*request.param("db")) + "." + table].push_back({{}, std::move(*rows)});
  ++streaming_ingests_;
  return http::Response::json(200, v1_table({{"ExtentId", "Guid"}}, json::array()).dump());
}

}  // namespace kc::testing
