#pragma once

// Which REST resource a call addresses, and the URL paths of the Kubernetes API.
//
//   /api/v1/namespaces/{ns}/configmaps/{name}                  core group
//   /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale     named group, subresource
//   /apis/apiextensions.k8s.io/v1/customresourcedefinitions    cluster-scoped
//
// Pure values and functions; thread-safe.

#include <string>
#include <string_view>

namespace kc::kube {

struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string kind;     // "ConfigMap"
  std::string plural;   // "configmaps" (the path segment)
  bool namespaced = true;

  // "v1" or "apps/v1": the apiVersion field of objects of this type.
  std::string api_version() const;
  // "configmaps" or "deployments.apps": how kubectl and error messages name it.
  std::string group_resource() const;
};

// "/api/v1" or "/apis/apps/v1".
std::string group_version_path(const ResourceType& type);
// The collection: ".../namespaces/{ns}/{plural}", or ".../{plural}" when cluster-scoped or when
// `ns` is empty (all namespaces).
std::string collection_path(const ResourceType& type, std::string_view ns);
// One object, optionally a subresource of it ("status", "scale").
std::string object_path(const ResourceType& type, std::string_view ns, std::string_view name,
                        std::string_view subresource = {});

// The built-in kinds libs/kube and the operator use.
namespace resources {
const ResourceType& namespaces();
const ResourceType& config_maps();
const ResourceType& secrets();
const ResourceType& services();
const ResourceType& service_accounts();
const ResourceType& pods();
const ResourceType& events();
const ResourceType& deployments();
const ResourceType& pod_disruption_budgets();
const ResourceType& network_policies();
const ResourceType& leases();
const ResourceType& custom_resource_definitions();
}  // namespace resources

}  // namespace kc::kube
