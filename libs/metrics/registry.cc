#include "libs/metrics/registry.h"

#include <prometheus/text_serializer.h>

namespace kc::metrics {

Registry::Registry() : registry_(std::make_shared<prometheus::Registry>()) {}

namespace {
template <class T, class Builder>
Family<T>& find_or_build(std::mutex& mu, std::map<std::string, Family<T>*, std::less<>>& families,
                         prometheus::Registry& registry, Builder builder, const std::string& name,
                         const std::string& help) {
  std::lock_guard lock(mu);
  auto it = families.find(name);
  if (it != families.end()) return *it->second;
  auto& family = builder.Name(name).Help(help).Register(registry);
  families.emplace(name, &family);
  return family;
}
}  // namespace

Family<Counter>& Registry::counter(const std::string& name, const std::string& help) {
  return find_or_build(mu_, counters_, *registry_, prometheus::BuildCounter(), name, help);
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help) {
  return find_or_build(mu_, gauges_, *registry_, prometheus::BuildGauge(), name, help);
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help) {
  return find_or_build(mu_, histograms_, *registry_, prometheus::BuildHistogram(), name, help);
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
