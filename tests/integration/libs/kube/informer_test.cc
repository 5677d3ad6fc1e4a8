// Informer (watcher + store) and Controller over real HTTP against the test API server, with the
// server dropping watch streams and expiring versions underneath.

#include "libs/kube/runtime/informer.h"

#include <map>
#include <mutex>

#include "libs/kube/runtime/controller.h"
#include "tests/integration/libs/kube/kube_fixture.h"

namespace kc::kube::testing {
namespace {

using namespace std::chrono_literals;
using runtime::Action;
using runtime::Controller;
using runtime::Informer;
const ResourceType& cms = resources::config_maps();

// What a controller is told, per object: the sequence of data.value it saw (or "deleted").
struct Recorder {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> seen;
  std::map<std::string, std::vector<std::string>> versions;

  void attach(runtime::Store& store) {
    store.subscribe([this](const ObjectPtr& before, const ObjectPtr& after) {
      std::lock_guard lock(mu);
      if (after) {
        seen[name_of(*after)].push_back((*after)["data"]["value"].get<std::string>());
        versions[name_of(*after)].push_back(resource_version_of(*after));
      } else {
        seen[name_of(*before)].push_back("deleted");
      }
    });
  }
  std::vector<std::string> of(const std::string& name) {
    std::lock_guard lock(mu);
    return seen[name];
  }
};

runtime::Watcher::Options fast_retry() {
  runtime::Watcher::Options options;
  options.backoff = {.initial = 5ms, .max = 50ms, .multiplier = 2.0, .jitter = 0.1};
  return options;
}

// ConfigMaps of "default" cached by an Informer, with a Recorder listening.
struct Watched {
  Informer informer;
  Recorder recorder;
  explicit Watched(Client& client) : informer(client, cms, {.ns = "default"}, fast_retry()) {
    recorder.attach(informer.store());
    informer.start();
  }
};

TEST_F(KubeTest, WatchSurvivesDroppedStreamsWithoutMissingOrReplayingEvents) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(client_->create(cms, config_map(name, "0")));
  Watched watched(*client_);
  Informer& informer = watched.informer;
  Recorder& recorder = watched.recorder;
  ASSERT_TRUE(informer.store().wait_until_ready(10s));

  for (int i = 1; i <= 30; ++i) {
    for (const char* name : {"a", "b", "c"}) {
      ASSERT_TRUE(
          client_->merge_patch(cms, "default", name, {{"data", {{"value", std::to_string(i)}}}}));
    }
    if (i % 5 == 0) {
      // Drop the stream once a resumed watch is open; the watcher resumes from its rv.
      ASSERT_TRUE(kc::testing::eventually([&] { return api_->open_watches() == 1; }, 10s));
      uint64_t requests = api_->watch_requests();
      api_->drop_watches();
      ASSERT_TRUE(kc::testing::eventually(
          [&] { return api_->watch_requests() > requests && api_->open_watches() == 1; }, 10s));
    }
  }
  ASSERT_TRUE(client_->remove(cms, "default", "b"));
  ASSERT_TRUE(kc::testing::eventually(
      [&] { return recorder.of("b").back() == "deleted" && recorder.of("c").back() == "30"; },
      20s));

  // Every update reached the controller exactly once, in order.
  std::vector<std::string> expected;
  for (int i = 0; i <= 30; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(recorder.of("a"), expected);
  EXPECT_EQ(recorder.of("c"), expected);
  expected.push_back("deleted");
  EXPECT_EQ(recorder.of("b"), expected);
  EXPECT_EQ(informer.watcher().relists(), 1u) << "a dropped stream resumes without relisting";
  EXPECT_GE(api_->watch_requests(), 7u);
}

TEST_F(KubeTest, WatchRelistsOn410WithoutReplayingAndSeesWhatChangedMeanwhile) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(client_->create(cms, config_map(name, "0")));
  Watched watched(*client_);
  Informer& informer = watched.informer;
  Recorder& recorder = watched.recorder;
  ASSERT_TRUE(informer.store().wait_until_ready(10s));

  // The watch's version expires: an ERROR 410 on the open stream, and a compacted history so
  // the resume attempt gets 410 too. Meanwhile objects change, vanish and appear.
  api_->inject({.path_contains = "/configmaps", .watch_only = true, .status = 503, .times = 2});
  ASSERT_TRUE(client_->merge_patch(cms, "default", "a", {{"data", {{"value", "1"}}}}));
  ASSERT_TRUE(kc::testing::eventually([&] { return recorder.of("a").size() == 2; }, 10s));
  api_->expire_watches();
  ASSERT_TRUE(client_->remove(cms, "default", "b"));
  ASSERT_TRUE(client_->create(cms, config_map("d", "0")));
  ASSERT_TRUE(client_->merge_patch(cms, "default", "c", {{"data", {{"value", "1"}}}}));
  ASSERT_TRUE(client_->merge_patch(cms, "default", "c", {{"data", {{"value", "2"}}}}));
  api_->compact();
  api_->drop_watches();
  ASSERT_TRUE(kc::testing::eventually(
      [&] {
        return !recorder.of("d").empty() && recorder.of("c").back() == "2" &&
               recorder.of("b").back() == "deleted";
      },
      20s));
  ASSERT_TRUE(client_->merge_patch(cms, "default", "a", {{"data", {{"value", "2"}}}}));
  ASSERT_TRUE(kc::testing::eventually([&] { return recorder.of("a").back() == "2"; }, 10s));

  EXPECT_GE(informer.watcher().relists(), 2u);
  EXPECT_EQ(recorder.of("a"), (std::vector<std::string>{"0", "1", "2"})) << "no replay of a";
  EXPECT_EQ(recorder.of("b"), (std::vector<std::string>{"0", "deleted"}));
  EXPECT_EQ(recorder.of("d"), (std::vector<std::string>{"0"}));
  // c changed twice while the watch was gone; a relist delivers the latest state once, never an
  // older one after a newer one.
  auto c = recorder.of("c");
  EXPECT_EQ(c.front(), "0");
  EXPECT_EQ(c.back(), "2");
  EXPECT_TRUE(std::is_sorted(c.begin(), c.end())) << "versions never go backwards";
  std::lock_guard lock(recorder.mu);
  for (const auto& [name, rvs] : recorder.versions) {
    std::set<std::string> unique(rvs.begin(), rvs.end());
    EXPECT_EQ(unique.size(), rvs.size()) << name << " saw a version twice";
  }
}

TEST_F(KubeTest, ControllerReconcilesEachKeyOnceAtATimeRetriesAndFollowsOwnedObjects) {
  ASSERT_TRUE(client_->create(cms, config_map("owner", "0")));
  Informer owners(*client_, cms, {.ns = "default", .label_selector = "role=owner"}, fast_retry());
  Informer all(*client_, cms, {.ns = "default"}, fast_retry());
  ASSERT_TRUE(client_->merge_patch(cms, "default", "owner",
                                   {{"metadata", {{"labels", {{"role", "owner"}}}}}}));

  std::mutex mu;
  std::map<std::string, int> calls, in_flight;
  int max_parallel_same_key = 0;
  bool fail_first = true;
  runtime::ControllerOptions options{.name = "test", .workers = 4};
  options.queue.backoff = {.initial = 10ms, .max = 100ms};
  Controller controller(
      options, [&](const ObjectKey& key, const std::stop_token&) -> Result<Action> {
        {
          std::lock_guard lock(mu);
          ++calls[key.name];
          max_parallel_same_key = std::max(max_parallel_same_key, ++in_flight[key.name]);
        }
        std::this_thread::sleep_for(5ms);  // widen the window for overlapping reconciles
        std::lock_guard lock(mu);
        --in_flight[key.name];
        if (fail_first) {
          fail_first = false;
          return make_error(Errc::kUnavailable, "transient");
        }
        return Action::await_change();
      });
  controller.watches(owners.store());
  controller.owns(all.store(), resources::config_maps());
  owners.start();
  all.start();
  std::jthread loop([&](const std::stop_token& stop) { controller.run(stop); });

  ASSERT_TRUE(kc::testing::eventually(
      [&] {
        std::lock_guard lock(mu);
        return calls["owner"] >= 2;  // the failure was retried
      },
      10s));
  auto owner = client_->get(cms, "default", "owner");
  int before = 0;
  {
    std::lock_guard lock(mu);
    before = calls["owner"];
  }
  Object child = config_map("child", "x");
  child["metadata"]["ownerReferences"] = {controller_reference(*owner).to_json()};
  ASSERT_TRUE(client_->create(cms, child));
  ASSERT_TRUE(kc::testing::eventually(
      [&] {
        std::lock_guard lock(mu);
        return calls["owner"] > before;  // a change to an owned object wakes its owner
      },
      10s));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        client_->merge_patch(cms, "default", "owner", {{"data", {{"value", std::to_string(i)}}}}));
  }
  ASSERT_TRUE(kc::testing::eventually([&] { return controller.queue().ready_count() == 0; }, 10s));
  loop.request_stop();
  loop.join();
  std::lock_guard lock(mu);
  EXPECT_EQ(max_parallel_same_key, 1);
  EXPECT_GE(controller.failures(), 1u);
  EXPECT_EQ(calls.count("child"), 0u) << "owned objects map to their owner's key";
}

TEST_F(KubeTest, ControllerRequeuesAfterTheRequestedDelay) {
  ASSERT_TRUE(client_->create(cms, config_map("polled", "0")));
  Informer informer(*client_, cms, {.ns = "default"}, fast_retry());
  std::atomic<int> calls{0};
  Controller controller({.name = "poll", .workers = 1},
                        [&](const ObjectKey&, const std::stop_token&) -> Result<Action> {
                          ++calls;
                          return Action::requeue(20ms);
                        });
  controller.watches(informer.store());
  informer.start();
  std::jthread loop([&](const std::stop_token& stop) { controller.run(stop); });
  EXPECT_TRUE(kc::testing::eventually([&] { return calls.load() >= 4; }, 10s));
}

// A reconcile that throws (nlohmann's type_error on a field of an unexpected type) is a failed
// reconcile, retried with backoff; the process and the other keys carry on.
TEST_F(KubeTest, ControllerTurnsAThrowingReconcileIntoARetriedFailure) {
  ASSERT_TRUE(client_->create(cms, config_map("throws", "0")));
  ASSERT_TRUE(client_->create(cms, config_map("fine", "0")));
  Informer informer(*client_, cms, {.ns = "default"}, fast_retry());
  std::atomic<int> throws{0}, fine{0};
  Controller controller({.name = "barrier", .workers = 1},
                        [&](const ObjectKey& key, const std::stop_token&) -> Result<Action> {
                          if (key.name == "fine") {
                            ++fine;
                            return Action{};
                          }
                          ++throws;
                          return Action::requeue(
                              std::chrono::milliseconds(nlohmann::json("not a number").get<int>()));
                        });
  controller.watches(informer.store());
  informer.start();
  std::jthread loop([&](const std::stop_token& stop) { controller.run(stop); });
  EXPECT_TRUE(kc::testing::eventually([&] { return throws.load() >= 2 && fine.load() >= 1; }, 10s));
  EXPECT_GE(controller.failures(), 2u);
}

}  // namespace
}  // namespace kc::kube::testing
