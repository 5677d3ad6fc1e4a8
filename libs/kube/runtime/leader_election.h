#pragma once

// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does
// it: the leader renews spec.renewTime every retry_period; a candidate takes the lease when the
// holder has not renewed it for lease_duration, judged by the candidate's own clock since it last
// saw the record change (so clock skew between pods does not matter).
//
//   LeaderElector elector(*client, {.ns = "kconnect", .name = "kconnect-operator",
//                                   .identity = pod_name});
//   elector.run(stop, [&](const std::stop_token& lead) { run_controllers(lead); });
//
// Guarantees:
// - `lead` runs only while this process holds the lease; its stop_token is requested when the
//   lease could not be renewed for renew_deadline (then run() returns, like client-go, so the
//   process can exit) or when `stop` is requested.
// - On stop the lease is released (holderIdentity cleared) after `lead` returned, so another
//   candidate takes over at once instead of waiting lease_duration.
// - Writes use the Lease's resourceVersion: two candidates never both succeed.
// Caveats: like every lease-based election, correctness needs lease_duration to exceed the
// longest pause of the leader (GC, CPU starvation) plus renew_deadline.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>

#include "libs/base/error.h"
#include "libs/kube/client/client.h"

namespace kc::kube::runtime {

struct LeaderElectionOptions {
  std::string ns;
  std::string name;
  std::string identity;
  std::chrono::milliseconds lease_duration{15'000};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  bool release_on_stop = true;
};

class LeaderElector {
 public:
  // `client` must outlive the elector.
  LeaderElector(Client& client, LeaderElectionOptions options);

  // Blocks: campaigns until leading, runs `lead` on a new thread while leading, returns when
  // leadership is lost or `stop` is requested (after releasing the lease).
  void run(const std::stop_token& stop, const std::function<void(const std::stop_token&)>& lead);

  bool is_leader() const { return leading_.load(); }
  // Holder of the lease as last observed ("" when none).
  std::string observed_leader() const;

  // One attempt to acquire or renew; true when this candidate holds the lease afterwards.
  bool try_acquire_or_renew();
  // Clears holderIdentity when this candidate holds the lease.
  Status release();

 private:
  Client& client_;
  LeaderElectionOptions options_;
  std::atomic<bool> leading_{false};
  mutable std::mutex mu_;
  Object observed_;  // spec of the lease as last read
  std::chrono::steady_clock::time_point observed_at_{};
};

}  // namespace kc::kube::runtime
