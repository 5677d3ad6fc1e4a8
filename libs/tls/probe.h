#pragma once

// Certificate expiry of the material one connector uses, as a Prometheus gauge:
//
//   kconnect_tls_certificate_expiry_timestamp_seconds{connector="orders",file="/etc/tls/tls.crt"}
//
// the notAfter (Unix seconds) of the earliest-expiring certificate in each input. Inline inputs
// are labelled "inline:<configuration key>". Series are removed when the probe is destroyed or an
// input is no longer used. Threading: update() from one thread at a time (the watcher's).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "libs/metrics/registry.h"
#include "libs/tls/material.h"

namespace kc::tls {

inline constexpr std::string_view kExpiryMetric =
    "kconnect_tls_certificate_expiry_timestamp_seconds";

class ExpiryProbe {
 public:
  ExpiryProbe(metrics::Registry& registry, std::string connector);

  // Sets one series per input in `expiries` and drops the series of inputs not in it.
  void update(const std::vector<InputExpiry>& expiries);

  // The `file` label of an input.
  static std::string file_label(const InputExpiry& expiry);

 private:
  metrics::Registry& registry_;
  metrics::Family<metrics::Gauge>& family_;
  std::string connector_;
  std::map<std::string, std::unique_ptr<metrics::Series<metrics::Gauge>>> series_;
};

}  // namespace kc::tls
