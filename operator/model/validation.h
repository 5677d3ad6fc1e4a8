#pragma once

// Validation of both custom resources as a worker would judge them: operator/api's semantic
// checks plus the runtime's own validators (runtime/config: parse_worker_config and
// validate_connector, the one shared library), each problem mapped to the field path a user edits.
// Pure; thread-safe.

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

// Secrets referenced as ${secret:<name>:<key>} in a connector's config values.
std::vector<std::string> secret_references(const Json& config);

}  // namespace kc::operator_model
