#include "libs/base/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace kc {

Backoff::Backoff(Options options) : options_(options) {}

Backoff Backoff::kafka_connect(Duration max_delay) {
  return Backoff(Options{.initial = Duration(300),
                         .max = max_delay,
                         .multiplier = 2.0,
                         .jitter = 0.2,
                         .jitter_only_at_max = true});
}

Backoff::Duration Backoff::next() {
  double base =
      static_cast<double>(options_.initial.count()) *
      std::pow(options_.multiplier, static_cast<double>(std::min<uint32_t>(attempt_, 62)));
  auto max = static_cast<double>(options_.max.count());
  bool capped = base >= max;
  double delay = std::min(base, max);
  ++attempt_;
  if (options_.jitter > 0 && (capped || !options_.jitter_only_at_max)) {
    thread_local std::minstd_rand rng{std::random_device{}()};
    std::uniform_real_distribution<double> dist(1.0 - options_.jitter, 1.0 + options_.jitter);
    delay *= dist(rng);
  }
  return Duration(static_cast<int64_t>(delay));
}

}  // namespace kc
