#include "tests/fakes/starrocks/fake_starrocks.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/base64.h"
#include "libs/base/strings.h"

namespace kc::testing {
namespace {

using nlohmann::json;

std::string header(const http::Request& request, std::string_view name, std::string fallback) {
  auto v = request.headers.get(name);
  return v ? std::string(*v) : std::move(fallback);
}

// StarRocks' "\x01" delimiter syntax.
std::string delimiter(const std::string& text) {
  if (text.size() == 4 && text[0] == '\\' && text[1] == 'x') {
    return std::string(1, static_cast<char>(std::stoi(text.substr(2), nullptr, 16)));
  }
  return text;
}

std::vector<std::string> split(const std::string& body, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find(sep, start);
    if (end == std::string::npos) end = body.size();
    if (end > start) out.push_back(body.substr(start, end - start));
    start = end + sep.size();
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FakeStarRocks>> FakeStarRocks::start(Options options) {
  std::unique_ptr<FakeStarRocks> f(new FakeStarRocks());
  f->options_ = std::move(options);
  auto* self = f.get();

  http::Router be;
  be.add(http::Method::kPut, "/api/{db}/{table}/_stream_load",
         [self](const http::Request& r) { return self->be_load(r); });
  KC_ASSIGN_OR_RETURN(f->be_, http::Server::start({.max_body_bytes = size_t{256} * 1024 * 1024,
                                                   .name = "fake-starrocks-be"},
                                                  std::move(be)));

  http::Router fe;
  fe.add(http::Method::kGet, "/api/health", [](const http::Request&) {
      return http::Response::json(200, R"({"status":"OK","msg":"Success"})");
    }).add(http::Method::kPut, "/api/{db}/{table}/_stream_load", [self](const http::Request& r) {
    ++self->fe_loads_;
    if (!self->authorized(r)) return http::Response::text(401, "Unauthorized");
    auto response = http::Response::empty(307);
    response.headers.set("Location",
                         fmt::format("http://127.0.0.1:{}{}", self->be_->port(), r.target));
    return response;
  });
  KC_ASSIGN_OR_RETURN(f->fe_, http::Server::start({.max_body_bytes = size_t{256} * 1024 * 1024,
                                                   .name = "fake-starrocks-fe"},
                                                  std::move(fe)));
  return f;
}

FakeStarRocks::~FakeStarRocks() {
  if (fe_) fe_->stop();
  if (be_) be_->stop();
}

std::string FakeStarRocks::fe_address() const { return fmt::format("127.0.0.1:{}", fe_->port()); }
uint16_t FakeStarRocks::be_port() const { return be_->port(); }

std::vector<std::string> FakeStarRocks::rows(const std::string& table) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(table);
  return it == tables_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> FakeStarRocks::labels() const {
  std::lock_guard lock(mu_);
  return labels_;
}

std::map<std::string, std::string> FakeStarRocks::last_headers() const {
  std::lock_guard lock(mu_);
  return last_headers_;
}

bool FakeStarRocks::authorized(const http::Request& request) const {
  auto auth = request.headers.get("Authorization");
  return auth && *auth == "Basic " + base64::encode(options_.username + ":" + options_.password);
}

http::Response FakeStarRocks::be_load(const http::Request& request) {
  ++be_loads_;
  if (!request.headers.get("Expect")) ++without_expect_;
  if (!authorized(request)) return http::Response::text(401, "Unauthorized");
  if (unavailable_) return http::Response::text(503, "Service Unavailable");
  if (throttle_count_ > 0) {
    --throttle_count_;
    auto r = http::Response::text(429, "Too Many Requests");
    r.headers.set("Retry-After", std::to_string(retry_after_seconds_.load()));
    return r;
  }
  auto label = header(request, "label", "");
  auto table = std::string(*request.param("table"));
  json answer = {
      {"Label", label},          {"NumberTotalRows", 0},      {"NumberLoadedRows", 0},
      {"NumberFilteredRows", 0}, {"NumberUnselectedRows", 0}, {"LoadBytes", request.body.size()},
      {"LoadTimeMs", 1}};
  auto reply = [&](std::string status, std::string message) {
    answer["Status"] = std::move(status);
    answer["Message"] = std::move(message);
    return http::Response::json(200, answer.dump());
  };
  if (std::string(*request.param("db")) != options_.database) {
    return reply("Fail", fmt::format("Unknown database '{}'", *request.param("db")));
  }

  std::unique_lock lock(mu_);
  last_headers_.clear();
  for (const auto& [name, value] : request.headers) last_headers_[strings::to_lower(name)] = value;
  answer["TxnId"] = next_txn_++;
  if (label.empty()) return reply("Fail", "label is required");
  if (std::find(labels_.begin(), labels_.end(), label) != labels_.end()) {
    ++duplicate_labels_;
    answer["ExistingJobStatus"] = "FINISHED";
    return reply("Label Already Exists", fmt::format("Label [{}] has already been used.", label));
  }
  if (fail_count_ > 0) {
    --fail_count_;
    answer["ErrorURL"] = fmt::format("http://127.0.0.1:{}/api/_load_error_log?file=x", be_->port());
    return reply("Fail", fail_message_);
  }

  // Parse the rows before anything is stored: a malformed body loads nothing.
  std::vector<std::string> rows;
  auto format = strings::to_lower(header(request, "format", "csv"));
  if (format == "json") {
    auto doc = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return reply("Fail", "The JSON data could not be parsed");
    if (header(request, "strip_outer_array", "false") == "true" && doc.is_array()) {
      for (const auto& row : doc) rows.push_back(row.dump());
    } else {
      rows.push_back(doc.dump());
    }
  } else if (format == "csv") {
    rows = split(request.body, delimiter(header(request, "row_delimiter", "\n")));
  } else {
    return reply("Fail", fmt::format("Unknown data format '{}'", format));
  }
  auto& stored = tables_[table];
  stored.insert(stored.end(), rows.begin(), rows.end());
  labels_.push_back(label);
  answer["NumberTotalRows"] = rows.size();
  answer["NumberLoadedRows"] = rows.size();
  auto hook = on_committed_;
  lock.unlock();
  if (hook) hook(label);
  if (unavailable_) return http::Response::text(503, "Service Unavailable");  // answer lost
  if (publish_timeout_count_ > 0) {
    --publish_timeout_count_;
    return reply("Publish Timeout", "transaction commit successfully, but publish timeout");
  }
  return reply("Success", "OK");
}

}  // namespace kc::testing
