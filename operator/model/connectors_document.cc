#include "operator/model/connectors_document.h"

#include "operator/model/validation.h"

namespace kc::operator_model {

std::string restart_token(const operator_api::KafkaConnector& connector) {
  std::string token = connector.spec.restart_request;
  if (!connector.status.last_auto_restart_time.empty()) {
    token += "+auto:" + connector.status.last_auto_restart_time;
  }
  return token;
}

Json connector_entry(const operator_api::KafkaConnector& connector) {
  return {{"config", connect_config(connector)},
          {"state", connector.spec.state.empty() ? "running" : connector.spec.state},
          {"restartToken", restart_token(connector)},
          {"forceCommitToken", connector.spec.force_commit_request},
          {"generation", connector.metadata.generation}};
}

std::string connectors_document(const operator_api::KafkaConnectCluster& cluster,
                                const std::vector<ConnectorSlot>& slots, const Json& previous) {
  Json connectors = Json::object();
  const Json* before = nullptr;
  if (previous.is_object() && previous.contains("connectors") &&
      previous["connectors"].is_object()) {
    before = &previous["connectors"];
  }
  for (const auto& slot : slots) {
    if (slot.entry) {
      connectors[slot.name] = *slot.entry;
    } else if (before != nullptr && before->contains(slot.name)) {
      connectors[slot.name] = (*before)[slot.name];
    }
  }
  const auto& logging = cluster.spec.logging;
  Json log = {{"level", logging.level}, {"format", logging.format}};
  if (!logging.loggers.empty()) log["loggers"] = logging.loggers;
  Json doc = {{"workers", cluster.spec.replicas.value_or(1)},
              {"connectors", std::move(connectors)},
              {"logging", std::move(log)}};
  return doc.dump(2) + "\n";
}

Json parse_connectors_document(const std::string& text) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return nullptr;
  return doc;
}

}  // namespace kc::operator_model
