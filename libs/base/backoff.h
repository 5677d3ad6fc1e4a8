#pragma once

#include <chrono>
#include <cstdint>

namespace kc {

// Exponential backoff: initial, initial*multiplier, ... capped at `max`, with optional jitter.
//
// Kafka Connect's retry (RetryWithToleranceOperator) starts at 300 ms and doubles up to
// errors.retry.delay.max.ms, adding jitter once capped; `Backoff::kafka_connect(max)` builds that.
// Not thread-safe: one instance per retry loop.
class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  struct Options {
    Duration initial{100};
    Duration max{30000};
    double multiplier = 2.0;
    // Fraction of the delay added or removed at random: 0.2 gives delay * [0.8, 1.2].
    double jitter = 0.0;
    // Apply jitter only once the cap is reached (Kafka Connect's behaviour).
    bool jitter_only_at_max = false;
  };

  explicit Backoff(Options options);
  static Backoff kafka_connect(Duration max_delay);

  // The delay before the next attempt; advances the attempt counter.
  Duration next();
  void reset() { attempt_ = 0; }
  uint32_t attempts() const { return attempt_; }

 private:
  Options options_;
  uint32_t attempt_ = 0;
};

}  // namespace kc
