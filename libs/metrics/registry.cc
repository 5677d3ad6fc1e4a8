#include "libs/metrics/registry.h"

#include <prometheus/text_serializer.h>

namespace kc::metrics {

Registry::Registry() : registry_(std::make_shared<prometheus::Registry>()) {}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  auto it = counters_.find(name);
  if (it != counters_.end()) return *it->second;
  auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  counters_.emplace(name, &family);
  return family;
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  auto it = gauges_.find(name);
  if (it != gauges_.end()) return *it->second;
  auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  gauges_.emplace(name, &family);
  return family;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  auto it = histograms_.find(name);
  if (it != histograms_.end()) return *it->second;
  auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
  histograms_.emplace(name, &family);
  return family;
}

std::string Registry::expose() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

const std::vector<double>& latency_buckets_seconds() {
  static const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,  0.5,    1.0,   2.5,  5.0,   10.0, 30.0};
  return kBuckets;
}

Registry& default_registry() {
  static Registry registry;
  return registry;
}

}  // namespace kc::metrics
