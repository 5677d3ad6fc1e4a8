#include "tests/fakes/http_target/fake_http_target.h"

#include <fmt/format.h>

#include "libs/base/gzip.h"
#include "libs/base/strings.h"

namespace kc::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kReceiverPath = "/v1/receivers/kafka";
constexpr size_t kMaxBody = size_t{256} * 1024 * 1024;

std::string header(const http::Request& r, std::string_view name) {
  auto v = r.headers.get(name);
  return v ? std::string(*v) : std::string();
}

bool refused(const json& doc) {
  return doc.is_object() && doc.contains("refuse") && doc["refuse"] == true;
}

http::Response bad_request(std::string message) {
  return http::Response::json(400, json{{"error", std::move(message)}}.dump());
}

}  // namespace

Result<std::unique_ptr<FakeHttpTarget>> FakeHttpTarget::start(Options options) {
  std::unique_ptr<FakeHttpTarget> f(new FakeHttpTarget());
  f->options_ = std::move(options);
  auto* self = f.get();
  http::Router router;
  auto head = [self](const http::Request& r) {
    if (!self->options_.authorization.empty() &&
        header(r, "Authorization") != self->options_.authorization) {
      return http::Response::empty(401);
    }
    return http::Response::empty(200);
  };
  for (const auto& [path, receiver] :
       {std::pair{self->options_.path, false}, std::pair{std::string(kReceiverPath), true}}) {
    router.add(http::Method::kHead, path, head);
    router.add(http::Method::kPost, path,
               [self, r = receiver](const http::Request& q) { return self->ingest(q, r); });
    if (!receiver) {
      router.add(http::Method::kPut, path,
                 [self](const http::Request& q) { return self->ingest(q, false); });
    }
  }
  KC_ASSIGN_OR_RETURN(f->server_, http::Server::start({.max_body_bytes = kMaxBody,
                                                       .max_connections_per_client = 512,
                                                       .name = "fake-http-target"},
                                                      std::move(router)));
  return f;
}

FakeHttpTarget::~FakeHttpTarget() {
  if (server_) server_->stop();
}

std::string FakeHttpTarget::base_url() const {
  return fmt::format("http://127.0.0.1:{}", server_->port());
}
std::string FakeHttpTarget::url() const { return base_url() + options_.path; }

std::vector<FakeHttpTarget::Received> FakeHttpTarget::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}
std::vector<json> FakeHttpTarget::documents() const {
  std::lock_guard lock(mu_);
  return documents_;
}
std::vector<json> FakeHttpTarget::kafka_messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}
std::vector<std::string> FakeHttpTarget::rows() const {
  std::lock_guard lock(mu_);
  return rows_;
}

void FakeHttpTarget::fail_next(int count, int status, std::optional<int> retry_after_seconds) {
  std::lock_guard lock(mu_);
  fail_count_ = count;
  fail_status_ = status;
  retry_after_ = retry_after_seconds;
}

void FakeHttpTarget::on_stored(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  on_stored_ = std::move(hook);
}

http::Response FakeHttpTarget::ingest(const http::Request& request, bool receiver) {
  int now = ++in_flight_;
  for (int seen = max_in_flight_; now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
  }
  struct Leave {
    std::atomic<int>& count;
    ~Leave() { --count; }
  } leave{in_flight_};
  Received received{std::string(http::to_string(request.method)),
                    request.path,
                    {},
                    {},
                    request.body.size(),
                    0,
                    Clock::now()};
  for (const auto& [name, value] : request.headers)
    received.headers[strings::to_lower(name)] = value;
  auto answer = [&](http::Response response) {
    received.status = response.status;
    std::lock_guard lock(mu_);
    requests_.push_back(std::move(received));
    return response;
  };

  if (!options_.authorization.empty() &&
      header(request, "Authorization") != options_.authorization) {
    auto r = http::Response::text(401, "Unauthorized: the credentials are not valid");
    r.headers.set("WWW-Authenticate", R"(Basic realm="fake")");
    return answer(std::move(r));
  }
  std::string body = request.body;
  if (strings::iequals(header(request, "Content-Encoding"), "gzip")) {
    auto decoded = gzip::decompress(request.body, kMaxBody);
    if (!decoded) return answer(bad_request(decoded.error().message()));
    body = std::move(*decoded);
  }
  received.body = body;
  {
    std::unique_lock lock(mu_);
    if (fail_count_ > 0) {
      --fail_count_;
      auto r = http::Response::text(fail_status_, "injected failure");
      if (retry_after_) r.headers.set("Retry-After", std::to_string(*retry_after_));
      lock.unlock();
      return answer(std::move(r));
    }
  }
  auto key = header(request, "Idempotency-Key");
  if (!key.empty()) {
    std::lock_guard lock(mu_);
    if (auto it = idempotency_keys_.find(key); it != idempotency_keys_.end()) {
      ++replays_;
      auto r = http::Response::json(200, it->second);
      received.status = 200;
      requests_.push_back(std::move(received));
      return r;
    }
  }
  auto response = store(request, body, receiver);
  if (response.ok() && !key.empty()) {
    std::lock_guard lock(mu_);
    idempotency_keys_[key] = response.body;
  }
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    hook = on_stored_;
  }
  if (response.ok() && hook) hook();
  return answer(std::move(response));
}

http::Response FakeHttpTarget::store(const http::Request& request, const std::string& body,
                                     bool receiver) {
  auto type = strings::to_lower(header(request, "Content-Type"));
  std::vector<json> docs;
  std::vector<json> messages;
  std::vector<std::string> rows;
  if (receiver) {
    auto doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("topic") || !doc["topic"].is_string() ||
        !doc.contains("kafka_messages") || !doc["kafka_messages"].is_array()) {
      return bad_request("expected {\"topic\":..., \"kafka_messages\":[...]}");
    }
    size_t n = 0;
    for (auto& m : doc["kafka_messages"]) {
      if (!m.is_object() || !m.contains("document") || !m["document"].is_object() ||
          !m.contains("partition") || !m["partition"].is_number_integer() ||
          !m.contains("offset") || !m["offset"].is_number_integer()) {
        return bad_request(
            fmt::format("kafka_messages[{}]: needs document (object), partition "
                        "and offset",
                        n));
      }
      if (refused(m["document"]))
        return bad_request(fmt::format("kafka_messages[{}]: document refused", n));
      m["topic"] = doc["topic"];
      messages.push_back(m);
      ++n;
    }
  } else if (type.find("application/json") != std::string::npos) {
    auto doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object() && doc.contains("data") && doc["data"].is_array()) doc = doc["data"];
    if (!doc.is_array()) return bad_request("expected a JSON array or {\"data\":[...]}");
    docs.assign(doc.begin(), doc.end());
  } else if (type.find("application/x-ndjson") != std::string::npos) {
    for (auto line : strings::split(body, '\n')) {
      if (line.empty()) continue;
      auto doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (doc.is_discarded()) return bad_request(fmt::format("line {}: not JSON", docs.size()));
      docs.push_back(std::move(doc));
    }
  } else if (type.find("text/csv") != std::string::npos) {
    for (auto line : strings::split(body, '\n')) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      if (line.find("refuse") != std::string_view::npos)
        return bad_request(fmt::format("row {}: refused", rows.size()));
      rows.emplace_back(line);
    }
  } else {
    return http::Response::text(415, "Unsupported Media Type: " + type);
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    if (refused(docs[i])) return bad_request(fmt::format("document {}: refused", i));
  }

  received_ += docs.size() + messages.size() + rows.size();
  auto count = docs.size() + messages.size() + rows.size();
  if (!options_.keep_documents)
    return http::Response::json(200, json{{"status", "ok"}, {"count", count}}.dump());
  std::lock_guard lock(mu_);
  for (auto& doc : docs) {
    if (doc.is_object() && doc.contains("_id") && doc["_id"].is_string()) {
      auto id = doc["_id"].get<std::string>();
      if (auto it = by_id_.find(id); it != by_id_.end()) {
        documents_[it->second] = std::move(doc);
        continue;
      }
      by_id_[id] = documents_.size();
    }
    documents_.push_back(std::move(doc));
  }
  for (auto& m : messages) {
    auto at = fmt::format("{}+{}+{}", m["topic"].get<std::string>(), m["partition"].get<int64_t>(),
                          m["offset"].get<int64_t>());
    if (auto it = by_coordinates_.find(at); it != by_coordinates_.end()) {
      messages_[it->second] = m;
      continue;
    }
    by_coordinates_[at] = messages_.size();
    messages_.push_back(std::move(m));
  }
  rows_.insert(rows_.end(), rows.begin(), rows.end());
  return http::Response::json(200, json{{"status", "ok"}, {"count", count}}.dump());
}

}  // namespace kc::testing
