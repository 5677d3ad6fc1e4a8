#pragma once

// Reconciles a KafkaConnector: validates it with the runtime's validator, asks its cluster to
// render it into the cluster's ConfigMap (the cluster reconciler is the ConfigMap's one writer),
// records the one-shot tokens as handled once the ConfigMap carries them, reads task status from
// every ready worker, applies autoRestart, and writes status. A finalizer keeps the object until
// its entry is gone from the ConfigMap.
//
// Isolation (Strimzi #12004): one work-queue item per connector, each worker call bounded by short
// timeouts, nothing shared across connectors but the caches; a slow or failing connector only
// delays itself.
//
// Threading: reconcile() runs on controller worker threads, one call per key at a time.

#include <map>
#include <mutex>
#include <stop_token>

#include "libs/kube/runtime/action.h"
#include "operator/controllers/cluster_view.h"
#include "operator/controllers/context.h"

namespace kc::operator_controllers {

class ConnectorReconciler {
 public:
  ConnectorReconciler(Context& context, ValidationCache& validations)
      : ctx_(context), validations_(validations) {}

  Result<kube::runtime::Action> reconcile(const kube::ObjectKey& key, const std::stop_token& stop);

 private:
  Result<kube::runtime::Action> apply(const kube::Object& object, const std::stop_token& stop);
  Result<kube::runtime::Action> cleanup(const kube::Object& object);
  Status write_status(const kube::Object& object, const operator_api::KafkaConnectorStatus& status);

  Context& ctx_;
  ValidationCache& validations_;
};

}  // namespace kc::operator_controllers
