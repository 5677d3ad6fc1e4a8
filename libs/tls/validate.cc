#include "libs/tls/validate.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace kc::tls {
namespace {

std::string who(const Certificate& c) { return fmt::format("certificate '{}'", c.subject()); }

Status check_window(const Certificate& c, std::string_view label, SystemTime now) {
  if (now < c.not_before()) {
    return make_error(Errc::kInvalidConfig, "{}: {} is not valid before {}", label, who(c),
                      format_time(c.not_before()));
  }
  if (now > c.not_after()) {
    return make_error(Errc::kInvalidConfig, "{}: {} expired at {}", label, who(c),
                      format_time(c.not_after()));
  }
  return ok();
}

// `issuer` issued and signed `subject`.
bool issued_by(const Certificate& subject, const Certificate& issuer) {
  if (X509_check_issued(issuer.get(), subject.get()) != X509_V_OK) return false;
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  bool ok = key != nullptr && X509_verify(subject.get(), key) == 1;
  ERR_clear_error();
  return ok;
}

Status check_chain(const Material& m, SystemTime now) {
  const auto& chain = m.chain;
  if (!m.key) {
    return make_error(Errc::kInvalidConfig, "{}: no private key for the client certificate",
                      m.chain_label);
  }
  const Certificate& leaf = chain.front();
  if (!key_matches(leaf, m.key.get())) {
    return make_error(Errc::kInvalidConfig,
                      "{}: the private key does not match {} in {} (a certificate and a key "
                      "from different pairs)",
                      m.key_label, who(leaf), m.chain_label);
  }
  for (const auto& c : chain) KC_RETURN_IF_ERROR(check_window(c, m.chain_label, now));
  if (X509_check_purpose(leaf.get(), X509_PURPOSE_SSL_CLIENT, 0) != 1) {
    ERR_clear_error();
    return make_error(Errc::kInvalidConfig,
                      "{}: {} may not be used for TLS client authentication (its extended key "
                      "usage lacks clientAuth)",
                      m.chain_label, who(leaf));
  }
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    if (!issued_by(chain[i], chain[i + 1])) {
      return make_error(Errc::kInvalidConfig,
                        "{}: the chain is broken: {} (position {}) was not issued by {} (position "
                        "{}); put the leaf first, then each issuer",
                        m.chain_label, who(chain[i]), i + 1, who(chain[i + 1]), i + 2);
    }
  }
  return ok();
}

// Verifies the chain against the trusted bundle. Returns an error message, or "" when verified;
// sets `anchored` to whether the bundle holds the chain's issuer at all.
std::string verify_against_trusted(const Material& m, SystemTime now, bool& anchored) {
  const Certificate& top = m.chain.back();
  anchored = false;
  for (const auto& ca : m.trusted) {
    if (X509_check_issued(ca.get(), top.get()) == X509_V_OK || X509_cmp(ca.get(), top.get()) == 0) {
      anchored = true;
    }
  }
  ERR_clear_error();
  if (!anchored) return {};
  X509StorePtr store(X509_STORE_new());
  for (const auto& ca : m.trusted) X509_STORE_add_cert(store.get(), ca.get());
  X509StackPtr untrusted(sk_X509_new_null());
  for (size_t i = 1; i < m.chain.size(); ++i) {
    X509_up_ref(m.chain[i].get());
    sk_X509_push(untrusted.get(), m.chain[i].get());
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx ||
      X509_STORE_CTX_init(ctx.get(), store.get(), m.chain.front().get(), untrusted.get()) != 1) {
    return "cannot set up verification: " + take_openssl_errors();
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(now));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(ctx.get()) == 1) return {};
  int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return X509_verify_cert_error_string(err);
}

}  // namespace

Result<ValidationReport> validate(const Material& m, const ValidationOptions& options) {
  ValidationReport report;
  if (!m.trusted.empty()) {
    size_t usable = 0;
    for (const auto& ca : m.trusted) {
      if (check_window(ca, m.trust_label, options.now)) {
        ++usable;
      } else {
        report.warnings.push_back(fmt::format("{}: CA {} expired at {} (or is not yet valid)",
                                              m.trust_label, who(ca), format_time(ca.not_after())));
      }
    }
    if (usable == 0) {
      return make_error(Errc::kInvalidConfig,
                        "{}: no CA certificate in it is inside its validity window", m.trust_label);
    }
  }
  if (m.chain.empty()) return report;
  KC_RETURN_IF_ERROR(check_chain(m, options.now));
  if (m.trusted.empty()) return report;
  bool anchored = false;
  std::string failure = verify_against_trusted(m, options.now, anchored);
  if (!failure.empty()) {
    return make_error(Errc::kInvalidConfig,
                      "{}: {} does not verify against the CA certificates "
                      "in {}: {}",
                      m.chain_label, who(m.chain.front()), m.trust_label, failure);
  }
  if (!anchored) {
    std::string message = fmt::format(
        "{}: the issuer '{}' of the client certificate is not among the CA certificates in {}; "
        "the broker must trust it",
        m.chain_label, m.chain.back().issuer(), m.trust_label);
    if (options.require_chain_to_trusted) {
      return make_error(Errc::kInvalidConfig, "{}", message);
    }
    report.warnings.push_back(std::move(message));
  }
  return report;
}

}  // namespace kc::tls
