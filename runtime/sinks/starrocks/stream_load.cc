#include "runtime/sinks/starrocks/stream_load.h"

#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/backoff.h"
#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::sink::starrocks {
namespace {

using std::chrono::milliseconds;

tl::unexpected<Error> retriable(Errc code, std::string message) {
  return tl::unexpected(Error(code, std::move(message), Retry::kYes));
}

// Fail messages that a retry cannot fix: the rows, the table or the user's rights are at fault.
bool permanent_failure(std::string_view message) {
  auto m = strings::to_lower(message);
  for (std::string_view needle : {"too many filtered rows", "data quality", "unknown database",
                                  "unknown table", "does not exist", "access denied",
                                  "not have privilege", "parse", "column count", "invalid"}) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

milliseconds parse_retry_after(const http::Response& response) {
  auto value = response.headers.get("Retry-After");
  if (!value) return milliseconds(0);
  int64_t seconds = 0;
  for (char c : strings::trim(*value)) {
    if (c < '0' || c > '9') return milliseconds(0);  // an HTTP date: use the backoff
    seconds = seconds * 10 + (c - '0');
    if (seconds > 60) return milliseconds(60'000);  // a minute at most between attempts
  }
  return milliseconds(seconds * 1000);
}

// The answer of a Stream Load that reached StarRocks (HTTP 200).
Result<LoadResult> interpret(const std::string& where, const std::string& label,
                             const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("Status") || !json["Status"].is_string()) {
    return retriable(Errc::kProtocol,
                     fmt::format("Stream Load to {} (label {}): an answer without a Status: {}",
                                 where, label, body.substr(0, 300)));
  }
  LoadResult r;
  r.status = json["Status"].get<std::string>();
  auto text = [&](const char* key) {
    return json.contains(key) && json[key].is_string() ? json[key].get<std::string>()
                                                       : std::string();
  };
  if (json.contains("NumberLoadedRows") && json["NumberLoadedRows"].is_number_integer()) {
    r.loaded_rows = json["NumberLoadedRows"].get<int64_t>();
  }
  if (r.status == "Success" || r.status == "OK" || r.status == "Publish Timeout") return r;
  if (r.status == "Label Already Exists") {
    auto job = text("ExistingJobStatus");
    if (job == "FINISHED" || job == "VISIBLE" || job == "COMMITTED") {
      r.already_loaded = true;
      return r;
    }
    return retriable(Errc::kConflict,
                     fmt::format("Stream Load to {}: label {} is in use by a load that is {}; "
                                 "waiting for it",
                                 where, label, job.empty() ? "not finished" : job));
  }
  auto message = text("Message");
  auto error_url = text("ErrorURL");
  auto detail =
      fmt::format("Stream Load to {} (label {}) answered Status {}: {}{}", where, label, r.status,
                  message, error_url.empty() ? "" : " (rows: " + error_url + ")");
  if (r.status == "Fail" && !permanent_failure(message))
    return retriable(Errc::kUnavailable, detail);
  return make_error(r.status == "Fail" ? Errc::kData : Errc::kProtocol, detail);
}

}  // namespace

Result<std::unique_ptr<StreamLoader>> StreamLoader::create(const Settings& settings, Sleep sleep) {
  if (!sleep) {
    sleep = [](milliseconds d) {
      std::this_thread::sleep_for(d);
      return true;
    };
  }
  std::unique_ptr<StreamLoader> loader(new StreamLoader(settings, std::move(sleep)));
  for (const auto& url : settings.fe_urls) {
    KC_ASSIGN_OR_RETURN(
        auto client,
        http::Client::create({.base_url = url,
                              .connect_timeout = settings.connect_timeout,
                              // The load's own timeout plus time to answer.
                              .request_timeout = settings.load_timeout + milliseconds(60'000),
                              .expect_continue_timeout = milliseconds(3000),
                              .follow_redirects = true,
                              // BEs are named by the FE: like curl --location-trusted.
                              .redirect_credential_hosts = {"*"},
                              .max_response_bytes = 1 << 20}));
    loader->fes_.push_back({url, std::move(client)});
  }
  loader->authorization_ = "Basic " + base64::encode(settings.username + ":" + settings.password);
  return loader;
}

Status StreamLoader::check() {
  std::vector<std::string> failures;
  for (size_t i = 0; i < fes_.size(); ++i) {
    auto r = fes_[i].client->request(http::Method::kGet, "/api/health", {},
                                     {{"Authorization", authorization_}});
    if (r) {
      current_ = i;
      return ok();
    }
    failures.push_back(fmt::format("{}: {}", fes_[i].url, r.error().message()));
  }
  // Not retriable: the task fails before it consumes (every FE was tried).
  return make_error(Errc::kUnavailable, "no StarRocks FE reachable (starrocks.http.url): {}",
                    fmt::join(failures, "; "));
}

Result<LoadResult> StreamLoader::attempt(const std::string& table, const std::string& label,
                                         std::string_view body, milliseconds& retry_after) {
  const auto& fe = fes_[current_];
  auto target = fmt::format("/api/{}/{}/_stream_load", http::percent_encode(settings_.database),
                            http::percent_encode(table));
  auto where = fe.url + target;
  http::Headers headers{
      {"Authorization", authorization_}, {"Expect", "100-continue"}, {"label", label}};
  if (settings_.format == Format::kJson) {
    headers.add("Content-Type", "application/json");
  }
  for (const auto& [name, value] : settings_.load_headers) headers.add(name, value);

  auto response = fe.client->request(http::Method::kPut, target, body, headers);
  if (!response) {
    // Connection refused, reset, timeout: the next FE next time.
    current_ = (current_ + 1) % fes_.size();
    return tl::unexpected(
        Error(response.error().code(),
              fmt::format("Stream Load to {}: {}", where, response.error().message()),
              response.error().retriable() ? Retry::kYes : Retry::kNo));
  }
  auto status = response->status;
  if (status == 200) return interpret(where, label, response->body);
  auto excerpt = response->body.substr(0, 300);
  if (status == 401 || status == 403) {
    return make_error(Errc::kPermissionDenied,
                      "Stream Load to {}: HTTP {}: StarRocks refused user \"{}\" "
                      "(starrocks.username / starrocks.password): {}",
                      where, status, settings_.username, excerpt);
  }
  if (status == 429 || status >= 500 || status == 307 || status == 408) {
    retry_after = parse_retry_after(*response);
    return retriable(Errc::kUnavailable,
                     fmt::format("Stream Load to {}: HTTP {} {}", where, status, excerpt));
  }
  return make_error(Errc::kProtocol, "Stream Load to {}: HTTP {} {}", where, status, excerpt);
}

Result<LoadResult> StreamLoader::load(const std::string& table, const std::string& label,
                                      std::string_view body) {
  Backoff backoff({.initial = milliseconds(200), .max = milliseconds(10'000), .jitter = 0.2});
  for (int attempts = 1;; ++attempts) {
    milliseconds retry_after{0};
    auto r = attempt(table, label, body, retry_after);
    if (r) {
      r->attempts = attempts;
      return r;
    }
    if (!r.error().retriable()) return r;
    if (settings_.max_retries >= 0 && attempts > settings_.max_retries) {
      return make_error(r.error().code(), "{} (gave up after {} attempts, sink.maxretries={})",
                        r.error().message(), attempts, settings_.max_retries);
    }
    auto delay = std::max(backoff.next(), retry_after);
    if (!sleep_(delay)) return r;
  }
}

}  // namespace kc::sink::starrocks
