#pragma once

// What a reconcile asks for next (controller-runtime's Result, kube-rs's Action).

#include <chrono>
#include <optional>

namespace kc::kube::runtime {

struct Action {
  // Reconcile this key again after the delay even if nothing changes (polling an external
  // system, waiting for a rollout). nullopt: only when a watched object changes.
  std::optional<std::chrono::milliseconds> requeue_after;

  static Action requeue(std::chrono::milliseconds delay) { return Action{delay}; }
  static Action await_change() { return Action{}; }
};

}  // namespace kc::kube::runtime
