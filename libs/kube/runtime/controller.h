#pragma once

// The controller loop: level-triggered reconciles of object keys, fed by stores.
//
//   Controller controller({.name = "kafkaconnector", .workers = 2}, reconcile);
//   controller.watches(connectors.store());                       // the primary type
//   controller.owns(deployments.store(), kafka_connect_clusters);  // owned objects -> owner key
//   controller.run(stop);                                           // blocks until stop
//
// The contract (controller-runtime, kube-rs):
// - reconcile(key) reads the current state from the stores and makes the world match; it is
//   called again whenever a watched object changes, and must be idempotent. The object may be
//   gone (reconcile sees it missing from the store).
// - It returns Action::await_change() (nothing until a change), Action::requeue(d) (again after
//   d), or an error (again after that key's jittered exponential backoff; success resets it).
// - One reconcile in flight per key, any number of keys in parallel (`workers`); a slow or failing
//   key never holds up the others.
// - With `resync`, every key of the primary stores is enqueued periodically (level triggering
//   recovers from anything missed, e.g. changes to external systems).
// Threading: watches()/owns()/map_from() before run(); enqueue() from any thread; reconcile runs
// on worker threads.

#include <atomic>
#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/kube/core/object.h"
#include "libs/kube/core/resource.h"
#include "libs/kube/runtime/action.h"
#include "libs/kube/runtime/store.h"
#include "libs/kube/runtime/work_queue.h"

namespace kc::kube::runtime {

struct ControllerOptions {
  std::string name = "controller";
  int workers = 2;
  std::chrono::milliseconds resync{0};  // 0: no periodic resync
  WorkQueue::Options queue;
  std::chrono::milliseconds ready_timeout{60'000};  // how long run() waits for stores to list
};

using ReconcileFn =
    std::function<Result<Action>(const ObjectKey& key, const std::stop_token& stop)>;

class Controller {
 public:
  Controller(ControllerOptions options, ReconcileFn reconcile);

  // Every change of an object in `store` enqueues its key.
  void watches(Store& store);
  // Every change of an object in `store` enqueues its controller's key when the controller is of
  // `owner_type`.
  void owns(Store& store, const ResourceType& owner_type);
  // Every change of an object in `store` enqueues the keys `mapper` returns (e.g. the connectors
  // that reference a changed Secret).
  void map_from(Store& store, std::function<std::vector<ObjectKey>(const Object&)> mapper);

  void enqueue(const ObjectKey& key);
  // Waits for every store to be ready, then reconciles until stop; returns after the workers end.
  void run(const std::stop_token& stop);

  WorkQueue& queue() { return queue_; }
  uint64_t reconciles() const { return reconciles_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  void worker(const std::stop_token& stop);
  Result<Action> reconcile_guarded(const std::string& key, const std::stop_token& stop);

  ControllerOptions options_;
  ReconcileFn reconcile_;
  WorkQueue queue_;
  std::vector<Store*> stores_;
  std::vector<Store*> primaries_;
  std::atomic<uint64_t> reconciles_{0};
  std::atomic<uint64_t> failures_{0};
};

}  // namespace kc::kube::runtime
