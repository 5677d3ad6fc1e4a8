#include "operator/controllers/probe.h"

namespace kc::operator_controllers {

Probe::Probe(metrics::Registry& registry)
    : registry_(registry),
      reconciles_(
          registry.counter("kconnect_operator_reconcile_total",
                           "Reconciles by controller and result (success, requeue, error)")),
      durations_(registry.histogram("kconnect_operator_reconcile_duration_seconds",
                                    "Time one reconcile took")),
      queue_depth_(registry.gauge("kconnect_operator_queue_depth",
                                  "Keys waiting in a controller's work queue (ready and delayed)")),
      cached_(
          registry.gauge("kconnect_operator_cached_objects", "Objects in the operator's caches")),
      writes_(registry.counter("kconnect_operator_api_writes_total",
                               "Writes to the API server by kind (apply, status, delete), and "
                               "writes skipped because nothing could change (skipped)")),
      worker_status_errors_(
          &registry.add(registry.counter("kconnect_operator_worker_status_errors_total",
                                         "Failed GET /connectors/{name}/status calls to workers"),
                        {})),
      leader_(&registry.add(
          registry.gauge("kconnect_operator_leader", "1 while this process holds the lease"), {})) {
}

kube::runtime::ReconcileFn Probe::instrument(const std::string& controller,
                                             kube::runtime::ReconcileFn reconcile) {
  auto* success = &registry_.add(reconciles_, {{"controller", controller}, {"result", "success"}});
  auto* requeue = &registry_.add(reconciles_, {{"controller", controller}, {"result", "requeue"}});
  auto* error = &registry_.add(reconciles_, {{"controller", controller}, {"result", "error"}});
  auto* duration =
      &registry_.add(durations_, {{"controller", controller}}, metrics::latency_buckets_seconds());
  return [=, reconcile = std::move(reconcile)](
             const kube::ObjectKey& key,
             const std::stop_token& stop) -> Result<kube::runtime::Action> {
    auto start = std::chrono::steady_clock::now();
    auto result = reconcile(key, stop);
    duration->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!result) {
      error->Increment();
    } else if (result->requeue_after) {
      requeue->Increment();
    } else {
      success->Increment();
    }
    return result;
  };
}

metrics::Gauge& Probe::queue_depth(const std::string& controller) {
  return registry_.add(queue_depth_, {{"controller", controller}});
}

metrics::Gauge& Probe::cached_objects(const std::string& resource) {
  return registry_.add(cached_, {{"resource", resource}});
}

metrics::Counter& Probe::api_writes(const std::string& kind) {
  return registry_.add(writes_, {{"kind", kind}});
}

}  // namespace kc::operator_controllers
