#include "operator/model/validation.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/connector_config.h"
#include "runtime/config/properties.h"
#include "runtime/config/providers.h"

namespace kc::operator_model {
namespace {

using api::ConfigIssue;
using operator_api::key;

std::string connector_path(const std::string& k, const std::string& cluster_name,
                           const operator_api::KafkaConnector& connector) {
  if (k == "name") return "metadata.name";
  if (k == "connector.class") return "spec.class";
  if (k == "tasks.max") return "spec.tasksMax";
  if (k == "topics") return connector.spec.topics_field;
  if (k == "topics.regex") return connector.spec.topics_regex_field;
  if (strings::starts_with(k, "worker ")) {
    return fmt::format("KafkaConnectCluster {} {}", cluster_name, key("spec.config", k.substr(7)));
  }
  if (strings::starts_with(k, "consumer.") && !strings::starts_with(k, "consumer.override.")) {
    return fmt::format("KafkaConnectCluster {} {}", cluster_name, key("spec.config", k));
  }
  return key("spec.config", k);
}

}  // namespace

WorkerValidation validate_worker(const operator_api::KafkaConnectCluster& cluster,
                                 const std::string& properties) {
  WorkerValidation out;
  std::vector<ConfigIssue> issues;
  auto raw = config::parse_properties(properties);
  if (!raw) {
    out.errors.add("spec.config", raw.error().message());
    return out;
  }
  // Secrets and the rack file are mounted into worker pods only: references stay unresolved here.
  out.worker =
      config::parse_worker_config(*raw, issues, config::ProviderReferences::kLeaveReferences);
  for (const auto& issue : issues) {
    bool user = cluster.spec.config.count(issue.key) > 0;
    if (issue.severity == ConfigIssue::Severity::kWarning) {
      if (user) out.warnings.push_back(key("spec.config", issue.key) + ": " + issue.message);
      continue;
    }
    out.errors.add(user ? key("spec.config", issue.key) : "spec", issue.message);
  }
  for (const auto& [name, value] : cluster.spec.distributed_worker_fields) {
    out.warnings.push_back(fmt::format(
        "spec.{}: has no effect (accepted so that Strimzi v1 manifests apply): kconnect runs each "
        "sink connector as consumer group connect-<name> and keeps no Connect internal topics",
        name));
  }
  return out;
}

Json connect_config(const operator_api::KafkaConnector& connector) {
  const auto& spec = connector.spec;
  Json config = Json::object();
  for (const auto& [k, v] : spec.config) config[k] = v;
  config["name"] = connector.metadata.name;
  config["connector.class"] = spec.connector_class;
  config["tasks.max"] = std::to_string(spec.tasks_max.value_or(1));
  if (spec.topics) config["topics"] = strings::join(*spec.topics, ",");
  if (spec.topics_regex) config["topics.regex"] = *spec.topics_regex;
  return config;
}

ConnectorValidation validate_connector(const operator_api::KafkaConnector& connector,
                                       const config::WorkerConfig& worker,
                                       const std::string& cluster_name) {
  ConnectorValidation out;
  api::RawConfig raw;
  const Json config = connect_config(connector);
  for (const auto& [k, v] : config.items()) raw[k] = v.get<std::string>();
  auto result = config::validate_connector(worker, raw);
  std::set<std::string> seen;
  // Strimzi's Kubernetes providers read only the connector's own namespace (least privilege: the
  // workers' Role is namespaced and names each object).
  const std::string& ns = connector.metadata.ns;
  for (bool secrets : {true, false}) {
    for (const auto& alias : worker.providers.kubernetes_aliases(secrets)) {
      for (const auto& [k, v] : config.items()) {
        for (const auto& ref : config::provider_references(v.get<std::string>())) {
          if (ref.provider != alias || strimzi_reference_target(ref.path, ns)) continue;
          out.errors.add(
              connector_path(k, cluster_name, connector),
              fmt::format("${{{}:{}:...}} cannot be read: only {} in the connector's namespace {} "
                          "can be referenced (${{{}:{}/<name>:<key>}})",
                          alias, ref.path, secrets ? "Secrets" : "ConfigMaps", ns, alias, ns));
        }
      }
    }
  }
  for (const auto& issue : result.issues) {
    std::string path = connector_path(issue.key, cluster_name, connector);
    if (issue.severity == ConfigIssue::Severity::kWarning) {
      out.warnings.push_back(path + ": " + issue.message);
    } else if (seen.insert(path + "\x1f" + issue.message).second) {
      out.errors.add(path, issue.message);
    }
  }
  return out;
}

ApiReferences api_references(const Json& config, const config::ConfigProviders& providers,
                             const std::string& ns) {
  ApiReferences out;
  const auto secret_aliases = providers.kubernetes_aliases(true);
  const auto config_map_aliases = providers.kubernetes_aliases(false);
  auto has = [](const std::vector<std::string>& list, const std::string& alias) {
    return std::find(list.begin(), list.end(), alias) != list.end();
  };
  for (const auto& [k, v] : config.items()) {
    if (!v.is_string()) continue;
    for (const auto& ref : config::provider_references(v.get_ref<const std::string&>())) {
      if (ref.provider == "secret") {
        if (!ref.path.empty()) out.secrets.insert(ref.path);
        continue;
      }
      bool secret = has(secret_aliases, ref.provider);
      if (!secret && !has(config_map_aliases, ref.provider)) continue;
      auto target = strimzi_reference_target(ref.path, ns);
      if (!target) continue;
      (secret ? out.secrets : out.config_maps).insert(*target);
    }
  }
  return out;
}

std::optional<std::string> strimzi_reference_target(const std::string& path,
                                                    const std::string& ns) {
  auto slash = path.find('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || (slash != std::string::npos && path.substr(0, slash) != ns)) {
    return std::nullopt;
  }
  return name;
}

}  // namespace kc::operator_model
