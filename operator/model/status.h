#pragma once

// Status of both custom resources from what the operator observed: pure functions, so the rules
// (when is a cluster or connector Ready, which reason, which message) are unit-tested without
// servers. Conditions follow kstatus: Ready, Reconciling, Stalled; no phase.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/kube/core/time.h"
#include "operator/api/field_errors.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"

namespace kc::operator_model {

using Json = nlohmann::json;

// ---- cluster ----

struct ClusterObservation {
  bool paused = false;
  operator_api::FieldErrors invalid;  // spec errors: Stalled, nothing written
  operator_api::FieldErrors missing;  // Secrets or pattern matches missing: not Ready
  std::string write_error;            // a failed write this round (retried with backoff)
  std::vector<std::string>
      too_large;                     // connectors left out of the ConfigMap: it would be too large
  const Json* deployment = nullptr;  // the cached Deployment, if any
  // Configuration accepted without effect or ignored (group.id, unknown keys, Strimzi v1's
  // groupId): condition Warning=True with reason IgnoredConfiguration while there are any.
  std::vector<std::string> warnings;
  std::vector<operator_api::CertificateStatus> certificates;
};

// `cluster.status` is the previous status (lastTransitionTime is kept for unchanged conditions).
operator_api::KafkaConnectClusterStatus cluster_status(
    const operator_api::KafkaConnectCluster& cluster, const ClusterObservation& observation,
    kube::WallTime now);

// ---- connector ----

// One worker's answer to GET /connectors/{name}/status (Kafka Connect's body).
struct WorkerReport {
  std::string worker;  // pod name (or address)
  enum class Result { kOk, kNotFound, kError } result = Result::kError;
  Json body;          // kOk
  std::string error;  // kError
};

struct MergedConnectorState {
  std::string state;  // RUNNING, PAUSED, STOPPED, FAILED, RESTARTING, UNASSIGNED; "" when unknown
  std::vector<operator_api::TaskStatus> tasks;  // sorted by id, then worker
  int unreachable = 0;                          // workers that did not answer
  int not_found = 0;                            // workers that do not (yet) run it
};

// Merges the workers' reports: tasks from every worker (each runs its share), deduplicated on
// (id, worker); the connector state is the most severe any worker reports (FAILED > RESTARTING >
// UNASSIGNED > PAUSED > STOPPED > RUNNING). Traces are cut to 4,000 bytes at a line end.
MergedConnectorState merge_worker_reports(const std::vector<WorkerReport>& reports);

struct ConnectorObservation {
  enum class Stage {
    kInvalid,         // spec errors (with the runtime's validator): Stalled
    kClusterMissing,  // spec.clusterRef names no KafkaConnectCluster
    kClusterPaused,   // its cluster has spec.paused
    kClusterInvalid,  // its cluster's spec is invalid: workers cannot run it
    kPending,         // the ConfigMap does not carry this generation yet
    kTooLarge,        // its entry would take the ConfigMap past the API server's limit: Stalled
    kApplied,         // in the ConfigMap; worker reports below
  } stage = Stage::kPending;
  operator_api::FieldErrors errors;  // kInvalid
  std::string cluster;               // clusterRef name
  bool workers_ready = false;        // at least one ready worker endpoint
  MergedConnectorState merged;
  std::string handled_restart;  // tokens now known to be in the ConfigMap
  std::string handled_force_commit;
  std::string certificate_not_after;
};

// The connector's status: conditions, state, tasks, tasksMax, handled tokens. restartCount and
// lastAutoRestartTime are carried over from `connector.status` (the auto-restart policy sets them).
operator_api::KafkaConnectorStatus connector_status(const operator_api::KafkaConnector& connector,
                                                    const ConnectorObservation& observation,
                                                    kube::WallTime now);

}  // namespace kc::operator_model
