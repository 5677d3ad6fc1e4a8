#pragma once

// connectors.json of a cluster's ConfigMap (docs/operator-runtime-contract.md): the cluster's
// connectors with their Kafka Connect configuration, requested state and one-shot tokens, the
// worker count, and the live logging settings. Pure; thread-safe.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"

namespace kc::operator_model {

using Json = nlohmann::json;

// The token that asks workers to restart the connector's tasks: spec.restartRequest, followed by
// "+auto:<status.lastAutoRestartTime>" once autoRestart has restarted it. Any change restarts once.
std::string restart_token(const operator_api::KafkaConnector& connector);

// {"config", "state", "restartToken", "forceCommitToken", "generation"} for a defaulted connector.
Json connector_entry(const operator_api::KafkaConnector& connector);

struct ConnectorSlot {
  std::string name;
  // The entry to run; nullopt when the spec is invalid: the previous entry stays (workers keep
  // running the last valid configuration, as Kafka Connect keeps it when a PUT is refused).
  std::optional<Json> entry;
};

// The document; `previous` is the current connectors.json (null or unparsable: none). Connectors
// not in `slots` are dropped. Keys are sorted, so equal input gives byte-equal output.
std::string connectors_document(const operator_api::KafkaConnectCluster& cluster,
                                const std::vector<ConnectorSlot>& slots, const Json& previous);

// Parses connectors.json leniently: an object, or null when absent or malformed.
Json parse_connectors_document(const std::string& text);

}  // namespace kc::operator_model
