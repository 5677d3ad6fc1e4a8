#include "operator/model/status.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "operator/model/connectors_document.h"

namespace kc::operator_model {
namespace {

using kube::Condition;

void condition(std::vector<Condition>& list, const char* type, bool status, std::string reason,
               std::string message, int64_t generation, kube::WallTime now) {
  kube::set_condition(list,
                      Condition{type, status ? "True" : "False", std::move(reason),
                                std::move(message), generation, ""},
                      now);
}

// Ready / Reconciling / Stalled in one go.
void conditions(std::vector<Condition>& list, bool ready, bool reconciling, bool stalled,
                const std::string& reason, const std::string& message, int64_t generation,
                kube::WallTime now) {
  condition(list, "Ready", ready, reason, message, generation, now);
  condition(list, "Reconciling", reconciling, reconciling ? reason : "Reconciled",
            reconciling ? message : "", generation, now);
  condition(list, "Stalled", stalled, stalled ? reason : "NotStalled", stalled ? message : "",
            generation, now);
}

int64_t integer(const Json* obj, const char* path1, const char* path2) {
  if (obj == nullptr || !obj->contains(path1) || !(*obj)[path1].is_object()) return 0;
  const Json& o = (*obj)[path1];
  auto it = o.find(path2);
  return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

int severity(const std::string& state) {
  static const std::map<std::string, int> kOrder = {{"RUNNING", 0},    {"STOPPED", 1},
                                                    {"PAUSED", 2},     {"UNASSIGNED", 3},
                                                    {"RESTARTING", 4}, {"FAILED", 5}};
  auto it = kOrder.find(state);
  return it == kOrder.end() ? 3 : it->second;
}

std::string shorten_trace(const std::string& trace) {
  constexpr size_t kMax = 4000;
  if (trace.size() <= kMax) return trace;
  auto cut = trace.rfind('\n', kMax);
  return trace.substr(0, cut == std::string::npos || cut == 0 ? kMax : cut) + "\n...";
}

}  // namespace

operator_api::KafkaConnectClusterStatus cluster_status(
    const operator_api::KafkaConnectCluster& cluster, const ClusterObservation& obs,
    kube::WallTime now) {
  auto status = cluster.status;
  const int64_t gen = cluster.metadata.generation;
  status.observed_generation = gen;
  status.label_selector =
      "app.kubernetes.io/name=kconnect,kconnect.dev/cluster=" + cluster.metadata.name;
  status.certificates = obs.certificates;
  status.replicas = static_cast<int32_t>(integer(obs.deployment, "status", "replicas"));
  status.ready_replicas = static_cast<int32_t>(integer(obs.deployment, "status", "readyReplicas"));
  auto& list = status.conditions;
  if (obs.warnings.empty()) {
    std::erase_if(list, [](const Condition& c) { return c.type == "Warning"; });
  } else {
    condition(list, "Warning", true, "IgnoredConfiguration",
              fmt::format("{}", fmt::join(obs.warnings, "; ")), gen, now);
  }
  if (obs.paused) {
    conditions(list, false, false, false, "ReconciliationPaused",
               "spec.paused is true: changes are not applied; running workers keep running", gen,
               now);
    return status;
  }
  if (!obs.invalid.empty()) {
    conditions(list, false, false, true, "InvalidSpec", obs.invalid.summary(), gen, now);
    return status;
  }
  if (!obs.write_error.empty()) {
    conditions(list, false, true, false, "WriteFailed", obs.write_error, gen, now);
    return status;
  }
  if (!obs.too_large.empty()) {
    conditions(
        list, false, false, true, "ConfigMapTooLarge",
        fmt::format("ConfigMap {}-kconnect would exceed the {} bytes the API server accepts; "
                    "left out (their previous configuration, if any, keeps running): {}",
                    cluster.metadata.name, kMaxConfigMapDataBytes, fmt::join(obs.too_large, ", ")),
        gen, now);
    return status;
  }
  if (!obs.missing.empty()) {
    conditions(list, false, true, false, "SecretNotFound", obs.missing.summary(), gen, now);
    return status;
  }
  int64_t desired = cluster.spec.replicas.value_or(1);
  if (obs.deployment == nullptr) {
    conditions(list, false, true, false, "Creating", "waiting for the Deployment", gen, now);
    return status;
  }
  const Json& d = *obs.deployment;
  int64_t d_generation = d.value("metadata", Json::object()).value("generation", int64_t{0});
  int64_t observed = integer(obs.deployment, "status", "observedGeneration");
  int64_t updated = integer(obs.deployment, "status", "updatedReplicas");
  int64_t available = integer(obs.deployment, "status", "availableReplicas");
  int64_t replicas = status.replicas;
  int64_t ready = status.ready_replicas;
  if (observed < d_generation) {
    conditions(list, false, true, false, "RollingOut",
               "the Deployment controller has not seen the "
               "latest pod template yet",
               gen, now);
  } else if (updated < desired || replicas > desired || ready < desired || available < desired) {
    conditions(list, false, true, false, "RollingOut",
               fmt::format("{} of {} workers updated, {} ready", updated, desired, ready), gen,
               now);
  } else {
    conditions(list, true, false, false, "Ready",
               fmt::format("{} of {} workers ready", ready, desired), gen, now);
  }
  return status;
}

MergedConnectorState merge_worker_reports(const std::vector<WorkerReport>& reports) {
  MergedConnectorState out;
  std::map<std::pair<int32_t, std::string>, operator_api::TaskStatus> tasks;
  int best = -1;
  for (const auto& r : reports) {
    if (r.result == WorkerReport::Result::kError) {
      ++out.unreachable;
      continue;
    }
    if (r.result == WorkerReport::Result::kNotFound) {
      ++out.not_found;
      continue;
    }
    const Json& body = r.body;
    if (body.contains("connector") && body["connector"].is_object()) {
      std::string state = body["connector"].value("state", "");
      if (!state.empty() && severity(state) > best) {
        best = severity(state);
        out.state = state;
      }
    }
    if (!body.contains("tasks") || !body["tasks"].is_array()) continue;
    for (const auto& t : body["tasks"]) {
      if (!t.is_object()) continue;
      operator_api::TaskStatus task;
      task.id = t.value("id", 0);
      task.state = t.value("state", "");
      task.worker_id = t.value("worker_id", r.worker);
      task.trace = shorten_trace(t.value("trace", ""));
      tasks[{task.id, task.worker_id}] = std::move(task);
    }
  }
  for (auto& [k, t] : tasks) out.tasks.push_back(std::move(t));
  return out;
}

operator_api::KafkaConnectorStatus connector_status(const operator_api::KafkaConnector& connector,
                                                    const ConnectorObservation& obs,
                                                    kube::WallTime now) {
  using Stage = ConnectorObservation::Stage;
  auto status = connector.status;
  const int64_t gen = connector.metadata.generation;
  status.observed_generation = gen;
  status.tasks_max = static_cast<int32_t>(connector.spec.tasks_max.value_or(1));
  if (connector.spec.topics) status.topics = *connector.spec.topics;
  if (!obs.handled_restart.empty()) status.handled_restart_request = obs.handled_restart;
  if (!obs.handled_force_commit.empty()) {
    status.handled_force_commit_request = obs.handled_force_commit;
  }
  status.certificate_not_after = obs.certificate_not_after;
  auto& list = status.conditions;
  const std::string& c = obs.cluster;
  switch (obs.stage) {
    case Stage::kInvalid:
      conditions(list, false, false, true, "InvalidSpec", obs.errors.summary(), gen, now);
      return status;
    case Stage::kClusterMissing:
      conditions(list, false, false, true, "ClusterNotFound",
                 fmt::format("KafkaConnectCluster {} does not exist in namespace {}", c,
                             connector.metadata.ns),
                 gen, now);
      return status;
    case Stage::kClusterPaused:
      conditions(list, false, false, false, "ClusterPaused",
                 fmt::format("KafkaConnectCluster {} has spec.paused: changes are not applied", c),
                 gen, now);
      return status;
    case Stage::kClusterInvalid:
      conditions(list, false, false, true, "ClusterInvalid",
                 fmt::format("KafkaConnectCluster {} has an invalid spec (see its status)", c), gen,
                 now);
      return status;
    case Stage::kPending:
      conditions(list, false, true, false, "Applying",
                 fmt::format("writing the configuration to ConfigMap {}-kconnect", c), gen, now);
      return status;
    case Stage::kTooLarge:
      conditions(list, false, false, true, "ConfigMapTooLarge",
                 fmt::format("its configuration would take ConfigMap {}-kconnect past the {} bytes "
                             "the API server accepts; the workers keep its previous "
                             "configuration, if any. Shrink it, or move connectors to another "
                             "KafkaConnectCluster",
                             c, kMaxConfigMapDataBytes),
                 gen, now);
      return status;
    case Stage::kApplied:
      break;
  }
  const auto& m = obs.merged;
  status.tasks = m.tasks;
  const std::string& want = connector.spec.state.empty() ? "running" : connector.spec.state;
  if (!obs.workers_ready) {
    status.state = "UNASSIGNED";
    conditions(list, false, true, false, "NoReadyWorkers",
               fmt::format("KafkaConnectCluster {} has no ready worker", c), gen, now);
    return status;
  }
  status.state = m.state.empty() ? "UNASSIGNED" : m.state;
  std::vector<std::string> failed;
  size_t running = 0;
  for (const auto& t : m.tasks) {
    if (t.state == "FAILED") failed.push_back(std::to_string(t.id));
    if (t.state == "RUNNING") ++running;
  }
  if (status.state == "FAILED" || !failed.empty()) {
    std::string message = failed.empty()
                              ? "the connector failed"
                              : fmt::format("task(s) {} failed", fmt::join(failed, ", "));
    conditions(list, false, false, true, failed.empty() ? "ConnectorFailed" : "TaskFailed", message,
               gen, now);
    return status;
  }
  if (m.state.empty()) {
    conditions(list, false, true, false, m.unreachable > 0 ? "WorkersUnreachable" : "Starting",
               m.unreachable > 0
                   ? fmt::format("{} worker(s) did not answer the status request", m.unreachable)
                   : "no worker reports the connector yet",
               gen, now);
    return status;
  }
  bool ready = false;
  std::string reason;
  if (want == "running") {
    // Every reported task runs, and the workers that answered run at least tasks.max of them (a
    // worker that is not yet known would otherwise leave its tasks out of the count).
    ready = status.state == "RUNNING" && !m.tasks.empty() && running == m.tasks.size() &&
            running >= static_cast<size_t>(status.tasks_max);
    reason = ready ? "Running" : "Starting";
  } else if (want == "paused") {
    ready = status.state == "PAUSED";
    reason = ready ? "Paused" : "Pausing";
  } else {
    ready = status.state == "STOPPED";
    reason = ready ? "Stopped" : "Stopping";
  }
  std::string message = ready
                            ? fmt::format("connector {}, {} task(s) running", status.state, running)
                            : fmt::format("connector {} ({} requested), {} of {} task(s) running",
                                          status.state, want, running, m.tasks.size());
  if (m.unreachable > 0) message += fmt::format("; {} worker(s) did not answer", m.unreachable);
  conditions(list, ready, !ready, false, reason, message, gen, now);
  return status;
}

}  // namespace kc::operator_model
