#pragma once

// The controller work queue (client-go's rate-limited delaying queue): keys, not events.
//
// Guarantees:
// - Dedupe: a key is in the ready queue at most once; adding it again while it waits is a no-op.
// - One in flight per key: a key handed out by get() is not handed out again before done(key).
//   Adding it meanwhile marks it dirty, and done() puts it back (so the latest state is seen).
// - Delays: add_after(key, d) makes the key ready after d; of several pending delays the earliest
//   wins; an immediate add() supersedes a pending delay.
// - Per-key backoff: add_rate_limited(key) delays by that key's jittered exponential backoff and
//   advances it; forget(key) resets it. One failing key never slows the others.
// Threading: all methods are thread-safe. The clock is injectable for tests (Options::now).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>

#include "libs/base/backoff.h"

namespace kc::kube::runtime {

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    Backoff::Options backoff{.initial = std::chrono::milliseconds(5),
                             .max = std::chrono::milliseconds(300'000),
                             .multiplier = 2.0,
                             .jitter = 0.1};
    std::function<Clock::time_point()> now;  // default: Clock::now
  };

  WorkQueue();
  explicit WorkQueue(Options options);

  void add(const std::string& key);
  void add_after(const std::string& key, Clock::duration delay);
  // Delays by the key's backoff; returns the delay used.
  std::chrono::milliseconds add_rate_limited(const std::string& key);
  void forget(const std::string& key);
  uint32_t failures(const std::string& key) const;

  // Blocks until a key is ready (it is then in flight), the queue shuts down or stop is
  // requested (nullopt).
  std::optional<std::string> get(const std::stop_token& stop = {});
  // Non-blocking get.
  std::optional<std::string> try_get();
  void done(const std::string& key);

  // get() returns nullopt from now on; pending keys are dropped.
  void shut_down();

  size_t ready_count();          // keys ready now (after promoting due delays)
  size_t delayed_count() const;  // keys waiting for a delay
  // When the earliest delayed key becomes ready.
  std::optional<Clock::time_point> next_delayed() const;

 private:
  Clock::time_point now() const { return options_.now ? options_.now() : Clock::now(); }
  void add_locked(const std::string& key);
  void promote_locked(Clock::time_point now);
  std::optional<std::string> pop_locked();

  Options options_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::string> ready_;
  std::set<std::string> queued_;
  std::set<std::string> in_flight_;
  std::set<std::string> dirty_;
  std::map<std::string, Clock::time_point> delayed_;
  std::map<std::string, Backoff> backoff_;
  bool shut_down_ = false;
};

}  // namespace kc::kube::runtime
