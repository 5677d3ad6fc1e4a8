#pragma once

// Pure builders: KafkaConnectCluster -> the Kubernetes objects its workers need, as the JSON
// sent with server-side apply (apiVersion, kind, metadata with labels and a controller owner
// reference, spec). Names and labels follow docs/operator-runtime-contract.md. Equal input gives
// equal output (golden-tested in tests/unit/operator/model). Thread-safe.

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "operator/api/kafka_connect_cluster.h"
#include "operator/model/worker_config.h"

namespace kc::operator_model {

using Json = nlohmann::json;

struct ModelOptions {
  // Worker image when spec.image is empty: the runtime the operator was released with.
  std::string runtime_image = "ghcr.io/kconnect/kconnect-runtime:0.1.0";
  // Image of the rack init container (the operator's own image: `kconnect-operator rack-init`).
  std::string operator_image = "ghcr.io/kconnect/kconnect-operator:0.1.0";
  // ClusterRole (installed with the operator) granting `get` on nodes, bound for spec.rack.
  std::string rack_cluster_role = "kconnect-worker-rack";
};

// `cluster` must be defaulted (apply_defaults) and valid; its metadata needs name, namespace, uid.
Json service_account(const operator_api::KafkaConnectCluster& cluster);
// Read access to the cluster's ConfigMap and the Secrets in `secrets` only (by resourceNames).
// get/list/watch on the cluster's ConfigMap plus `config_maps`, and on `secrets` (by name).
Json role(const operator_api::KafkaConnectCluster& cluster, const std::set<std::string>& secrets,
          const std::set<std::string>& config_maps);
Json role_binding(const operator_api::KafkaConnectCluster& cluster);
Json config_map(const operator_api::KafkaConnectCluster& cluster,
                const std::string& worker_properties, const std::string& connectors_json);
// Port `rest` (8083: status + /metrics); with metrics enabled also port `metrics`
// (spec.metrics.port) to the same container port.
Json service(const operator_api::KafkaConnectCluster& cluster);
Json pod_disruption_budget(const operator_api::KafkaConnectCluster& cluster);
// Cluster-scoped, so it cannot have an owner reference: the cluster finalizer removes it.
Json rack_cluster_role_binding(const operator_api::KafkaConnectCluster& cluster,
                               const ModelOptions& options);
// The workers. The pod template carries kconnect.dev/worker-config-hash = worker.hash, so only
// worker-level changes roll pods; connectors.json changes do not touch the template.
Json deployment(const operator_api::KafkaConnectCluster& cluster, const WorkerConfig& worker,
                const ModelOptions& options);

// metadata {name, namespace, labels, ownerReferences} shared by the builders.
Json object_meta(const operator_api::KafkaConnectCluster& cluster, const std::string& name);

}  // namespace kc::operator_model
