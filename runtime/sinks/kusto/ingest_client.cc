#include "runtime/sinks/kusto/ingest_client.h"

#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "libs/base/time.h"
#include "libs/http/url.h"

namespace kc::sink::kusto {
namespace {

using nlohmann::json;

constexpr auto kResourcesLifetime = std::chrono::hours(1);
constexpr std::string_view kStorageVersion = "2021-08-06";

std::string random_uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                     b >> 48, b & 0xffffffffffffULL);
}

std::string excerpt(const std::string& body) {
  auto j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    std::string out;
    for (const char* key : {"code", "@message", "message"}) {
      if (e.contains(key) && e[key].is_string()) {
        if (!out.empty()) out += ": ";
        out += e[key].get<std::string>();
      }
    }
    if (!out.empty()) return out;
  }
  return body.substr(0, 300);
}

bool refuses_streaming(const std::string& body) {
  auto b = strings::to_lower(body);
  for (std::string_view needle :
       {"streamingingestionpolicynotenabled", "streaming ingestion policy",
        "streaming ingestion is disabled", "streamingingestiondisabled"}) {
    if (b.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Kusto's streamFormat names (case-insensitive for the service).
std::string stream_format(const std::string& format) {
  if (format == "json") return "Json";
  if (format == "multijson") return "MultiJson";
  if (format == "csv") return "Csv";
  if (format == "tsv") return "Tsv";
  return format;
}

}  // namespace

Result<std::unique_ptr<IngestClient>> IngestClient::create(const Settings& settings,
                                                           TokenProvider& tokens, SinkProbe* probe,
                                                           std::stop_token stop) {
  std::unique_ptr<IngestClient> c(new IngestClient(settings, tokens, probe, std::move(stop)));
  KC_RETURN_IF_ERROR(c->target_for(settings.ingestion_url));
  KC_RETURN_IF_ERROR(c->target_for(settings.engine_url));
  return c;
}

Result<HttpTarget*> IngestClient::target_for(const std::string& url) {
  KC_ASSIGN_OR_RETURN(auto parsed, http::parse_url(url));
  auto origin = parsed.origin();
  auto it = targets_.find(origin);
  if (it != targets_.end()) return it->second.get();
  KC_ASSIGN_OR_RETURN(auto target, HttpTarget::create({.base_url = origin,
                                                       .connect_timeout = std::chrono::seconds(10),
                                                       .request_timeout = std::chrono::minutes(5),
                                                       .max_response_bytes = size_t{16} << 20},
                                                      probe_, stop_));
  auto* raw = target.get();
  targets_.emplace(origin, std::move(target));
  return raw;
}

Result<json> IngestClient::management(const std::string& base_url, const std::string& database,
                                      const std::string& command) {
  KC_ASSIGN_OR_RETURN(auto url, http::parse_url(base_url));
  KC_ASSIGN_OR_RETURN(auto* target, target_for(base_url));
  auto path = url.path == "/" ? std::string() : url.path;
  path += "/v1/rest/mgmt";
  auto body = json{{"db", database}, {"csl", command}}.dump();
  Result<http::Response> response;
  for (int attempt = 0; attempt < 2; ++attempt) {
    KC_ASSIGN_OR_RETURN(auto token, tokens_.token(base_url));
    response = target->request(http::Method::kPost, path, body,
                               {{"Authorization", "Bearer " + token},
                                {"Content-Type", "application/json; charset=utf-8"},
                                {"Accept", "application/json"},
                                {"x-ms-app", "kconnect"},
                                {"x-ms-client-request-id", "KC.kusto;" + random_uuid()}});
    if (response || response.error().code() != Errc::kPermissionDenied) break;
    tokens_.invalidate(base_url);  // expired or revoked: one more try with a new token
  }
  if (!response) return tl::unexpected(response.error());
  auto where = target->describe(http::Method::kPost, path);
  if (!response->ok()) {
    return make_error(Errc::kProtocol, "{} ({}): HTTP {}: {}", where, command, response->status,
                      excerpt(response->body));
  }
  auto doc = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("Tables") || !doc["Tables"].is_array() ||
      doc["Tables"].empty() || !doc["Tables"][0].is_object()) {
    return make_error(Errc::kProtocol, "{} ({}): an answer without Tables", where, command);
  }
  return doc["Tables"][0];
}

Status IngestClient::check() {
  resources_.reset();
  KC_RETURN_IF_ERROR(resources());
  return ok();
}

Status IngestClient::check_table(const std::string& database, const std::string& table) {
  auto r = management(settings_.engine_url, database,
                      fmt::format(".show table ['{}'] cslschema", table));
  if (!r) {
    return tl::unexpected(Error(r.error().code(),
                                fmt::format("table {}.{} (kusto.validation.table.enable): {}",
                                            database, table, r.error().message()),
                                r.error().retriable() ? Retry::kYes : Retry::kNo));
  }
  return ok();
}

Result<const IngestClient::Resources*> IngestClient::resources() {
  if (resources_ && Clock::now() - resources_->fetched < kResourcesLifetime) return &*resources_;
  KC_ASSIGN_OR_RETURN(
      auto table, management(settings_.ingestion_url, "NetDefaultDB", ".get ingestion resources"));
  ++resource_fetches_;
  Resources r;
  r.fetched = Clock::now();
  int type_column = -1, root_column = -1;
  if (table.contains("Columns") && table["Columns"].is_array()) {
    for (size_t i = 0; i < table["Columns"].size(); ++i) {
      auto name = table["Columns"][i].value("ColumnName", "");
      if (name == "ResourceTypeName") type_column = static_cast<int>(i);
      if (name == "StorageRoot") root_column = static_cast<int>(i);
    }
  }
  if (type_column >= 0 && root_column >= 0 && table.contains("Rows") && table["Rows"].is_array()) {
    for (const auto& row : table["Rows"]) {
      if (!row.is_array() || row.size() <= static_cast<size_t>(std::max(type_column, root_column)))
        continue;
      const auto& type = row[static_cast<size_t>(type_column)];
      const auto& root = row[static_cast<size_t>(root_column)];
      if (!type.is_string() || !root.is_string()) continue;
      if (type == "TempStorage") r.containers.push_back(root.get<std::string>());
      if (type == "SecuredReadyForAggregationQueue") r.queues.push_back(root.get<std::string>());
    }
  }
  if (r.containers.empty() || r.queues.empty()) {
    return make_error(Errc::kProtocol,
                      "{}/v1/rest/mgmt (.get ingestion resources): no TempStorage container or "
                      "SecuredReadyForAggregationQueue in the answer (is kusto.ingestion.url the "
                      "ingest- endpoint?)",
                      settings_.ingestion_url);
  }
  KC_ASSIGN_OR_RETURN(auto identity, management(settings_.ingestion_url, "NetDefaultDB",
                                                ".get kusto identity token"));
  if (identity.contains("Rows") && identity["Rows"].is_array() && !identity["Rows"].empty() &&
      identity["Rows"][0].is_array() && !identity["Rows"][0].empty() &&
      identity["Rows"][0][0].is_string()) {
    r.identity_token = identity["Rows"][0][0].get<std::string>();
  } else {
    return make_error(Errc::kProtocol,
                      "{}/v1/rest/mgmt (.get kusto identity token): no AuthorizationContext",
                      settings_.ingestion_url);
  }
  resources_ = std::move(r);
  return &*resources_;
}

Status IngestClient::ingest_queued(const IngestBatch& batch) {
  for (int attempt = 0;; ++attempt) {
    KC_ASSIGN_OR_RETURN(const auto* r, resources());
    auto s = queued_once(batch, *r);
    if (s || attempt > 0) return s;
    bool storage_refused =
        s.error().code() == Errc::kPermissionDenied || s.error().code() == Errc::kNotFound;
    if (!storage_refused) return s;
    resources_.reset();  // a SAS expired or a container/queue was replaced: ask again
  }
}

Status IngestClient::queued_once(const IngestBatch& batch, const Resources& r) {
  // Put Blob.
  KC_ASSIGN_OR_RETURN(auto container,
                      http::parse_url(r.containers[next_container_++ % r.containers.size()]));
  auto blob_name =
      fmt::format("{}__{}__{}.{}.gz", batch.database, batch.table, batch.tag, batch.format);
  auto blob_path = container.path + "/" + http::percent_encode(blob_name);
  auto blob_target = blob_path + (container.query.empty() ? "" : "?" + container.query);
  KC_ASSIGN_OR_RETURN(auto* storage, target_for(container.origin()));
  KC_ASSIGN_OR_RETURN(auto put, storage->request(http::Method::kPut, blob_target, batch.gzipped,
                                                 {{"x-ms-blob-type", "BlockBlob"},
                                                  {"x-ms-version", std::string(kStorageVersion)},
                                                  {"Content-Type", "application/octet-stream"}}));
  if (put.status != 201 && put.status != 200) {
    return make_error(put.status == 404 ? Errc::kNotFound : Errc::kProtocol,
                      "Put Blob {}: HTTP {}: {}", storage->describe(http::Method::kPut, blob_path),
                      put.status, put.body.substr(0, 300));
  }

  // Put Message.
  json properties = {{"authorizationContext", r.identity_token},
                     {"format", batch.format},
                     {"tags", json::array({"ingest-by:" + batch.tag}).dump()},
                     {"ingestIfNotExists", json::array({batch.tag}).dump()}};
  if (!batch.mapping.empty()) properties["ingestionMappingReference"] = batch.mapping;
  json message = {{"Id", random_uuid()},
                  {"BlobPath", container.origin() + blob_target},
                  {"RawDataSize", batch.raw_size},
                  {"DatabaseName", batch.database},
                  {"TableName", batch.table},
                  {"RetainBlobOnSuccess", false},
                  {"FlushImmediately", false},
                  {"ReportLevel", 0},
                  {"ReportMethod", 0},
                  {"SourceMessageCreationTime", format_time(std::chrono::system_clock::now())},
                  {"AdditionalProperties", properties}};
  KC_ASSIGN_OR_RETURN(auto queue, http::parse_url(r.queues[next_queue_++ % r.queues.size()]));
  auto messages_path = queue.path + "/messages";
  auto queue_target = messages_path + (queue.query.empty() ? "" : "?" + queue.query);
  KC_ASSIGN_OR_RETURN(auto* queues, target_for(queue.origin()));
  auto body = fmt::format("<QueueMessage><MessageText>{}</MessageText></QueueMessage>",
                          base64::encode(message.dump()));
  KC_ASSIGN_OR_RETURN(auto posted, queues->request(http::Method::kPost, queue_target, body,
                                                   {{"x-ms-version", std::string(kStorageVersion)},
                                                    {"Content-Type", "application/xml"}}));
  if (posted.status != 201 && posted.status != 200) {
    return make_error(posted.status == 404 ? Errc::kNotFound : Errc::kProtocol,
                      "Put Message {}: HTTP {}: {}",
                      queues->describe(http::Method::kPost, messages_path), posted.status,
                      posted.body.substr(0, 300));
  }
  return ok();
}

Result<StreamOutcome> IngestClient::ingest_streaming(const IngestBatch& batch) {
  if (batch.raw_size > kMaxStreamingBytes) return StreamOutcome::kUseQueued;
  KC_ASSIGN_OR_RETURN(auto url, http::parse_url(settings_.engine_url));
  KC_ASSIGN_OR_RETURN(auto* target, target_for(settings_.engine_url));
  // Throttled a moment ago: queue this batch rather than wait for the engine.
  if (auto until = target->not_before(); until && *until > HttpTarget::Clock::now()) {
    return StreamOutcome::kUseQueued;
  }
  auto path = (url.path == "/" ? std::string() : url.path) +
              fmt::format("/v1/rest/ingest/{}/{}", http::percent_encode(batch.database),
                          http::percent_encode(batch.table));
  http::QueryParams query = {{"streamFormat", stream_format(batch.format)}};
  if (!batch.mapping.empty()) query.emplace("mappingName", batch.mapping);
  auto request_target = path + "?" + http::build_query(query);
  Result<http::Response> response;
  for (int attempt = 0; attempt < 2; ++attempt) {
    KC_ASSIGN_OR_RETURN(auto token, tokens_.token(settings_.engine_url));
    response = target->request(http::Method::kPost, request_target, batch.gzipped,
                               {{"Authorization", "Bearer " + token},
                                {"Content-Encoding", "gzip"},
                                {"Content-Type", "application/octet-stream"},
                                {"x-ms-app", "kconnect"},
                                {"x-ms-client-request-id", "KC.kusto;" + random_uuid()}});
    if (response || response.error().code() != Errc::kPermissionDenied) break;
    tokens_.invalidate(settings_.engine_url);
  }
  if (!response) {
    if (response.error().retriable()) return StreamOutcome::kUseQueued;  // throttled, down
    return tl::unexpected(response.error());
  }
  if (response->ok()) return StreamOutcome::kIngested;
  if (response->status == 413 || refuses_streaming(response->body)) {
    return StreamOutcome::kUseQueued;
  }
  return make_error(Errc::kData, "{}: HTTP {}: {}", target->describe(http::Method::kPost, path),
                    response->status, excerpt(response->body));
}

}  // namespace kc::sink::kusto
