// The event recorder and the finalizer helper against the test API server.

#include "libs/kube/runtime/event_recorder.h"
#include "libs/kube/runtime/finalizer.h"
#include "tests/integration/libs/kube/kube_fixture.h"

namespace kc::kube::testing {
namespace {

using runtime::FinalizerEvent;
const ResourceType& cms = resources::config_maps();

TEST_F(KubeTest, EventRecorderAggregatesRepeats) {
  auto subject = client_->create(cms, config_map("subject", "x"));
  ASSERT_TRUE(subject);
  runtime::EventRecorder recorder(*client_, "kconnect-operator", "pod-a");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(recorder.record(*subject, runtime::EventType::kWarning, "SecretMissing",
                                "Reconcile", "Secret \"tls\" not found"));
  }
  ASSERT_TRUE(recorder.record(*subject, runtime::EventType::kNormal, "Applied", "Reconcile",
                              "workers updated"));
  auto events = client_->list(resources::events(), "default",
                              {.field_selector = "involvedObject.name=subject"});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->items.size(), 2u);
  std::map<std::string, int> counts;
  for (const auto& e : events->items) counts[e["reason"]] = e["count"];
  EXPECT_EQ(counts["SecretMissing"], 3);
  EXPECT_EQ(counts["Applied"], 1);
  EXPECT_EQ(events->items[0]["involvedObject"]["uid"], uid_of(*subject));
}

TEST_F(KubeTest, FinalizerHelperAddsFirstAndCleansUpBeforeTheObjectGoes) {
  ASSERT_TRUE(client_->create(cms, config_map("guarded", "x")));
  std::vector<std::string> calls;
  auto reconcile = [&](const std::string& name) {
    auto obj = client_->get(cms, "default", name);
    EXPECT_TRUE(obj);
    return runtime::with_finalizer(
        *client_, cms, *obj, "kconnect.dev/cleanup",
        [&](FinalizerEvent e) -> Result<runtime::Action> {
          calls.push_back(e == FinalizerEvent::kApply ? "apply" : "cleanup");
          return runtime::Action::await_change();
        });
  };
  ASSERT_TRUE(reconcile("guarded"));
  EXPECT_TRUE(calls.empty()) << "the finalizer is added before anything is applied";
  EXPECT_TRUE(has_finalizer(*client_->get(cms, "default", "guarded"), "kconnect.dev/cleanup"));
  ASSERT_TRUE(reconcile("guarded"));
  EXPECT_EQ(calls, (std::vector<std::string>{"apply"}));

  ASSERT_TRUE(client_->remove(cms, "default", "guarded"));
  ASSERT_TRUE(client_->get(cms, "default", "guarded")) << "kept by the finalizer";
  ASSERT_TRUE(reconcile("guarded"));
  EXPECT_EQ(calls, (std::vector<std::string>{"apply", "cleanup"}));
  EXPECT_EQ(client_->get(cms, "default", "guarded").error().code(), Errc::kNotFound);

  // A stale copy cannot add the finalizer back (resourceVersion precondition).
  auto fresh = client_->create(cms, config_map("stale", "x"));
  ASSERT_TRUE(client_->merge_patch(cms, "default", "stale", {{"data", {{"value", "y"}}}}));
  auto stale = runtime::add_finalizer(*client_, cms, *fresh, "kconnect.dev/cleanup");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), Errc::kConflict);
}

}  // namespace
}  // namespace kc::kube::testing
