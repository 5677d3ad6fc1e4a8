#include "operator/controllers/cluster_reconciler.h"

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/kube/runtime/finalizer.h"
#include "operator/api/kafka_connector.h"
#include "operator/model/connectors_document.h"
#include "operator/model/names.h"
#include "operator/model/status.h"

namespace kc::operator_controllers {
namespace {

using kube::runtime::Action;
namespace model = operator_model;

log::Logger& logger() {
  static auto& l = log::get("kc.operator.cluster");
  return l;
}

std::string connectors_json_of(const kube::ObjectPtr& cm) {
  if (!cm) return "";
  const auto* value = kube::find_path(*cm, "data");
  if (value == nullptr || !value->is_object()) return "";
  return value->value(std::string(model::kConnectorsKey), "");
}

std::string template_hash(const kube::Object& deployment) {
  const auto* a = kube::find_path(deployment, "spec.template.metadata.annotations");
  if (a == nullptr || !a->is_object()) return "";
  return a->value(std::string(model::kWorkerConfigHashAnnotation), "");
}

}  // namespace

Result<Action> ClusterReconciler::reconcile(const kube::ObjectKey& key, const std::stop_token&) {
  auto obj = ctx_.caches.clusters->get(key);
  if (!obj) {
    ctx_.applier.forget(key.ns, model::resource_name(key.name));
    ctx_.applier.forget(key.ns, key.name);
    return Action::await_change();
  }
  const auto& type = operator_api::kafka_connect_clusters();
  ClusterView view = view_cluster(ctx_, *obj);
  const auto& cluster = view.cluster;

  if (cluster.metadata.deleting) {
    if (kube::has_finalizer(*obj, model::kClusterFinalizer)) {
      KC_RETURN_IF_ERROR(ctx_.applier.remove(types::cluster_role_bindings(), "",
                                             model::rack_binding_name(key.ns, key.name)));
      KC_RETURN_IF_ERROR(
          kube::runtime::remove_finalizer(ctx_.client, type, *obj, model::kClusterFinalizer));
    }
    return Action::await_change();
  }

  model::ClusterObservation obs;
  obs.paused = cluster.spec.paused.value_or(false);
  obs.invalid = view.invalid;
  obs.warnings = view.worker_validation.warnings;
  auto deployment = ctx_.caches.deployments->get({key.ns, model::resource_name(key.name)});
  obs.deployment = deployment.get();
  std::string write_error;
  if (!obs.paused && obs.invalid.empty()) {
    // connectors.json from every connector of this cluster in the cache.
    std::vector<model::ConnectorSlot> slots;
    model::ApiReferences refs{view.worker.referenced_secrets, {}};
    for (const auto& c : ctx_.caches.connectors->list(key.ns)) {
      if (kube::is_being_deleted(*c)) continue;
      if (operator_api::cluster_ref_of(*c) != key.name) continue;
      auto cv = validations_.view(*c, view);
      model::ConnectorSlot slot{cv.connector.metadata.name, std::nullopt};
      if (cv.validation.ok()) {
        slot.entry = model::connector_entry(cv.connector);
        auto used = model::api_references(model::connect_config(cv.connector),
                                          view.worker_validation.worker.providers, key.ns);
        refs.secrets.merge(used.secrets);
        refs.config_maps.merge(used.config_maps);
      }
      slots.push_back(std::move(slot));
    }
    auto cm = ctx_.caches.config_maps->get({key.ns, model::resource_name(key.name)});
    auto fitted = model::fit_connectors_document(
        cluster, std::move(slots), model::parse_connectors_document(connectors_json_of(cm)),
        model::config_map_data_bytes(model::config_map(cluster, view.worker.properties, "")));
    report_refused(*obj, key, fitted.refused);
    obs.too_large = fitted.refused;
    const std::string& doc = fitted.text;
    if (deployment && template_hash(*deployment) != view.worker.hash &&
        !template_hash(*deployment).empty()) {
      ctx_.events.record_on_change(
          *obj, kube::runtime::EventType::kNormal, "WorkerConfigChanged",
          fmt::format("worker configuration changed (hash {}): rolling the workers",
                      view.worker.hash));
    }
    write_error = apply_children(view, doc, refs);
    if (auto rack = reconcile_rack(*obj, view); !rack && write_error.empty()) {
      write_error = rack.error().message();
    }
    obs.missing = view.worker.missing;
    obs.certificates = cluster_certificates(ctx_, cluster);
  } else if (!obs.invalid.empty()) {
    ctx_.events.record_on_change(*obj, kube::runtime::EventType::kWarning, "InvalidSpec",
                                 obs.invalid.summary());
  }
  obs.write_error = write_error;
  auto status = model::cluster_status(cluster, obs, std::chrono::system_clock::now());
  auto written = ctx_.applier.write_status(type, *obj, status.to_json());
  if (!written) return tl::unexpected(written.error());
  if (*written) ctx_.probe.api_writes("status").Increment();
  if (!write_error.empty()) return make_error(Errc::kUnavailable, write_error);
  return Action::await_change();
}

void ClusterReconciler::report_refused(const kube::Object& cluster, const kube::ObjectKey& key,
                                       const std::vector<std::string>& refused) {
  for (const auto& name : ctx_.refused.set(key, refused)) {
    ctx_.enqueue_connector({key.ns, name});  // its status changes
  }
  if (refused.empty()) return;
  std::string names = fmt::format("{}", fmt::join(refused, ", "));
  logger().warn("connectors left out of the ConfigMap: it would be too large",
                {{"cluster", key.str()}, {"connectors", names}});
  ctx_.events.record_on_change(
      cluster, kube::runtime::EventType::kWarning, "ConfigMapTooLarge",
      fmt::format("ConfigMap {} would exceed the {} bytes the API server accepts; left out: "
                  "{}",
                  model::resource_name(key.name), model::kMaxConfigMapDataBytes, names));
  for (const auto& name : refused) {
    auto connector = ctx_.caches.connectors->get({key.ns, name});
    if (!connector) continue;
    ctx_.events.record_on_change(
        *connector, kube::runtime::EventType::kWarning, "ConfigMapTooLarge",
        fmt::format("left out of ConfigMap {}: with this configuration it would exceed the "
                    "{} bytes the API server accepts",
                    model::resource_name(key.name), model::kMaxConfigMapDataBytes));
  }
}

std::string ClusterReconciler::apply_children(const ClusterView& view,
                                              const std::string& connectors_json,
                                              const model::ApiReferences& refs) {
  const auto& c = view.cluster;
  const std::string name = model::resource_name(c.metadata.name);
  const kube::ObjectKey key{c.metadata.ns, name};
  std::string first_error;
  auto apply = [&](const kube::ResourceType& type, Cache* cache, const kube::Object& desired) {
    auto written = ctx_.applier.apply(type, desired, cache ? cache->get(key) : nullptr);
    if (!written) {
      logger().warn(
          "write failed",
          {{"cluster", key.str()}, {"kind", type.kind}, {"error", written.error().to_string()}});
      if (first_error.empty()) {
        first_error = fmt::format("{} {}: {}", type.kind, name, written.error().message());
      }
      return;
    }
    ctx_.probe.api_writes(*written ? "apply" : "skipped").Increment();
  };
  const auto& caches = ctx_.caches;
  apply(kube::resources::service_accounts(), caches.service_accounts.get(),
        model::service_account(c));
  apply(types::roles(), caches.roles.get(), model::role(c, refs.secrets, refs.config_maps));
  apply(types::role_bindings(), caches.role_bindings.get(), model::role_binding(c));
  apply(kube::resources::config_maps(), caches.config_maps.get(),
        model::config_map(c, view.worker.properties, connectors_json));
  apply(kube::resources::services(), caches.services.get(), model::service(c));
  apply(kube::resources::deployments(), caches.deployments.get(),
        model::deployment(c, view.worker, ctx_.options.model));
  if (ctx_.apis.pod_disruption_budgets && caches.pdbs) {
    if (c.spec.pod_template.pod_disruption_budget.enabled.value_or(true)) {
      apply(kube::resources::pod_disruption_budgets(), caches.pdbs.get(),
            model::pod_disruption_budget(c));
    } else if (caches.pdbs->get(key)) {
      if (auto removed =
              ctx_.applier.remove(kube::resources::pod_disruption_budgets(), key.ns, name);
          !removed && first_error.empty()) {
        first_error = removed.error().message();
      }
    }
  }
  return first_error;
}

Status ClusterReconciler::reconcile_rack(const kube::Object& object, const ClusterView& view) {
  const auto& c = view.cluster;
  const auto& type = operator_api::kafka_connect_clusters();
  std::string binding = model::rack_binding_name(c.metadata.ns, c.metadata.name);
  bool has = kube::has_finalizer(object, model::kClusterFinalizer);
  if (c.spec.rack) {
    if (!has) {
      // The cluster-scoped binding cannot be owned by the cluster: a finalizer removes it.
      KC_RETURN_IF_ERROR(
          kube::runtime::add_finalizer(ctx_.client, type, object, model::kClusterFinalizer));
    }
    auto cached = ctx_.caches.cluster_role_bindings
                      ? ctx_.caches.cluster_role_bindings->get({"", binding})
                      : nullptr;
    KC_ASSIGN_OR_RETURN(
        auto written,
        ctx_.applier.apply(types::cluster_role_bindings(),
                           model::rack_cluster_role_binding(c, ctx_.options.model), cached));
    (void)written;
    return ok();
  }
  if (has) {
    KC_RETURN_IF_ERROR(ctx_.applier.remove(types::cluster_role_bindings(), "", binding));
    KC_RETURN_IF_ERROR(
        kube::runtime::remove_finalizer(ctx_.client, type, object, model::kClusterFinalizer));
  }
  return ok();
}

}  // namespace kc::operator_controllers
