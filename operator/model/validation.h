#pragma once

// Validation of both custom resources as a worker would judge them: operator/api's semantic
// checks plus the runtime's own validators (runtime/config: parse_worker_config and
// validate_connector, the one shared library), each problem mapped to the field path a user edits.
// Pure; thread-safe.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "operator/api/field_errors.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"
#include "runtime/config/worker_config.h"

namespace kc::operator_model {

using Json = nlohmann::json;

struct WorkerValidation {
  config::WorkerConfig worker;  // usable for connector validation even with errors
  operator_api::FieldErrors errors;
  std::vector<std::string> warnings;
};

// Parses `properties` (from build_worker_config) with the runtime's worker parser; issues on keys
// from spec.config get the path spec.config["key"].
WorkerValidation validate_worker(const operator_api::KafkaConnectCluster& cluster,
                                 const std::string& properties);

struct ConnectorValidation {
  operator_api::FieldErrors errors;
  std::vector<std::string> warnings;  // "spec.config[\"x\"]: unknown configuration key (ignored)"
  bool ok() const { return errors.empty(); }
};

// The connector's configuration as Kafka Connect keys: spec.config plus name, connector.class,
// tasks.max and topics / topics.regex from the typed fields. `connector` must be defaulted.
Json connect_config(const operator_api::KafkaConnector& connector);

// validate_connector(worker, connect_config(connector)), issues mapped to paths: name ->
// metadata.name, connector.class -> spec.class, tasks.max -> spec.tasksMax, topics ->
// spec.topics, worker-level keys -> KafkaConnectCluster <c> spec.config["key"], the rest ->
// spec.config["key"]. Values are never included in messages (they may be secrets).
ConnectorValidation validate_connector(const operator_api::KafkaConnector& connector,
                                       const config::WorkerConfig& worker,
                                       const std::string& cluster_name);

// Secrets and ConfigMaps a connector configuration reads through the Kubernetes API: Secrets named
// by ${secret:<name>:<key>}, and the objects named by Strimzi's providers
// (${<alias>:<namespace>/<name>:<key>} for the aliases `providers` configures with
// KubernetesSecretConfigProvider / KubernetesConfigMapConfigProvider) in namespace `ns`. They go
// into the workers' Role by name; references to other namespaces are left out (validate_connector
// refuses them).
struct ApiReferences {
  std::set<std::string> secrets;
  std::set<std::string> config_maps;
};
ApiReferences api_references(const Json& config, const config::ConfigProviders& providers,
                             const std::string& ns);
// The object a Strimzi provider path ("<namespace>/<name>" or "<name>") names in `ns`; nullopt when
// it names another namespace or no object.
std::optional<std::string> strimzi_reference_target(const std::string& path, const std::string& ns);

}  // namespace kc::operator_model
