#include "operator/model/connectors_document.h"

#include <algorithm>

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

namespace {

// The "connectors" object of a previous document, or nullptr.
const Json* previous_connectors(const Json& previous) {
  if (!previous.is_object()) return nullptr;
  auto it = previous.find("connectors");
  return it != previous.end() && it->is_object() ? &*it : nullptr;
}

// An upper bound of what one member adds to the "connectors" object of connectors_document()'s
// dump(2): `    "name": <entry, each line indented 4 more>` and its ",\n" separator.
size_t member_bytes(const std::string& name, const Json& entry) {
  std::string text = entry.dump(2);
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  return 4 + Json(name).dump().size() + 2 + text.size() + 4 * lines + 2;
}

}  // namespace

std::string connectors_document(const operator_api::KafkaConnectCluster& cluster,
                                const std::vector<ConnectorSlot>& slots, const Json& previous) {
  Json connectors = Json::object();
  const Json* before = previous_connectors(previous);
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

size_t config_map_data_bytes(const Json& config_map) {
  size_t total = 0;
  for (const char* field : {"data", "binaryData"}) {
    auto it = config_map.find(field);
    if (it == config_map.end() || !it->is_object()) continue;
    for (const auto& [key, value] : it->items()) {
      total += key.size() + (value.is_string() ? value.get_ref<const std::string&>().size() : 0);
    }
  }
  return total;
}

FittedDocument fit_connectors_document(const operator_api::KafkaConnectCluster& cluster,
                                       std::vector<ConnectorSlot> slots, const Json& previous,
                                       size_t other_data_bytes) {
  FittedDocument out{connectors_document(cluster, slots, previous), {}};
  if (other_data_bytes + out.text.size() <= kMaxConfigMapDataBytes) return out;

  const Json* before = previous_connectors(previous);
  std::sort(slots.begin(), slots.end(),
            [](const ConnectorSlot& a, const ConnectorSlot& b) { return a.name < b.name; });
  // The document without connectors, plus the brackets a non-empty "connectors" object adds.
  size_t used = other_data_bytes + connectors_document(cluster, {}, nullptr).size() + 4;
  std::vector<ConnectorSlot> kept;
  for (auto& slot : slots) {
    const Json* old_entry =
        before != nullptr && before->contains(slot.name) ? &(*before)[slot.name] : nullptr;
    if (slot.entry) {
      size_t bytes = member_bytes(slot.name, *slot.entry);
      if (used + bytes <= kMaxConfigMapDataBytes) {
        used += bytes;
        kept.push_back(std::move(slot));
        continue;
      }
      out.refused.push_back(slot.name);
      slot.entry.reset();
    }
    if (old_entry != nullptr) {
      size_t bytes = member_bytes(slot.name, *old_entry);
      if (used + bytes <= kMaxConfigMapDataBytes) {
        used += bytes;
        kept.push_back(std::move(slot));  // entry unset: the previous one stays
      }
    }
  }
  out.text = connectors_document(cluster, kept, previous);
  return out;
}

Json parse_connectors_document(const std::string& text) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return nullptr;
  return doc;
}

}  // namespace kc::operator_model
