#pragma once

// The `secret` config provider of managed mode: ${secret:<name>:<key>} is key <key> of the
// Secret <name> in the worker's namespace, read through the Kubernetes API (GET, base64 data
// decoded) each time a connector configuration is resolved, so a rotated Secret is picked up on
// the next restart or update of the connector. Registered by `kconnect-runtime managed` only.
//
// Guarantees: error messages name the Secret and key, never a value; values are never logged.
// Threading: the returned lookup may be called from any thread (the Client is thread-safe).

#include <memory>
#include <string>

#include "libs/kube/client/client.h"
#include "runtime/config/providers.h"

namespace kc::managed {

// `client` null: every lookup fails with a message saying that no Kubernetes API is configured.
config::ConfigProviders::Lookup secret_lookup(std::shared_ptr<kube::Client> client, std::string ns);

// Strimzi's KubernetesSecretConfigProvider / KubernetesConfigMapConfigProvider syntax:
// ${<alias>:<namespace>/<name>:<key>} (or <name> alone: the worker's namespace). Least privilege,
// as for ${secret:...}: only objects in the worker's namespace `ns` are read (another namespace is
// an error naming it, without a request), and the worker's Role names each one the operator saw
// referenced. ConfigMap keys come from data, else binaryData (base64-decoded).
config::ConfigProviders::Lookup strimzi_secret_lookup(std::shared_ptr<kube::Client> client,
                                                      std::string ns);
config::ConfigProviders::Lookup strimzi_config_map_lookup(std::shared_ptr<kube::Client> client,
                                                          std::string ns);

}  // namespace kc::managed
