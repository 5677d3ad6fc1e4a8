#pragma once

// Reconciles a KafkaConnectCluster into its ServiceAccount, Role, RoleBinding, ConfigMap
// (worker.properties + connectors.json rendered from every connector of the cluster in the cache),
// Service, Deployment, PodDisruptionBudget and, with spec.rack, a ClusterRoleBinding; then status.
//
// The ConfigMap has one writer: this reconciler. Connector reconcilers never write it; a
// connector change enqueues its cluster, which renders connectors.json from the cache, so
// concurrent connector changes cannot overwrite each other (no lost updates, no conflicts).
//
// Threading: reconcile() runs on controller worker threads, one call per key at a time.

#include <map>
#include <mutex>
#include <set>
#include <stop_token>

#include "libs/kube/runtime/action.h"
#include "operator/controllers/cluster_view.h"
#include "operator/controllers/context.h"

namespace kc::operator_controllers {

class ClusterReconciler {
 public:
  ClusterReconciler(Context& context, ValidationCache& validations)
      : ctx_(context), validations_(validations) {}

  Result<kube::runtime::Action> reconcile(const kube::ObjectKey& key, const std::stop_token& stop);

 private:
  // Applies every desired object; returns the first write error ("" when all succeeded).
  std::string apply_children(const ClusterView& view, const std::string& connectors_json,
                             const operator_model::ApiReferences& refs);
  Status reconcile_rack(const kube::Object& object, const ClusterView& view);
  // Records the connectors left out of the ConfigMap (ctx_.refused), with a Warning event on the
  // cluster and on each of them; wakes the connectors whose status changes.
  void report_refused(const kube::Object& cluster, const kube::ObjectKey& key,
                      const std::vector<std::string>& refused);

  Context& ctx_;
  ValidationCache& validations_;
};

}  // namespace kc::operator_controllers
