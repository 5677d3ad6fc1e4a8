#pragma once

// An HTTP target for sinks (StarRocks Stream Load, HTTP/webhook, Kusto ingestion) over
// libs/http's client: one place that decides which outcomes are worth retrying, so the runtime's
// retry loop (jittered backoff, the sink's max retries, errors.retry.timeout) handles them.
//
//   KC_ASSIGN_OR_RETURN(auto target, HttpTarget::create({.base_url = url}, &probe, context.stop));
//   KC_ASSIGN_OR_RETURN(auto response, target->request(http::Method::kPut, path, body, headers));
//
// Guarantees
//  - Connection errors (refused, reset, DNS) and timeouts are retriable Errors; 408, 429 and 5xx
//    answers are retriable Errors (kUnavailable) carrying the status and the start of the body.
//    Every message names the method and URL (without query string: it may carry a token).
//  - Retry-After (RFC 9110 section 10.2.3: delta-seconds or an HTTP-date) on such an answer is
//    honoured: the next request() waits until then, whatever the caller's backoff, so the target
//    is never asked again earlier than it said.
//  - Every other answer (2xx, 3xx not followed, 4xx) is returned as a Response for the sink to
//    interpret, except 401/403, which are kPermissionDenied errors (not retriable) naming the URL.
// Caveats
//  - The Retry-After wait blocks the calling thread (the sink thread); `stop` (SinkContext::stop)
//    ends it (kCancelled). Requests themselves are bounded by the client's timeouts only, so the
//    runtime's final flush on stop still reaches the target.
//  - Thread-safe, but meant for one sink thread.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "libs/http/client.h"
#include "runtime/sinks/common/probe.h"

namespace kc::sink {

class HttpTarget {
 public:
  using Clock = std::chrono::system_clock;

  // `probe` (optional) must outlive the target; `stop` cancels Retry-After waits.
  static Result<std::unique_ptr<HttpTarget>> create(http::ClientOptions options,
                                                    SinkProbe* probe = nullptr,
                                                    std::stop_token stop = {});

  // Sends one request (see Guarantees for what becomes an Error).
  Result<http::Response> request(http::Method method, std::string_view target,
                                 std::string_view body = {}, const http::Headers& headers = {});

  // Reachability for Sink::check(): sends `method target` and accepts any answer but 401/403 and
  // the retriable ones above.
  Status check(http::Method method, std::string_view target, const http::Headers& headers = {});

  // Until when a Retry-After holds the next request; nullopt when none does.
  std::optional<Clock::time_point> not_before() const;

  // "PUT http://host:port/path" for messages (no query string).
  std::string describe(http::Method method, std::string_view target) const;

  http::Client& client() { return *client_; }

 private:
  HttpTarget(std::unique_ptr<http::Client> client, SinkProbe* probe, std::stop_token stop);
  Status wait_retry_after();

  std::unique_ptr<http::Client> client_;
  SinkProbe* probe_;
  std::stop_token stop_;
  mutable std::mutex mu_;
  std::optional<Clock::time_point> not_before_;
};

// Whether an HTTP status is worth retrying: 408, 429, 5xx.
bool retriable_status(int status);

// A Retry-After value (delta-seconds or an IMF-fixdate / RFC 850 / asctime HTTP-date) as a point
// in time; nullopt when it is neither.
std::optional<HttpTarget::Clock::time_point> parse_retry_after(std::string_view value,
                                                               HttpTarget::Clock::time_point now);

}  // namespace kc::sink
