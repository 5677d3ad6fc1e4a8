#include "operator/model/validation.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/connector_config.h"
#include "runtime/config/properties.h"

namespace kc::operator_model {
namespace {

using api::ConfigIssue;
using operator_api::key;

std::string connector_path(const std::string& k, const std::string& cluster_name) {
  if (k == "name") return "metadata.name";
  if (k == "connector.class") return "spec.class";
  if (k == "tasks.max") return "spec.tasksMax";
  if (k == "topics") return "spec.topics";
  if (k == "topics.regex") return "spec.topicsRegex";
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
  for (const auto& issue : result.issues) {
    std::string path = connector_path(issue.key, cluster_name);
    if (issue.severity == ConfigIssue::Severity::kWarning) {
      out.warnings.push_back(path + ": " + issue.message);
    } else if (seen.insert(path + "\x1f" + issue.message).second) {
      out.errors.add(path, issue.message);
    }
  }
  return out;
}

std::vector<std::string> secret_references(const Json& config) {
  static const std::regex kRef(R"(\$\{secret:([^:}]+):[^}]*\})");
  std::set<std::string> names;
  for (const auto& [k, v] : config.items()) {
    if (!v.is_string()) continue;
    const std::string& s = v.get_ref<const std::string&>();
    if (s.find("${secret:") == std::string::npos) continue;
    for (std::sregex_iterator it(s.begin(), s.end(), kRef), end; it != end; ++it) {
      names.insert((*it)[1].str());
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace kc::operator_model
