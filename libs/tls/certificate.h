#pragma once

// One X.509 certificate (an owned OpenSSL X509) with the few facts kconnect reports about it.
// Immutable once made; safe to read from any thread.

#include <chrono>
#include <string>

#include "libs/base/time.h"
#include "libs/tls/openssl.h"

namespace kc::tls {

using SystemTime = std::chrono::system_clock::time_point;

class Certificate {
 public:
  explicit Certificate(X509Ptr x509);

  X509* get() const { return x509_.get(); }
  // RFC 2253 distinguished names: "CN=client,O=example".
  std::string subject() const;
  std::string issuer() const;
  SystemTime not_before() const { return not_before_; }
  SystemTime not_after() const { return not_after_; }
  bool is_ca() const;
  bool self_signed() const;
  std::string pem() const;

 private:
  X509Ptr x509_;
  SystemTime not_before_;
  SystemTime not_after_;
};

// "2026-01-31T12:00:00Z" (libs/base/time.h).
using kc::format_time;

}  // namespace kc::tls
