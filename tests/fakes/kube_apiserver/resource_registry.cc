#include "tests/fakes/kube_apiserver/resource_registry.h"

#include <algorithm>

#include <fmt/format.h>

namespace kc::fakes::kube {
namespace {

ApiResource builtin(std::string group, std::string version, std::string kind, std::string plural,
                    bool namespaced, std::vector<std::string> short_names = {},
                    bool has_status = false, std::vector<std::string> categories = {}) {
  ApiResource r;
  r.group = std::move(group);
  r.version = std::move(version);
  r.singular = kind;
  std::transform(r.singular.begin(), r.singular.end(), r.singular.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  r.kind = std::move(kind);
  r.plural = std::move(plural);
  r.namespaced = namespaced;
  r.short_names = std::move(short_names);
  r.has_status = has_status;
  r.categories = std::move(categories);
  return r;
}

}  // namespace

ResourceRegistry::ResourceRegistry() {
  std::vector<ApiResource> list = {
      builtin("", "v1", "Namespace", "namespaces", false, {"ns"}, true),
      builtin("", "v1", "ConfigMap", "configmaps", true, {"cm"}),
      builtin("", "v1", "Secret", "secrets", true),
      builtin("", "v1", "Service", "services", true, {"svc"}, true, {"all"}),
      builtin("", "v1", "ServiceAccount", "serviceaccounts", true, {"sa"}),
      builtin("", "v1", "Pod", "pods", true, {"po"}, true, {"all"}),
      builtin("", "v1", "Event", "events", true, {"ev"}),
      builtin("apps", "v1", "Deployment", "deployments", true, {"deploy"}, true, {"all"}),
      builtin("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, {"pdb"}, true),
      builtin("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, {"netpol"}),
      builtin("coordination.k8s.io", "v1", "Lease", "leases", true),
      builtin("events.k8s.io", "v1", "Event", "events", true, {"ev"}),
      builtin("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
      builtin("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
      builtin("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
      builtin("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings",
              false),
      builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
              false, {"crd", "crds"}, true),
      // Written by tests standing in for the endpoints controller and the kubelet.
      builtin("", "v1", "Endpoints", "endpoints", true, {"ep"}),
      builtin("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
      builtin("", "v1", "Node", "nodes", false, {"no"}, true),
  };
  list[7].scale = ScalePaths{".spec.replicas", ".status.replicas", ""};
  for (auto& r : list) resources_.push_back(std::make_shared<const ApiResource>(std::move(r)));
}

ApiResourcePtr ResourceRegistry::find(const std::string& group, const std::string& version,
                                      const std::string& plural) const {
  std::lock_guard lock(mu_);
  for (const auto& r : resources_) {
    if (r->group == group && r->version == version && r->plural == plural) return r;
  }
  return nullptr;
}

std::vector<ApiResourcePtr> ResourceRegistry::all() const {
  std::lock_guard lock(mu_);
  return resources_;
}

void ResourceRegistry::remove_builtin(const std::string& group, const std::string& version,
                                      const std::string& plural) {
  std::lock_guard lock(mu_);
  std::erase_if(resources_, [&](const ApiResourcePtr& r) {
    return r->crd_name.empty() && r->group == group && r->version == version && r->plural == plural;
  });
}

void ResourceRegistry::set_crd(const std::string& name, std::vector<ApiResource> resources) {
  std::lock_guard lock(mu_);
  std::erase_if(resources_, [&](const ApiResourcePtr& r) { return r->crd_name == name; });
  for (auto& r : resources) {
    r.crd_name = name;
    resources_.push_back(std::make_shared<const ApiResource>(std::move(r)));
  }
}

void ResourceRegistry::remove_crd(const std::string& name) {
  std::lock_guard lock(mu_);
  std::erase_if(resources_, [&](const ApiResourcePtr& r) { return r->crd_name == name; });
}

Result<std::vector<ApiResource>> ResourceRegistry::parse_crd(const Object& crd) {
  std::vector<std::string> problems;
  const Object spec = crd.value("spec", Object::object());
  const Object names = spec.value("names", Object::object());
  auto required = [&](const Object& parent, const char* key, const std::string& path) {
    std::string value =
        parent.contains(key) && parent[key].is_string() ? parent[key].get<std::string>() : "";
    if (value.empty()) problems.push_back(path + ": Required value");
    return value;
  };
  ApiResource base;
  base.group = required(spec, "group", "spec.group");
  base.plural = required(names, "plural", "spec.names.plural");
  base.kind = required(names, "kind", "spec.names.kind");
  base.singular = names.value("singular", "");
  if (base.singular.empty()) {
    base.singular = base.kind;
    std::transform(base.singular.begin(), base.singular.end(), base.singular.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  base.short_names = names.value("shortNames", std::vector<std::string>{});
  base.categories = names.value("categories", std::vector<std::string>{});
  std::string scope = required(spec, "scope", "spec.scope");
  if (!scope.empty() && scope != "Namespaced" && scope != "Cluster") {
    problems.push_back(fmt::format(
        "spec.scope: Unsupported value: \"{}\": supported values: \"Cluster\", \"Namespaced\"",
        scope));
  }
  base.namespaced = scope != "Cluster";
  if (!base.plural.empty() && !base.group.empty() &&
      kc::kube::name_of(crd) != base.plural + "." + base.group) {
    problems.push_back(fmt::format(
        "metadata.name: Invalid value: \"{}\": must be spec.names.plural+\".\"+spec.group",
        kc::kube::name_of(crd)));
  }
  std::vector<ApiResource> out;
  int storage = 0;
  const Object versions = spec.value("versions", Object::array());
  if (versions.empty()) problems.push_back("spec.versions: Required value");
  for (size_t i = 0; i < versions.size(); ++i) {
    const Object& v = versions[i];
    std::string path = fmt::format("spec.versions[{}]", i);
    ApiResource r = base;
    r.version = required(v, "name", path + ".name");
    r.storage_version = v.value("storage", false);
    if (r.storage_version) ++storage;
    const Object* schema = kc::kube::find_path(v, "schema.openAPIV3Schema");
    if (schema == nullptr || !schema->is_object()) {
      problems.push_back(path + ".schema.openAPIV3Schema: Required value: schemas are required");
    } else {
      if (schema->value("type", "") != "object") {
        problems.push_back(path + ".schema.openAPIV3Schema.type: Required value: must be object");
      }
      r.schema = *schema;
    }
    if (const Object* sub = kc::kube::find_path(v, "subresources"); sub && sub->is_object()) {
      r.has_status = sub->contains("status");
      if (sub->contains("scale")) {
        const Object& s = (*sub)["scale"];
        r.scale = ScalePaths{s.value("specReplicasPath", ""), s.value("statusReplicasPath", ""),
                             s.value("labelSelectorPath", "")};
        if (r.scale->spec_replicas.empty() || r.scale->status_replicas.empty()) {
          problems.push_back(path +
                             ".subresources.scale: specReplicasPath and "
                             "statusReplicasPath are required");
        }
      }
    }
    for (const auto& c : v.value("additionalPrinterColumns", Object::array())) {
      r.columns.push_back({c.value("name", ""), c.value("type", "string"), c.value("format", ""),
                           c.value("description", ""), c.value("jsonPath", ""),
                           c.value("priority", 0)});
    }
    if (v.value("served", false)) out.push_back(std::move(r));
  }
  if (storage != 1 && !versions.empty()) {
    problems.push_back(
        "spec.versions: Invalid value: must have exactly one version marked as "
        "storage version");
  }
  if (!problems.empty()) {
    return make_error(Errc::kInvalidConfig, "{}", fmt::join(problems, "; "));
  }
  return out;
}

}  // namespace kc::fakes::kube
