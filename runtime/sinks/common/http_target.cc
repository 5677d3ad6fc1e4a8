#include "runtime/sinks/common/http_target.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <ctime>

#include <fmt/format.h>

#include "libs/http/url.h"

namespace kc::sink {
namespace {

constexpr size_t kBodyExcerpt = 300;
// Longer Retry-After values are taken as this (31 years: far beyond any retry limit, and the
// sum with the current time cannot overflow).
constexpr int64_t kMaxRetryAfterSeconds = 1'000'000'000;

std::string excerpt(std::string_view body) {
  if (body.size() <= kBodyExcerpt) return std::string(body);
  return fmt::format("{}... ({} bytes)", body.substr(0, kBodyExcerpt), body.size());
}

std::string_view without_query(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

bool retriable_status(int status) { return status == 408 || status == 429 || status >= 500; }

std::optional<HttpTarget::Clock::time_point> parse_retry_after(std::string_view value,
                                                               HttpTarget::Clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return now + std::chrono::seconds(std::min(seconds, kMaxRetryAfterSeconds));
  }
  std::string text(value);
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), format, &tm);
    if (!end || *end != '\0') continue;
    return HttpTarget::Clock::from_time_t(::timegm(&tm));
  }
  return std::nullopt;
}

Result<std::unique_ptr<HttpTarget>> HttpTarget::create(http::ClientOptions options,
                                                       SinkProbe* probe, std::stop_token stop) {
  KC_ASSIGN_OR_RETURN(auto client, http::Client::create(std::move(options)));
  return std::unique_ptr<HttpTarget>(new HttpTarget(std::move(client), probe, std::move(stop)));
}

HttpTarget::HttpTarget(std::unique_ptr<http::Client> client, SinkProbe* probe, std::stop_token stop)
    : client_(std::move(client)), probe_(probe), stop_(std::move(stop)) {}

std::string HttpTarget::describe(http::Method method, std::string_view target) const {
  auto base = std::string_view(client_->options().base_url);
  if (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return fmt::format("{} {}{}", http::to_string(method), base, without_query(target));
}

std::optional<HttpTarget::Clock::time_point> HttpTarget::not_before() const {
  std::lock_guard lock(mu_);
  return not_before_;
}

Status HttpTarget::wait_retry_after() {
  auto until = not_before();
  if (!until || Clock::now() >= *until) return ok();
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  if (cv.wait_until(lock, stop_, *until, [] { return false; }) || stop_.stop_requested())
    return make_error(Errc::kCancelled, "stopped while waiting for the target's Retry-After");
  return ok();
}

Result<http::Response> HttpTarget::request(http::Method method, std::string_view target,
                                           std::string_view body, const http::Headers& headers) {
  KC_RETURN_IF_ERROR(wait_retry_after());
  std::optional<SinkProbe::Request> in_flight;
  if (probe_) in_flight.emplace(*probe_);
  // Not cancelled by stop_: the runtime's final flush on stop must still reach the target.
  auto response = client_->request(method, target, body, headers);
  if (in_flight) in_flight->finish();
  auto what = [&] { return describe(method, target); };
  if (!response) {
    const auto& e = response.error();
    if (e.retriable() && probe_) probe_->retried();
    return tl::unexpected(Error(e.code(), fmt::format("{}: {}", what(), e.message()),
                                e.retriable() ? Retry::kYes : Retry::kNo));
  }
  int status = response->status;
  if (retriable_status(status)) {
    std::optional<Clock::time_point> until;
    if (auto header = response->headers.get("Retry-After"))
      until = parse_retry_after(*header, Clock::now());
    {
      std::lock_guard lock(mu_);
      not_before_ = until;
    }
    if (probe_) probe_->retried();
    return make_error(
        Errc::kUnavailable,
        fmt::format(
            "{}: HTTP {} {}{}: {}", what(), status, http::reason_phrase(status),
            until ? fmt::format(" (Retry-After {})", *response->headers.get("Retry-After")) : "",
            excerpt(response->body)),
        Retry::kYes);
  }
  {
    std::lock_guard lock(mu_);
    not_before_.reset();
  }
  if (status == 401 || status == 403) {
    return make_error(Errc::kPermissionDenied,
                      fmt::format("{}: HTTP {} {}: check the credentials: {}", what(), status,
                                  http::reason_phrase(status), excerpt(response->body)));
  }
  return response;
}

Status HttpTarget::check(http::Method method, std::string_view target,
                         const http::Headers& headers) {
  KC_RETURN_IF_ERROR(request(method, target, {}, headers));
  return ok();
}

}  // namespace kc::sink
