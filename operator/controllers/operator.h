#pragma once

// kconnect-operator's core, without the process around it (main.cc adds flags, signals and the
// probe server): discovers which optional APIs are served, builds the caches (informers), wires
// the cluster and connector controllers to them, and runs the controllers while it holds the
// leader Lease.
//
//   KC_ASSIGN_OR_RETURN(auto op, Operator::create(*client, options, election));
//   op->run(stop);   // blocks; false when the lease was lost
//
// Guarantees:
// - Caches start at once, leader or not (a standby takes over with warm caches); controllers run
//   only while leading and stop before the Lease is released.
// - A missing optional API (policy/v1, discovery.k8s.io/v1) is logged once, naming what will not
//   be done, and the rest runs.
// Threading: create/run on one thread; ready(), leading(), update_gauges() from any thread.

#include <atomic>
#include <memory>
#include <stop_token>
#include <string>

#include "libs/kube/client/client.h"
#include "libs/kube/runtime/controller.h"
#include "libs/kube/runtime/leader_election.h"
#include "operator/controllers/cluster_reconciler.h"
#include "operator/controllers/connector_reconciler.h"
#include "operator/controllers/context.h"

namespace kc::operator_controllers {

struct ElectionOptions {
  bool enabled = true;
  kube::runtime::LeaderElectionOptions lease;  // ns, name, identity, durations
};

class Operator {
 public:
  static Result<std::unique_ptr<Operator>> create(kube::Client& client, OperatorOptions options,
                                                  ElectionOptions election, Probe& probe);
  ~Operator();

  // Runs until `stop` (returns true) or until the Lease is lost (returns false).
  bool run(const std::stop_token& stop);

  // /readyz: caches synced and either leading or standing by for the Lease.
  bool ready() const;
  bool leading() const { return leading_.load(); }
  // Refreshes queue-depth and cache-size gauges (before /metrics is rendered).
  void update_gauges();
  const ServedApis& apis() const { return context_->apis; }
  Context& context() { return *context_; }

 private:
  Operator() = default;
  void wire();
  void run_controllers(const std::stop_token& stop);

  ElectionOptions election_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<ValidationCache> validations_;
  std::unique_ptr<ClusterReconciler> cluster_reconciler_;
  std::unique_ptr<ConnectorReconciler> connector_reconciler_;
  std::unique_ptr<kube::runtime::Controller> clusters_;
  std::unique_ptr<kube::runtime::Controller> connectors_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> leading_{false};
  std::atomic<bool> electing_{false};
};

// GET /apis/<group>/<version> (or /api/v1) lists `plural`; false when the group-version is not
// served or does not list it.
bool api_served(kube::Client& client, const kube::ResourceType& type);

}  // namespace kc::operator_controllers
