#pragma once

// What the model knows about the Secrets a cluster or connector references: their keys (to expand
// tls.trustedCertificates[].pattern) and the certificates in them (for status). Never values.

#include <map>
#include <string>
#include <vector>

namespace kc::operator_model {

struct CertificateInfo {
  std::string subject;    // RFC 2253 one-line form
  std::string not_after;  // RFC 3339
};

struct SecretInfo {
  std::vector<std::string> keys;  // sorted
  // PEM certificates found under a key (the first of a bundle first).
  std::map<std::string, std::vector<CertificateInfo>> certificates;
};

// Secrets of one namespace by name; a Secret that does not exist is absent.
using SecretCatalog = std::map<std::string, SecretInfo>;

// Kubernetes-style glob over Secret keys: '*' any run of characters, '?' one character.
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace kc::operator_model
