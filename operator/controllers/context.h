#pragma once

// What both reconcilers share: the API client, the caches, the writer, the event recorder, the
// worker status client, and the options the operator was started with. Owned by Operator.

#include <algorithm>
#include <chrono>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "libs/kube/client/client.h"
#include "libs/kube/runtime/event_recorder.h"
#include "operator/controllers/applier.h"
#include "operator/controllers/cache.h"
#include "operator/controllers/probe.h"
#include "operator/controllers/worker_status.h"
#include "operator/model/cluster_objects.h"

namespace kc::operator_controllers {

struct OperatorOptions {
  std::vector<std::string> namespaces;  // empty: all namespaces
  operator_model::ModelOptions model;
  int cluster_workers = 2;
  int connector_workers = 4;
  // How often a connector's task status is read from its workers: while Ready, and while not.
  std::chrono::milliseconds status_interval{30'000};
  std::chrono::milliseconds status_interval_not_ready{5'000};
  std::chrono::milliseconds resync{600'000};  // full resync of every object
  WorkerStatusClient::Options worker_http;
};

// The API groups the operator may find missing (checked once at start through discovery).
struct ServedApis {
  bool pod_disruption_budgets = true;  // policy/v1
  bool endpoint_slices = true;         // discovery.k8s.io/v1
  bool endpoints = true;               // v1 endpoints (used when slices are not served)
};

struct Caches {
  std::unique_ptr<Cache> clusters, connectors, deployments, config_maps, services, service_accounts,
      roles, role_bindings, pdbs, cluster_role_bindings, secrets, endpoints;
  std::vector<Cache*> all() const;
};

// Connectors the cluster reconciler left out of their cluster's ConfigMap because their entries
// would take it past the API server's size limit (operator_model::fit_connectors_document).
// Written by ClusterReconciler, read by ConnectorReconciler for the connector's status.
// Thread-safe.
class RefusedConnectors {
 public:
  // Replaces the cluster's set; returns the connectors that entered or left it.
  std::vector<std::string> set(const kube::ObjectKey& cluster,
                               const std::vector<std::string>& names) {
    std::set<std::string> now(names.begin(), names.end());
    std::lock_guard lock(mu_);
    auto& before = by_cluster_[cluster];
    std::vector<std::string> changed;
    std::set_symmetric_difference(before.begin(), before.end(), now.begin(), now.end(),
                                  std::back_inserter(changed));
    before = std::move(now);
    return changed;
  }
  bool contains(const kube::ObjectKey& cluster, const std::string& connector) const {
    std::lock_guard lock(mu_);
    auto it = by_cluster_.find(cluster);
    return it != by_cluster_.end() && it->second.count(connector) > 0;
  }

 private:
  mutable std::mutex mu_;
  std::map<kube::ObjectKey, std::set<std::string>> by_cluster_;
};

struct Context {
  kube::Client& client;
  OperatorOptions options;
  ServedApis apis;
  Caches caches;
  Applier applier;
  kube::runtime::EventRecorder events;
  WorkerStatusClient workers;
  Probe& probe;
  std::function<void(const kube::ObjectKey&)> enqueue_cluster;
  std::function<void(const kube::ObjectKey&)> enqueue_connector;
  RefusedConnectors refused;

  Context(kube::Client& c, OperatorOptions o, ServedApis a, Probe& p, const std::string& identity)
      : client(c),
        options(std::move(o)),
        apis(a),
        applier(c),
        events(c, "kconnect-operator", identity),
        workers(options.worker_http),
        probe(p) {}
};

// Resource types libs/kube does not name.
namespace types {
const kube::ResourceType& roles();
const kube::ResourceType& role_bindings();
const kube::ResourceType& cluster_role_bindings();
const kube::ResourceType& endpoint_slices();
const kube::ResourceType& endpoints();
const kube::ResourceType& nodes();
}  // namespace types

}  // namespace kc::operator_controllers
