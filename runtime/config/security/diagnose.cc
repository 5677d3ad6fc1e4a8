#include "runtime/config/security/diagnose.h"

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::config::security {
namespace {

bool contains(std::string_view text, std::string_view needle) {
  return strings::to_lower(text).find(needle) != std::string::npos;
}

std::string display_of(const SecuritySettings& s, std::string_view property,
                       std::string_view fallback) {
  for (const auto& p : s.properties) {
    if (p.name == property) return p.display;
  }
  return std::string(fallback);
}

std::string trust_of(const SecuritySettings& s) {
  return s.material.trust.given() ? s.material.trust.describe()
                                  : "the system trust store (no ssl.truststore.location is set)";
}

std::string identity_of(const SecuritySettings& s) {
  const auto& m = s.material;
  if (m.keystore.given()) return m.keystore.describe();
  if (m.certificate.given()) return m.certificate.describe();
  return "";
}

}  // namespace

std::optional<std::string> explain_client_error(std::string_view reason,
                                                const SecuritySettings& settings) {
  std::string hint;
  if (contains(reason, "hostname") || contains(reason, "host name")) {
    hint = fmt::format(
        "the broker's certificate does not name the host connected to: fix the broker's "
        "certificate (subjectAltName) or bootstrap.servers, or turn host name verification off "
        "with ssl.endpoint.identification.algorithm= (empty)");
  } else if (contains(reason, "certificate verify failed")) {
    hint = fmt::format(
        "the broker's certificate did not verify against {}: the truststore must "
        "hold the CA that issued the broker's certificate",
        trust_of(settings));
  } else if (contains(reason, "alert unknown ca") || contains(reason, "alert bad certificate")) {
    auto identity = identity_of(settings);
    hint = identity.empty()
               ? "the broker refused the TLS handshake (unknown CA)"
               : fmt::format(
                     "the broker does not trust the client certificate in {}: its issuer "
                     "must be in the broker's truststore",
                     identity);
  } else if (contains(reason, "certificate required")) {
    // librdkafka >= 2.2 sends no client certificate when the broker's list of accepted CAs does
    // not name its issuer, so an untrusted certificate reads as a missing one.
    auto identity = identity_of(settings);
    hint = identity.empty()
               ? "the broker requires a client certificate (mutual TLS): set "
                 "ssl.keystore.location (PKCS#12 or PEM) or ssl.keystore.certificate.chain with "
                 "ssl.keystore.key"
               : fmt::format(
                     "the broker does not trust the client certificate in {}: its issuer "
                     "must be in the broker's truststore (librdkafka sends no certificate the "
                     "broker's accepted CAs do not name)",
                     identity);
  } else if (contains(reason, "alert certificate expired")) {
    hint = fmt::format("the broker refused the client certificate in {} as expired",
                       identity_of(settings));
  } else if (contains(reason, "key values mismatch") || contains(reason, "private key check")) {
    hint = fmt::format("the private key does not match the client certificate in {}",
                       identity_of(settings));
  } else if (contains(reason, "sasl authentication error") ||
             contains(reason, "authentication failed")) {
    hint = fmt::format(
        "SASL {} authentication was refused: check the user name and password in "
        "{}",
        settings.mechanism, display_of(settings, "sasl.password", "sasl.jaas.config"));
  } else if (contains(reason, "unsupported sasl mechanism") ||
             (contains(reason, "sasl mechanism") && contains(reason, "not supported"))) {
    hint = fmt::format(
        "the broker does not offer SASL mechanism {}: set sasl.mechanism to one "
        "it enables",
        settings.mechanism);
  } else {
    return std::nullopt;
  }
  return fmt::format("{} (librdkafka: {})", hint, reason);
}

}  // namespace kc::config::security
