// Leader election on a Lease in the test API server.

#include "libs/kube/runtime/leader_election.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/integration/libs/kube/kube_fixture.h"

namespace kc::kube::testing {
namespace {

using namespace std::chrono_literals;
using runtime::LeaderElectionOptions;
using runtime::LeaderElector;

LeaderElectionOptions options(const std::string& identity, bool release = true) {
  return {.ns = "default",
          .name = "kconnect-operator",
          .identity = identity,
          .lease_duration = 2'000ms,
          .renew_deadline = 1'500ms,
          .retry_period = 100ms,
          .release_on_stop = release};
}

// Runs a candidate on its own thread, recording when it leads.
struct Candidate {
  LeaderElector elector;
  std::atomic<bool> leading{false};
  std::atomic<int>* leaders;
  std::chrono::steady_clock::time_point started_leading{};
  std::jthread thread;

  Candidate(Client& client, LeaderElectionOptions opts, std::atomic<int>& count)
      : elector(client, std::move(opts)), leaders(&count) {}

  void start() {
    thread = std::jthread([this](const std::stop_token& stop) {
      elector.run(stop, [this](const std::stop_token& lead) {
        started_leading = std::chrono::steady_clock::now();
        EXPECT_EQ(++*leaders, 1) << "two leaders at once";
        leading = true;
        std::mutex mu;
        std::condition_variable_any cv;
        std::unique_lock lock(mu);
        cv.wait(lock, lead, [] { return false; });
        leading = false;
        --*leaders;
      });
    });
  }
};

TEST_F(KubeTest, LeadershipHandsOverAtOnceWhenTheLeaderStops) {
  std::atomic<int> leaders{0};
  Candidate a(*client_, options("pod-a"), leaders);
  a.start();
  ASSERT_TRUE(kc::testing::eventually([&] { return a.leading.load(); }, 10s));
  Candidate b(*client_, options("pod-b"), leaders);
  b.start();
  EXPECT_FALSE(kc::testing::eventually([&] { return b.leading.load(); }, 500ms))
      << "b must not lead while a renews";
  EXPECT_EQ(b.elector.observed_leader(), "pod-a");

  auto stopped = std::chrono::steady_clock::now();
  a.thread.request_stop();
  a.thread.join();
  ASSERT_TRUE(kc::testing::eventually([&] { return b.leading.load(); }, 10s));
  // Released: b did not have to wait for the 2 s lease to run out.
  EXPECT_LT(b.started_leading - stopped, 1'500ms);
  auto lease = client_->get(resources::leases(), "default", "kconnect-operator");
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "pod-b");
  EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 0) << "a released, so no forced transition";
}

TEST_F(KubeTest, ACandidateTakesOverAnUnrenewedLeaseAfterItsDuration) {
  std::atomic<int> leaders{0};
  Candidate a(*client_, options("pod-a", /*release=*/false), leaders);
  a.start();
  ASSERT_TRUE(kc::testing::eventually([&] { return a.leading.load(); }, 10s));
  Candidate b(*client_, options("pod-b"), leaders);
  b.start();
  auto stopped = std::chrono::steady_clock::now();
  a.thread.request_stop();  // stops renewing without releasing: like a crashed pod
  a.thread.join();
  ASSERT_TRUE(kc::testing::eventually([&] { return b.leading.load(); }, 10s));
  EXPECT_GE(b.started_leading - stopped, 1'500ms) << "the lease had to expire first";
  auto lease = client_->get(resources::leases(), "default", "kconnect-operator");
  EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 1);
}

}  // namespace
}  // namespace kc::kube::testing
