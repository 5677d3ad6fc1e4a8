#pragma once

// kconnect-operator's metrics (Prometheus, served at /metrics):
//   kconnect_operator_reconcile_total{controller, result}        success | requeue | error
//   kconnect_operator_reconcile_duration_seconds{controller}     histogram
//   kconnect_operator_queue_depth{controller}                    keys waiting (ready + delayed)
//   kconnect_operator_api_writes_total{kind}                     apply | status | skipped
//   kconnect_operator_worker_status_errors_total                 failed GET .../status calls
//   kconnect_operator_leader                                     1 while this process leads
//   kconnect_operator_cached_objects{resource}                   objects in the caches
// Threading: thread-safe.

#include <chrono>
#include <functional>
#include <string>

#include "libs/base/error.h"
#include "libs/kube/runtime/action.h"
#include "libs/kube/runtime/controller.h"
#include "libs/metrics/registry.h"

namespace kc::operator_controllers {

class Probe {
 public:
  explicit Probe(metrics::Registry& registry);

  // Wraps a reconcile function to count results and time it.
  kube::runtime::ReconcileFn instrument(const std::string& controller,
                                        kube::runtime::ReconcileFn reconcile);
  metrics::Gauge& queue_depth(const std::string& controller);
  metrics::Gauge& cached_objects(const std::string& resource);
  metrics::Counter& api_writes(const std::string& kind);
  metrics::Counter& worker_status_errors() { return *worker_status_errors_; }
  metrics::Gauge& leader() { return *leader_; }
  metrics::Registry& registry() { return registry_; }

 private:
  metrics::Registry& registry_;
  metrics::Family<metrics::Counter>& reconciles_;
  metrics::Family<metrics::Histogram>& durations_;
  metrics::Family<metrics::Gauge>& queue_depth_;
  metrics::Family<metrics::Gauge>& cached_;
  metrics::Family<metrics::Counter>& writes_;
  metrics::Counter* worker_status_errors_;
  metrics::Gauge* leader_;
};

}  // namespace kc::operator_controllers
