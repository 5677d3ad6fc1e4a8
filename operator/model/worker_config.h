#pragma once

// worker.properties for a KafkaConnectCluster (docs/operator-runtime-contract.md): bootstrap
// servers, the read-only REST switch, config providers, the cluster's spec.config, and the
// security settings derived from spec.tls / spec.authentication as consumer.* keys in librdkafka's
// names. Secret values never appear: certificates and keys are file paths under
// /etc/kconnect/secrets/<secret>/, passwords ${directory:...} references resolved by the runtime.
//
// Pure; thread-safe. The input cluster must have had apply_defaults().

#include <set>
#include <string>
#include <vector>

#include "operator/api/field_errors.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/model/secrets.h"

namespace kc::operator_model {

struct WorkerConfig {
  std::string properties;  // the worker.properties text
  std::string hash;        // content_hash(properties): the pod-template annotation
  // Secrets mounted at /etc/kconnect/secrets/<name> (tls, authentication), sorted.
  std::set<std::string> mounted_secrets;
  // Every Secret the workers may read (mounted, externalConfiguration), for the Role.
  std::set<std::string> referenced_secrets;
  // Secrets that do not exist, patterns matching nothing: the objects are still written (the
  // pods wait for the Secret), status says what is missing.
  operator_api::FieldErrors missing;
};

WorkerConfig build_worker_config(const operator_api::KafkaConnectCluster& cluster,
                                 const SecretCatalog& secrets);

// The certificate files the workers trust, in order: {secret, key}.
std::vector<std::pair<std::string, std::string>> trusted_certificate_files(
    const operator_api::KafkaConnectCluster& cluster, const SecretCatalog& secrets,
    operator_api::FieldErrors* missing);

}  // namespace kc::operator_model
