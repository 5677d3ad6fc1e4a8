#pragma once

// Retrying an operation that failed with a retriable error (kc::Error::retriable(): connection
// refused, timeouts, 429/5xx in the sinks' mapping, a Schema Registry outage), for a sink task.
//
// Guarantees
//  - Only retriable errors are retried; any other error, or success, ends run() at once.
//  - Delays grow exponentially: 300 ms, 600 ms, ... capped at errors.retry.delay.max.ms, each
//    with +-20% random jitter, so tasks failing together do not retry in lockstep.
//  - run() gives up (returning the last error, its message saying after how many attempts) once
//    the sink's own limit of retries (Sink::max_retries) is used up, or once errors.retry.timeout
//    has passed; the delay before the last attempt is shortened to end at that timeout. Without
//    either limit it retries until success or stop.
//  - A stop (the sleep hook returning false) ends the wait at once; run() returns the last error.
// Caveats
//  - Retries call the operation again with the same arguments: sinks make put() and flush()
//    safe to repeat (what a failed call buffered stays buffered).
//  - run() keeps no state between calls; the hooks run on the calling thread.

#include <chrono>
#include <functional>
#include <string_view>

#include "libs/base/error.h"

namespace kc::pipeline {

struct RetryPolicy {
  std::chrono::milliseconds timeout{-1};        // errors.retry.timeout; negative: no limit
  std::chrono::milliseconds delay_max{60'000};  // errors.retry.delay.max.ms
  int max_retries = -1;                         // the sink's limit; negative: none
};

class Retrier {
 public:
  using Clock = std::chrono::steady_clock;
  struct Hooks {
    // Waits `delay`; false when the task is stopping (no more attempts).
    std::function<bool(std::chrono::milliseconds delay)> sleep;
    std::function<Clock::time_point()> now = [] { return Clock::now(); };
    // Before each wait: which operation, the attempt that failed (1-based), the delay, the error.
    std::function<void(std::string_view what, int attempt, std::chrono::milliseconds delay,
                       const Error& error)>
        on_retry;
  };

  Retrier(RetryPolicy policy, Hooks hooks) : policy_(policy), hooks_(std::move(hooks)) {}

  // Runs `attempt` until it succeeds or a limit above ends it; `what` names it in messages.
  Status run(std::string_view what, const std::function<Status()>& attempt) const;

  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  Hooks hooks_;
};

}  // namespace kc::pipeline
