#pragma once

// connectors.json of a cluster's ConfigMap (docs/operator-runtime-contract.md): the cluster's
// connectors with their Kafka Connect configuration, requested state and one-shot tokens, the
// worker count, and the live logging settings. Pure; thread-safe.

#include <cstddef>
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

// The API server refuses a ConfigMap whose data and binaryData keys and values add up to more than
// 1 MiB (Kubernetes' core/v1 validation, "must have at most 1048576 bytes").
inline constexpr size_t kMaxConfigMapDataBytes = size_t{1} << 20;

// The bytes a ConfigMap object's data and binaryData count against kMaxConfigMapDataBytes.
size_t config_map_data_bytes(const Json& config_map);

struct FittedDocument {
  std::string text;                  // connectors.json
  std::vector<std::string> refused;  // connectors whose new entry did not fit, in name order
};

// connectors_document() that fits: with `other_data_bytes` (the ConfigMap's other keys and values
// and the connectors.json key) the ConfigMap stays within kMaxConfigMapDataBytes. Connectors are
// taken in name order; one whose new entry would push the total over is refused: its previous
// entry stays if that fits (as for an invalid spec), else it is left out. Linear in the size of
// the document.
FittedDocument fit_connectors_document(const operator_api::KafkaConnectCluster& cluster,
                                       std::vector<ConnectorSlot> slots, const Json& previous,
                                       size_t other_data_bytes);

// Parses connectors.json leniently: an object, or null when absent or malformed.
Json parse_connectors_document(const std::string& text);

}  // namespace kc::operator_model
