#pragma once

// Prometheus metrics for kconnect: a thin layer over prometheus-cpp's core library.
//
// Components declare their metrics in a `probe.h` (see runtime/pipeline/probe.h) and keep
// references to the label-bound metric objects, so the record path only touches atomics.
// Names follow kconnect_<area>_<thing>_<unit>[_total]. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
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

  // Label-bound series, reference-counted: adding the same labels twice gives the same object,
  // and the series disappears only when every holder has released it.
  template <class T, class... Args>
  T& add(Family<T>& family, const Labels& labels, Args&&... args) {
    std::lock_guard lock(mu_);
    T& metric = family.Add(labels, std::forward<Args>(args)...);
    ++refs_[&metric];
    return metric;
  }
  template <class T>
  void release(Family<T>& family, T& metric) {
    std::lock_guard lock(mu_);
    auto it = refs_.find(&metric);
    if (it == refs_.end()) return;
    if (--it->second == 0) {
      refs_.erase(it);
      family.Remove(&metric);
    }
  }

  // Prometheus text exposition format 0.0.4 of everything registered.
  std::string expose() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mu_;
  std::map<std::string, Family<Counter>*, std::less<>> counters_;
  std::map<std::string, Family<Gauge>*, std::less<>> gauges_;
  std::map<std::string, Family<Histogram>*, std::less<>> histograms_;
  std::map<const void*, int> refs_;
};

// One label-bound series held for the life of this object (released on destruction).
//   metrics::Series<metrics::Counter> records(registry, registry.counter("kconnect_x_total",
//   "..."), labels); records->Increment();
template <class T>
class Series {
 public:
  template <class... Args>
  Series(Registry& registry, Family<T>& family, const Labels& labels, Args&&... args)
      : registry_(registry),
        family_(family),
        metric_(registry.add(family, labels, std::forward<Args>(args)...)) {}
  ~Series() { registry_.release(family_, metric_); }
  Series(const Series&) = delete;
  Series& operator=(const Series&) = delete;

  T& operator*() const { return metric_; }
  T* operator->() const { return &metric_; }

 private:
  Registry& registry_;
  Family<T>& family_;
  T& metric_;
};

// Bucket boundaries in seconds for latencies from 1 ms to ~30 s.
const std::vector<double>& latency_buckets_seconds();

// The process-wide registry served at GET /metrics.
Registry& default_registry();

}  // namespace kc::metrics
