#pragma once

// Prometheus metrics for kconnect: a thin layer over prometheus-cpp's core library.
//
// Components declare their metrics in a `probe.h` (see runtime/pipeline/probe.h) and keep
// references to the label-bound metric objects, so the record path only touches atomics.
// Names follow kconnect_<area>_<thing>_<unit>[_total]. Thread-safe.

#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace kc::metrics {

using Labels = std::map<std::string, std::string>;
using Counter = prometheus::Counter;
using Gauge = prometheus::Gauge;
using Histogram = prometheus::Histogram;
template <class T>
using Family = prometheus::Family<T>;

class Registry {
 public:
  Registry();

  // Returns the family with this name, creating it on first use (same help text expected).
  Family<Counter>& counter(const std::string& name, const std::string& help);
  Family<Gauge>& gauge(const std::string& name, const std::string& help);
  Family<Histogram>& histogram(const std::string& name, const std::string& help);

  // Prometheus text exposition format 0.0.4 of everything registered.
  std::string expose() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mu_;
  std::map<std::string, Family<Counter>*, std::less<>> counters_;
  std::map<std::string, Family<Gauge>*, std::less<>> gauges_;
  std::map<std::string, Family<Histogram>*, std::less<>> histograms_;
};

// Bucket boundaries in seconds for latencies from 1 ms to ~30 s.
const std::vector<double>& latency_buckets_seconds();

// The process-wide registry served at GET /metrics.
Registry& default_registry();

}  // namespace kc::metrics
