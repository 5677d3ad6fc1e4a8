#pragma once

// The operator caches Secrets only as summaries: key names and, for keys holding PEM
// certificates, each certificate's subject and notAfter. Values never stay in the operator's
// memory (and cannot reach logs or status); a Helm release Secret of 1 MiB costs a few bytes.
//
//   Informer secrets(client, resources::secrets(), {}, {.transform = summarize_secret});
//
// Pure functions; thread-safe.

#include <string_view>

#include "libs/kube/core/object.h"
#include "operator/model/secrets.h"

namespace kc::operator_controllers {

// Replaces data/stringData with {"kconnect.dev/summary": {"keys": [...], "certificates": {...}}}
// and drops managedFields and annotations.
void summarize_secret(kube::Object& secret);

// The summary of a (summarized) Secret.
operator_model::SecretInfo secret_info(const kube::Object& secret);

// Certificates in PEM text (a bundle gives several); empty when there are none.
std::vector<operator_model::CertificateInfo> parse_certificates(std::string_view pem);

}  // namespace kc::operator_controllers
