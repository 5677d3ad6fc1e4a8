#include "libs/tls/probe.h"

#include <set>

namespace kc::tls {

ExpiryProbe::ExpiryProbe(metrics::Registry& registry, std::string connector)
    : registry_(registry),
      family_(registry.gauge(std::string(kExpiryMetric),
                             "notAfter of the earliest-expiring certificate in each certificate "
                             "or CA file a connector uses, in Unix seconds.")),
      connector_(std::move(connector)) {}

std::string ExpiryProbe::file_label(const InputExpiry& expiry) {
  return expiry.file.empty() ? "inline:" + expiry.label : expiry.file;
}

void ExpiryProbe::update(const std::vector<InputExpiry>& expiries) {
  std::set<std::string> seen;
  for (const auto& e : expiries) {
    auto file = file_label(e);
    seen.insert(file);
    auto& series = series_[file];
    if (!series) {
      series = std::make_unique<metrics::Series<metrics::Gauge>>(
          registry_, family_, metrics::Labels{{"connector", connector_}, {"file", file}});
    }
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(e.not_after.time_since_epoch());
    (*series)->Set(static_cast<double>(seconds.count()));
  }
  for (auto it = series_.begin(); it != series_.end();) {
    it = seen.count(it->first) ? std::next(it) : series_.erase(it);
  }
}

}  // namespace kc::tls
