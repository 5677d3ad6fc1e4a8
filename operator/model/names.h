#pragma once

// Names, labels, paths and annotations of the objects the operator writes for a
// KafkaConnectCluster, as docs/operator-runtime-contract.md fixes them. Pure; thread-safe.

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kc::operator_model {

using Json = nlohmann::json;

inline constexpr std::string_view kFieldManager = "kconnect-operator";
inline constexpr std::string_view kManagedBy = "kconnect-operator";
inline constexpr std::string_view kWorkerConfigHashAnnotation = "kconnect.dev/worker-config-hash";
inline constexpr std::string_view kConnectorFinalizer = "kconnect.dev/connector";
// On a KafkaConnectCluster with spec.rack: the cluster-scoped ClusterRoleBinding is removed first.
inline constexpr std::string_view kClusterFinalizer = "kconnect.dev/cluster-rbac";

inline constexpr std::string_view kConfigDir = "/etc/kconnect/config";
inline constexpr std::string_view kSecretsDir = "/etc/kconnect/secrets";
inline constexpr std::string_view kExternalDir = "/opt/kconnect/external";
// Strimzi's mount path for externalConfiguration.volumes: each volume is mounted at both, so
// ${directory:/opt/kafka/external-configuration/<name>:<key>} from Strimzi connectors resolves.
inline constexpr std::string_view kStrimziExternalDir = "/opt/kafka/external-configuration";
inline constexpr std::string_view kRackDir = "/etc/kconnect/rack";
inline constexpr std::string_view kRackFile = "/etc/kconnect/rack/rack.properties";
inline constexpr std::string_view kWorkerPropertiesKey = "worker.properties";
inline constexpr std::string_view kConnectorsKey = "connectors.json";
inline constexpr int kRestPort = 8083;
inline constexpr std::string_view kRestPortName = "rest";
inline constexpr std::string_view kContainerName = "kconnect";

// "<cluster>-kconnect": the ConfigMap, Deployment, Service, ServiceAccount, Role, RoleBinding and
// PodDisruptionBudget of a cluster.
std::string resource_name(std::string_view cluster);
// "kconnect-rack-<namespace>-<cluster>": the ClusterRoleBinding letting workers read nodes (rack).
std::string rack_binding_name(std::string_view ns, std::string_view cluster);
// The mount directory of a referenced Secret: /etc/kconnect/secrets/<secret>.
std::string secret_dir(std::string_view secret);

// The labels on everything the operator writes for `cluster` (contract).
std::map<std::string, std::string> labels(std::string_view cluster);
// The subset selecting the worker pods (Deployment, Service, PDB, status.labelSelector).
std::map<std::string, std::string> selector_labels(std::string_view cluster);
// "app.kubernetes.io/name=kconnect,kconnect.dev/cluster=<c>".
std::string selector_string(std::string_view cluster);
// The label selector the operator's caches of owned objects use.
std::string managed_selector();

}  // namespace kc::operator_model
