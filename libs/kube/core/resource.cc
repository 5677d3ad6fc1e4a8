#include "libs/kube/core/resource.h"

#include "libs/http/url.h"

namespace kc::kube {

std::string ResourceType::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceType::group_resource() const {
  return group.empty() ? plural : plural + "." + group;
}

std::string group_version_path(const ResourceType& type) {
  return type.group.empty() ? "/api/" + type.version : "/apis/" + type.group + "/" + type.version;
}

std::string collection_path(const ResourceType& type, std::string_view ns) {
  std::string path = group_version_path(type);
  if (type.namespaced && !ns.empty()) {
    path += "/namespaces/" + http::percent_encode(ns);
  }
  return path + "/" + type.plural;
}

std::string object_path(const ResourceType& type, std::string_view ns, std::string_view name,
                        std::string_view subresource) {
  std::string path = collection_path(type, type.namespaced ? ns : std::string_view()) + "/" +
                     http::percent_encode(name);
  if (!subresource.empty()) path += "/" + std::string(subresource);
  return path;
}

namespace resources {
#define KC_KUBE_RESOURCE(fn, group, version, kind, plural, namespaced)        \
  const ResourceType& fn() {                                                  \
    static const ResourceType type{group, version, kind, plural, namespaced}; \
    return type;                                                              \
  }
KC_KUBE_RESOURCE(namespaces, "", "v1", "Namespace", "namespaces", false)
KC_KUBE_RESOURCE(config_maps, "", "v1", "ConfigMap", "configmaps", true)
KC_KUBE_RESOURCE(secrets, "", "v1", "Secret", "secrets", true)
KC_KUBE_RESOURCE(services, "", "v1", "Service", "services", true)
KC_KUBE_RESOURCE(service_accounts, "", "v1", "ServiceAccount", "serviceaccounts", true)
KC_KUBE_RESOURCE(pods, "", "v1", "Pod", "pods", true)
KC_KUBE_RESOURCE(events, "", "v1", "Event", "events", true)
KC_KUBE_RESOURCE(deployments, "apps", "v1", "Deployment", "deployments", true)
KC_KUBE_RESOURCE(pod_disruption_budgets, "policy", "v1", "PodDisruptionBudget",
                 "poddisruptionbudgets", true)
KC_KUBE_RESOURCE(network_policies, "networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies",
                 true)
KC_KUBE_RESOURCE(leases, "coordination.k8s.io", "v1", "Lease", "leases", true)
KC_KUBE_RESOURCE(custom_resource_definitions, "apiextensions.k8s.io", "v1",
                 "CustomResourceDefinition", "customresourcedefinitions", false)
#undef KC_KUBE_RESOURCE
}  // namespace resources

}  // namespace kc::kube
