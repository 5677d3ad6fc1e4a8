#pragma once

// Near-expiry warnings: which inputs hold a certificate that expires within a threshold.
// Threading: free function, safe from any thread.

#include <chrono>
#include <string>
#include <vector>

#include "libs/tls/material.h"

namespace kc::tls {

// Warn this long before a certificate expires unless told otherwise.
inline constexpr std::chrono::hours kDefaultExpiryWarning{7 * 24};

struct ExpiryWarning {
  InputExpiry input;
  std::chrono::seconds remaining;  // negative once expired
  // "certificate 'CN=client' in ssl.keystore.location (/etc/tls/client.p12) expires at
  // 2026-01-31T12:00:00Z (in 3 days)".
  std::string message() const;
};

std::vector<ExpiryWarning> expiring_soon(const std::vector<InputExpiry>& expiries, SystemTime now,
                                         std::chrono::seconds threshold);

}  // namespace kc::tls
