#include "operator/controllers/connector_reconciler.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/kube/runtime/finalizer.h"
#include "operator/api/kafka_connector.h"
#include "operator/controllers/auto_restart.h"
#include "operator/controllers/secret_summary.h"
#include "operator/model/connectors_document.h"
#include "operator/model/names.h"
#include "operator/model/status.h"

namespace kc::operator_controllers {
namespace {

using kube::runtime::Action;
using Stage = operator_model::ConnectorObservation::Stage;
namespace model = operator_model;

log::Logger& logger() {
  static auto& l = log::get("kc.operator.connector");
  return l;
}

// The connector's entry in its cluster's ConfigMap (null when absent).
kube::Object config_map_entry(const Context& ctx, const std::string& ns, const std::string& cluster,
                              const std::string& name) {
  auto cm = ctx.caches.config_maps->get({ns, model::resource_name(cluster)});
  if (!cm) return nullptr;
  const auto* data = kube::find_path(*cm, "data");
  if (data == nullptr || !data->is_object()) return nullptr;
  auto doc = model::parse_connectors_document(data->value(std::string(model::kConnectorsKey), ""));
  if (!doc.is_object() || !doc.contains("connectors") || !doc["connectors"].contains(name)) {
    return nullptr;
  }
  return doc["connectors"][name];
}

std::string earliest(std::string a, const std::string& b) {
  if (a.empty() || (!b.empty() && b < a)) return b;  // RFC 3339 UTC sorts as time
  return a;
}

}  // namespace

Status ConnectorReconciler::write_status(const kube::Object& object,
                                         const operator_api::KafkaConnectorStatus& status) {
  KC_ASSIGN_OR_RETURN(auto written, ctx_.applier.write_status(operator_api::kafka_connectors(),
                                                              object, status.to_json()));
  if (written) ctx_.probe.api_writes("status").Increment();
  return ok();
}

Result<Action> ConnectorReconciler::reconcile(const kube::ObjectKey& key,
                                              const std::stop_token& stop) {
  auto obj = ctx_.caches.connectors->get(key);
  if (!obj) {
    validations_.forget(key);
    ctx_.applier.forget(key.ns, key.name);
    return Action::await_change();
  }
  return kube::runtime::with_finalizer(
      ctx_.client, operator_api::kafka_connectors(), *obj, model::kConnectorFinalizer,
      [&](kube::runtime::FinalizerEvent event) -> Result<Action> {
        return event == kube::runtime::FinalizerEvent::kCleanup ? cleanup(*obj) : apply(*obj, stop);
      });
}

Result<Action> ConnectorReconciler::cleanup(const kube::Object& object) {
  const std::string ns = kube::namespace_of(object), name = kube::name_of(object);
  const std::string cluster = operator_api::cluster_ref_of(object);
  auto cluster_obj = ctx_.caches.clusters->get({ns, cluster});
  if (!cluster_obj) return Action::await_change();
  const auto* paused = kube::find_path(*cluster_obj, "spec.paused");
  if (paused != nullptr && paused->is_boolean() && paused->get<bool>()) {
    return Action::await_change();  // a paused cluster keeps its ConfigMap as it is
  }
  if (config_map_entry(ctx_, ns, cluster, name).is_null()) return Action::await_change();
  ctx_.enqueue_cluster({ns, cluster});
  return make_error(
      Errc::kUnavailable,
      fmt::format("waiting for ConfigMap {} to drop the connector", model::resource_name(cluster)));
}

Result<Action> ConnectorReconciler::apply(const kube::Object& object, const std::stop_token& stop) {
  const std::string ns = kube::namespace_of(object), name = kube::name_of(object);
  const std::string cluster_name = operator_api::cluster_ref_of(object);
  auto now = std::chrono::system_clock::now();
  model::ConnectorObservation obs;
  obs.cluster = cluster_name;
  operator_api::FieldErrors parse_errors;
  auto connector = parse_connector(object, parse_errors);

  auto cluster_obj = ctx_.caches.clusters->get({ns, cluster_name});
  if (!cluster_obj) {
    obs.stage = Stage::kClusterMissing;
    KC_RETURN_IF_ERROR(write_status(object, model::connector_status(connector, obs, now)));
    return Action::await_change();
  }
  ClusterView cluster = view_cluster(ctx_, *cluster_obj);
  if (cluster.cluster.spec.paused.value_or(false)) {
    obs.stage = Stage::kClusterPaused;
    KC_RETURN_IF_ERROR(write_status(object, model::connector_status(connector, obs, now)));
    return Action::await_change();
  }
  if (!cluster.invalid.empty()) {
    obs.stage = Stage::kClusterInvalid;
    KC_RETURN_IF_ERROR(write_status(object, model::connector_status(connector, obs, now)));
    return Action::await_change();
  }
  auto view = validations_.view(object, cluster);
  connector = view.connector;
  if (!view.validation.ok()) {
    obs.stage = Stage::kInvalid;
    obs.errors = view.validation.errors;
    ctx_.events.record_on_change(object, kube::runtime::EventType::kWarning, "InvalidSpec",
                                 obs.errors.summary());
    KC_RETURN_IF_ERROR(write_status(object, model::connector_status(connector, obs, now)));
    return Action::await_change();  // no retry loop: the next spec change wakes us
  }
  if (!view.validation.warnings.empty()) {
    ctx_.events.record_on_change(object, kube::runtime::EventType::kWarning, "ConfigWarning",
                                 fmt::format("{}", fmt::join(view.validation.warnings, "; ")));
  }

  // Certificates the connector depends on: its cluster's and its own ${secret:...} references.
  for (const auto& c : cluster_certificates(ctx_, cluster.cluster)) {
    obs.certificate_not_after = earliest(obs.certificate_not_after, c.not_after);
  }
  auto refs = model::api_references(model::connect_config(connector),
                                    cluster.worker_validation.worker.providers, ns);
  for (const auto& [secret, info] :
       secret_catalog(ctx_, ns, {refs.secrets.begin(), refs.secrets.end()})) {
    for (const auto& [key, certs] : info.certificates) {
      for (const auto& c : certs)
        obs.certificate_not_after = earliest(obs.certificate_not_after, c.not_after);
    }
  }

  if (ctx_.refused.contains({ns, cluster_name}, name)) {
    obs.stage = Stage::kTooLarge;  // the cluster reconciler left it out (and recorded an event)
    ctx_.enqueue_cluster({ns, cluster_name});  // a smaller spec may fit now
    KC_RETURN_IF_ERROR(write_status(object, model::connector_status(connector, obs, now)));
    return Action::requeue(std::chrono::seconds(30));
  }
  auto entry = config_map_entry(ctx_, ns, cluster_name, name);
  if (entry != model::connector_entry(connector)) {
    ctx_.enqueue_cluster({ns, cluster_name});
    obs.stage = Stage::kPending;
    KC_RETURN_IF_ERROR(write_status(object, model::connector_status(connector, obs, now)));
    return Action::requeue(std::chrono::seconds(30));  // the ConfigMap change wakes us earlier
  }
  obs.stage = Stage::kApplied;
  // The ConfigMap carries the current tokens: they are handled.
  if (operator_api::restart_requested(connector)) {
    obs.handled_restart = connector.spec.restart_request;
    ctx_.events.record_on_change(
        object, kube::runtime::EventType::kNormal, "RestartRequested",
        fmt::format("restartRequest {} passed to the workers", obs.handled_restart));
  }
  if (operator_api::force_commit_requested(connector)) {
    obs.handled_force_commit = connector.spec.force_commit_request;
    ctx_.events.record_on_change(
        object, kube::runtime::EventType::kNormal, "ForceCommitRequested",
        fmt::format("forceCommitRequest {} passed to the workers", obs.handled_force_commit));
  }

  auto workers = ctx_.caches.endpoints ? ready_workers(*ctx_.caches.endpoints,
                                                       ctx_.apis.endpoint_slices, ns, cluster_name)
                                       : std::vector<WorkerEndpoint>{};
  obs.workers_ready = !workers.empty();
  std::vector<model::WorkerReport> reports;
  for (const auto& w : workers) {
    if (stop.stop_requested()) return Action::await_change();
    reports.push_back(ctx_.workers.fetch(w, name, stop));
    if (reports.back().result == model::WorkerReport::Result::kError) {
      ctx_.probe.worker_status_errors().Increment();
      logger().debug("worker status failed", {{"connector", fmt::format("{}/{}", ns, name)},
                                              {"worker", w.pod},
                                              {"error", reports.back().error}});
    }
  }
  obs.merged = model::merge_worker_reports(reports);

  // autoRestart: through the same token path as restartRequest.
  bool failed = obs.merged.state == "FAILED" ||
                std::any_of(obs.merged.tasks.begin(), obs.merged.tasks.end(),
                            [](const auto& t) { return t.state == "FAILED"; });
  auto decision = decide_auto_restart(connector, obs.workers_ready && failed, now);
  std::optional<std::chrono::milliseconds> due;
  using Kind = AutoRestartDecision::Kind;
  if (decision.kind == Kind::kRestart) {
    connector.status.restart_count += 1;
    connector.status.last_auto_restart_time = kube::format_time(now);
    ctx_.events.record_on_change(
        object, kube::runtime::EventType::kNormal, "AutoRestart",
        fmt::format("restarting failed connector (restart {} of this series)",
                    connector.status.restart_count));
    ctx_.enqueue_cluster({ns, cluster_name});
  } else if (decision.kind == Kind::kReset) {
    connector.status.restart_count = 0;
  } else if (decision.kind == Kind::kWait) {
    due = std::chrono::duration_cast<std::chrono::milliseconds>(decision.due - now);
  } else if (decision.kind == Kind::kGaveUp) {
    ctx_.events.record_on_change(object, kube::runtime::EventType::kWarning, "AutoRestartGaveUp",
                                 "autoRestart.maxRestarts reached: restart it with restartRequest");
  }
  auto status = model::connector_status(connector, obs, now);
  KC_RETURN_IF_ERROR(write_status(object, status));
  if (!obs.workers_ready) return Action::await_change();  // endpoint changes wake us
  bool ready = kube::is_condition_true(status.conditions, "Ready");
  auto next = ready ? ctx_.options.status_interval : ctx_.options.status_interval_not_ready;
  if (due) next = std::min(next, std::max(*due, std::chrono::milliseconds(1000)));
  return Action::requeue(next);
}

}  // namespace kc::operator_controllers
