#include "operator/model/cluster_objects.h"

#include "operator/model/names.h"

namespace kc::operator_model {
namespace {

Json owner_reference(const operator_api::KafkaConnectCluster& cluster) {
  const auto& type = operator_api::kafka_connect_clusters();
  return {{"apiVersion", type.api_version()}, {"kind", type.kind},  {"name", cluster.metadata.name},
          {"uid", cluster.metadata.uid},      {"controller", true}, {"blockOwnerDeletion", true}};
}

Json typed(const char* api_version, const char* kind, Json metadata) {
  return {{"apiVersion", api_version}, {"kind", kind}, {"metadata", std::move(metadata)}};
}

}  // namespace

Json object_meta(const operator_api::KafkaConnectCluster& cluster, const std::string& name) {
  return {{"name", name},
          {"namespace", cluster.metadata.ns},
          {"labels", labels(cluster.metadata.name)},
          {"ownerReferences", Json::array({owner_reference(cluster)})}};
}

Json service_account(const operator_api::KafkaConnectCluster& cluster) {
  const std::string name = resource_name(cluster.metadata.name);
  Json meta = object_meta(cluster, name);
  const auto& t = cluster.spec.pod_template.service_account;
  for (const auto& [k, v] : t.labels) meta["labels"].emplace(k, v);  // ours win
  if (!t.annotations.empty()) meta["annotations"] = t.annotations;
  return typed("v1", "ServiceAccount", std::move(meta));
}

Json role(const operator_api::KafkaConnectCluster& cluster, const std::set<std::string>& secrets,
          const std::set<std::string>& config_maps) {
  const std::string name = resource_name(cluster.metadata.name);
  Json rules = Json::array();
  std::set<std::string> readable = config_maps;
  readable.insert(name);
  rules.push_back({{"apiGroups", {""}},
                   {"resources", {"configmaps"}},
                   {"resourceNames", Json(readable)},
                   {"verbs", {"get", "list", "watch"}}});
  if (!secrets.empty()) {
    rules.push_back({{"apiGroups", {""}},
                     {"resources", {"secrets"}},
                     {"resourceNames", Json(secrets)},
                     {"verbs", {"get", "list", "watch"}}});
  }
  Json obj = typed("rbac.authorization.k8s.io/v1", "Role", object_meta(cluster, name));
  obj["rules"] = std::move(rules);
  return obj;
}

Json role_binding(const operator_api::KafkaConnectCluster& cluster) {
  const std::string name = resource_name(cluster.metadata.name);
  Json obj = typed("rbac.authorization.k8s.io/v1", "RoleBinding", object_meta(cluster, name));
  obj["roleRef"] = {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}};
  obj["subjects"] = Json::array(
      {{{"kind", "ServiceAccount"}, {"name", name}, {"namespace", cluster.metadata.ns}}});
  return obj;
}

Json config_map(const operator_api::KafkaConnectCluster& cluster,
                const std::string& worker_properties, const std::string& connectors_json) {
  Json obj = typed("v1", "ConfigMap", object_meta(cluster, resource_name(cluster.metadata.name)));
  obj["data"] = {{std::string(kWorkerPropertiesKey), worker_properties},
                 {std::string(kConnectorsKey), connectors_json}};
  return obj;
}

Json service(const operator_api::KafkaConnectCluster& cluster) {
  Json obj = typed("v1", "Service", object_meta(cluster, resource_name(cluster.metadata.name)));
  Json ports = Json::array({{{"name", kRestPortName},
                             {"port", kRestPort},
                             {"protocol", "TCP"},
                             {"targetPort", kRestPortName}}});
  const auto& metrics = cluster.spec.metrics;
  if (metrics.enabled.value_or(true) && metrics.port.value_or(9404) != kRestPort) {
    ports.push_back({{"name", "metrics"},
                     {"port", metrics.port.value_or(9404)},
                     {"protocol", "TCP"},
                     {"targetPort", kRestPortName}});
  }
  obj["spec"] = {{"type", "ClusterIP"},
                 {"selector", selector_labels(cluster.metadata.name)},
                 {"ports", std::move(ports)}};
  return obj;
}

Json pod_disruption_budget(const operator_api::KafkaConnectCluster& cluster) {
  Json obj = typed("policy/v1", "PodDisruptionBudget",
                   object_meta(cluster, resource_name(cluster.metadata.name)));
  obj["spec"] = {{"maxUnavailable",
                  cluster.spec.pod_template.pod_disruption_budget.max_unavailable.value_or(1)},
                 {"selector", {{"matchLabels", selector_labels(cluster.metadata.name)}}}};
  return obj;
}

Json rack_cluster_role_binding(const operator_api::KafkaConnectCluster& cluster,
                               const ModelOptions& options) {
  Json meta = {{"name", rack_binding_name(cluster.metadata.ns, cluster.metadata.name)},
               {"labels", labels(cluster.metadata.name)}};
  meta["labels"]["kconnect.dev/namespace"] = cluster.metadata.ns;
  Json obj = typed("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", std::move(meta));
  obj["roleRef"] = {{"apiGroup", "rbac.authorization.k8s.io"},
                    {"kind", "ClusterRole"},
                    {"name", options.rack_cluster_role}};
  obj["subjects"] = Json::array({{{"kind", "ServiceAccount"},
                                  {"name", resource_name(cluster.metadata.name)},
                                  {"namespace", cluster.metadata.ns}}});
  return obj;
}

}  // namespace kc::operator_model
