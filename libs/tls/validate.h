#pragma once

// Checks that loaded material is usable before a client is built with it:
//   - the private key matches the leaf certificate;
//   - the client chain is complete and well ordered as far as it goes (each certificate issued
//     and signed by the next), every certificate in it is inside its validity window, and the
//     leaf may be used for TLS client authentication (extendedKeyUsage);
//   - when the trusted CA bundle holds the chain's issuer, the chain verifies against it
//     (OpenSSL's X509_verify_cert at `now`); when it does not, that is a warning by default: the
//     broker's trust store, not the client's, decides (Strimzi, for one, issues client and broker
//     certificates from different CAs). `require_chain_to_trusted` makes it an error;
//   - the trusted bundle still has a certificate inside its validity window (expired CA
//     certificates are warnings).
//
// Errors: Errc::kInvalidConfig with a message naming the input and the certificate's subject and
// the reason ("expired at 2026-01-31T12:00:00Z", "does not match", ...). Never key material.
// Threading: free function, safe from any thread.

#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/tls/certificate.h"
#include "libs/tls/material.h"

namespace kc::tls {

struct ValidationOptions {
  SystemTime now = std::chrono::system_clock::now();
  bool require_chain_to_trusted = false;
};

struct ValidationReport {
  std::vector<std::string> warnings;  // usable, but worth telling someone
};

Result<ValidationReport> validate(const Material& material, const ValidationOptions& options = {});

}  // namespace kc::tls
