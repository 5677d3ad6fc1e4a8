#include "operator/controllers/cluster_view.h"

#include <set>

#include "operator/controllers/secret_summary.h"

namespace kc::operator_controllers {

namespace types {
#define KC_OPERATOR_TYPE(fn, group, version, kind, plural, namespaced)              \
  const kube::ResourceType& fn() {                                                  \
    static const kube::ResourceType type{group, version, kind, plural, namespaced}; \
    return type;                                                                    \
  }
KC_OPERATOR_TYPE(roles, "rbac.authorization.k8s.io", "v1", "Role", "roles", true)
KC_OPERATOR_TYPE(role_bindings, "rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings",
                 true)
KC_OPERATOR_TYPE(cluster_role_bindings, "rbac.authorization.k8s.io", "v1", "ClusterRoleBinding",
                 "clusterrolebindings", false)
KC_OPERATOR_TYPE(endpoint_slices, "discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true)
KC_OPERATOR_TYPE(endpoints, "", "v1", "Endpoints", "endpoints", true)
KC_OPERATOR_TYPE(nodes, "", "v1", "Node", "nodes", false)
#undef KC_OPERATOR_TYPE
}  // namespace types

std::vector<Cache*> Caches::all() const {
  std::vector<Cache*> out;
  for (const auto* c :
       {&clusters, &connectors, &deployments, &config_maps, &services, &service_accounts, &roles,
        &role_bindings, &pdbs, &cluster_role_bindings, &secrets, &endpoints}) {
    if (*c) out.push_back(c->get());
  }
  return out;
}

std::vector<std::string> cluster_secret_names(const operator_api::KafkaConnectCluster& cluster) {
  std::set<std::string> names;
  const auto& spec = cluster.spec;
  if (spec.tls) {
    for (const auto& c : spec.tls->trusted_certificates) names.insert(c.secret_name);
  }
  if (spec.authentication) {
    const auto& a = *spec.authentication;
    if (a.certificate_and_key) names.insert(a.certificate_and_key->secret_name);
    if (a.password_secret) names.insert(a.password_secret->secret_name);
    if (a.oauth && a.oauth->client_secret) names.insert(a.oauth->client_secret->name);
  }
  return {names.begin(), names.end()};
}

operator_model::SecretCatalog secret_catalog(const Context& context, const std::string& ns,
                                             const std::vector<std::string>& names) {
  operator_model::SecretCatalog catalog;
  if (!context.caches.secrets) return catalog;
  for (const auto& name : names) {
    if (auto secret = context.caches.secrets->get({ns, name})) {
      catalog[name] = secret_info(*secret);
    }
  }
  return catalog;
}

ClusterView view_cluster(const Context& context, const kube::Object& object) {
  ClusterView v;
  v.cluster = operator_api::parse_kafka_connect_cluster(object, v.invalid);
  operator_api::apply_defaults(v.cluster.spec);
  operator_api::validate(v.cluster, v.invalid);
  auto catalog = secret_catalog(context, v.cluster.metadata.ns, cluster_secret_names(v.cluster));
  v.worker = operator_model::build_worker_config(v.cluster, catalog);
  v.worker_validation = operator_model::validate_worker(v.cluster, v.worker.properties);
  for (const auto& e : v.worker_validation.errors.all()) v.invalid.add(e.path, e.message);
  return v;
}

std::vector<operator_api::CertificateStatus> cluster_certificates(
    const Context& context, const operator_api::KafkaConnectCluster& cluster) {
  std::vector<std::pair<std::string, std::string>> files =
      operator_model::trusted_certificate_files(
          cluster, secret_catalog(context, cluster.metadata.ns, cluster_secret_names(cluster)),
          nullptr);
  const auto& auth = cluster.spec.authentication;
  if (auth && auth->certificate_and_key) {
    files.emplace_back(auth->certificate_and_key->secret_name,
                       auth->certificate_and_key->certificate);
  }
  std::vector<operator_api::CertificateStatus> out;
  for (const auto& [secret, key] : files) {
    auto catalog = secret_catalog(context, cluster.metadata.ns, {secret});
    auto it = catalog.find(secret);
    if (it == catalog.end()) continue;
    auto certs = it->second.certificates.find(key);
    if (certs == it->second.certificates.end() || certs->second.empty()) continue;
    const auto& leaf = certs->second.front();
    out.push_back({secret, key, leaf.subject, leaf.not_after});
  }
  return out;
}

operator_api::KafkaConnector parse_connector(const kube::Object& object,
                                             operator_api::FieldErrors& errors) {
  auto c = operator_api::parse_kafka_connector(object, errors);
  operator_api::apply_defaults(c.spec);
  return c;
}

ConnectorView ValidationCache::view(const kube::Object& object, const ClusterView& cluster) {
  ConnectorView v;
  operator_api::FieldErrors errors;
  v.connector = parse_connector(object, errors);
  auto key = kube::key_of(object);
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.uid == v.connector.metadata.uid &&
        it->second.generation == v.connector.metadata.generation &&
        it->second.worker_hash == cluster.worker.hash) {
      v.validation = it->second.validation;
      return v;
    }
  }
  operator_api::validate(v.connector, errors);
  if (errors.empty()) {
    v.validation = operator_model::validate_connector(v.connector, cluster.worker_validation.worker,
                                                      cluster.cluster.metadata.name);
  } else {
    v.validation.errors = errors;
  }
  std::lock_guard lock(mu_);
  entries_[key] = Entry{v.connector.metadata.uid, v.connector.metadata.generation,
                        cluster.worker.hash, v.validation};
  return v;
}

void ValidationCache::forget(const kube::ObjectKey& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

}  // namespace kc::operator_controllers
