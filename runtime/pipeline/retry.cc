#include "runtime/pipeline/retry.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/backoff.h"

namespace kc::pipeline {

using std::chrono::milliseconds;

Status Retrier::run(std::string_view what, const std::function<Status()>& attempt) const {
  Backoff backoff(Backoff::Options{.initial = milliseconds(300),
                                   .max = policy_.delay_max,
                                   .multiplier = 2.0,
                                   .jitter = 0.2,
                                   .jitter_only_at_max = false});
  auto start = hooks_.now();
  auto gave_up = [&](const Error& error, int attempts, std::string_view why) -> Status {
    if (attempts == 1) return tl::unexpected(error);
    auto elapsed = std::chrono::duration_cast<milliseconds>(hooks_.now() - start);
    return tl::unexpected(Error(error.code(),
                                fmt::format("{} (gave up after {} attempts in {} ms: {})",
                                            error.message(), attempts, elapsed.count(), why),
                                Retry::kNo));
  };
  for (int attempts = 1;; ++attempts) {
    auto st = attempt();
    if (st || !st.error().retriable()) return st;
    if (policy_.max_retries >= 0 && attempts > policy_.max_retries) {
      return gave_up(st.error(), attempts,
                     fmt::format("the sink's limit of {} retries", policy_.max_retries));
    }
    auto elapsed = std::chrono::duration_cast<milliseconds>(hooks_.now() - start);
    if (policy_.timeout >= milliseconds(0) && elapsed >= policy_.timeout) {
      return gave_up(st.error(), attempts,
                     fmt::format("errors.retry.timeout={}", policy_.timeout.count()));
    }
    auto delay = backoff.next();
    if (policy_.timeout >= milliseconds(0)) delay = std::min(delay, policy_.timeout - elapsed);
    if (hooks_.on_retry) hooks_.on_retry(what, attempts, delay, st.error());
    if (!hooks_.sleep(delay)) return st;
  }
}

}  // namespace kc::pipeline
