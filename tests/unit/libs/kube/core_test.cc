#include <gtest/gtest.h>

#include "libs/base/strings.h"
#include "libs/kube/core/api_status.h"
#include "libs/kube/core/condition.h"
#include "libs/kube/core/label_selector.h"
#include "libs/kube/core/object.h"
#include "libs/kube/core/resource.h"
#include "libs/kube/core/time.h"

namespace kc::kube {
namespace {

using namespace std::chrono_literals;

TEST(ConditionTest, LastTransitionTimeMovesOnlyWhenStatusFlips) {
  std::vector<Condition> conditions;
  WallTime t0 = *parse_time("2026-01-01T00:00:00Z");
  EXPECT_TRUE(
      set_condition(conditions, {.type = "Ready", .status = "False", .reason = "Starting"}, t0));
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T00:00:00Z");

  // Same status, new reason and message: updated, but the transition time stays.
  EXPECT_TRUE(set_condition(conditions,
                            {.type = "Ready",
                             .status = "False",
                             .reason = "WaitingForPods",
                             .message = "1/2 ready",
                             .observed_generation = 3},
                            t0 + 1h));
  EXPECT_EQ(conditions[0].reason, "WaitingForPods");
  EXPECT_EQ(conditions[0].observed_generation, 3);
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T00:00:00Z");

  // Nothing changed: reported as unchanged (so status is not patched).
  EXPECT_FALSE(set_condition(conditions,
                             {.type = "Ready",
                              .status = "False",
                              .reason = "WaitingForPods",
                              .message = "1/2 ready",
                              .observed_generation = 3},
                             t0 + 2h));

  // The status flips: now the time moves.
  EXPECT_TRUE(
      set_condition(conditions, {.type = "Ready", .status = "True", .reason = "Ready"}, t0 + 3h));
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T03:00:00Z");
  EXPECT_TRUE(is_condition_true(conditions, "Ready"));

  EXPECT_TRUE(set_condition(conditions, {.type = "Stalled", .status = "False"}, t0 + 4h));
  EXPECT_EQ(conditions.size(), 2u);
  auto json = conditions_to_json(conditions);
  EXPECT_EQ(conditions_of(Object{{"status", {{"conditions", json}}}}), conditions);
}

// metav1.Condition's schema: every field present and a string (message may be empty, never
// null), reason matching ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$, message at most 32768 bytes,
// observedGeneration an integer.
TEST(ConditionTest, WritesWhatMetav1ConditionAdmits) {
  std::vector<Condition> conditions;
  WallTime t0 = *parse_time("2026-01-01T00:00:00Z");
  set_condition(conditions, {.type = "Stalled", .status = "False"}, t0);
  Object json = conditions[0].to_json();
  EXPECT_EQ(json, Object::parse(R"({"type": "Stalled", "status": "False", "reason": "Unknown",
      "message": "", "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 0})"));

  EXPECT_TRUE(is_valid_condition_reason("Ready"));
  EXPECT_TRUE(is_valid_condition_reason("a,b:c_1"));
  for (const char* bad : {"", "1Ready", "Not Ready", "Ready:", "Ready,", "_x"}) {
    EXPECT_FALSE(is_valid_condition_reason(bad)) << bad;
    EXPECT_TRUE(is_valid_condition_reason(condition_reason(bad))) << bad;
  }
  EXPECT_EQ(condition_reason("Not Ready!"), "NotReady");
  EXPECT_EQ(condition_reason("404"), "Unknown404");
  EXPECT_EQ(condition_reason(std::string(2000, 'a')).size(), kConditionReasonMaxLength);

  // Long or ill-formed messages: valid UTF-8, cut at a character boundary.
  auto cut = condition_message(std::string(40000, 'a') + "\xC3\xA9");
  EXPECT_EQ(cut.size(), kConditionMessageMaxBytes);
  auto accented = condition_message("x" + [] {
    std::string s;
    for (int i = 0; i < 20000; ++i) s += "\xC3\xA9";  // é, two bytes each
    return s;
  }());
  EXPECT_EQ(accented.size(), kConditionMessageMaxBytes - 1);  // not in the middle of an é
  EXPECT_TRUE(strings::is_valid_utf8(accented));
  EXPECT_TRUE(strings::is_valid_utf8(condition_message("bad \xff byte")));
  set_condition(conditions,
                {.type = "Ready", .status = "True", .reason = "x y", .message = "bad \xff"}, t0);
  EXPECT_EQ(conditions[1].reason, "xy");
  EXPECT_NO_THROW((void)conditions_to_json(conditions).dump());
}

TEST(TimeTest, FormatsAndParsesRfc3339) {
  auto t = parse_time("2026-09-01T12:34:56Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(*t), "2026-09-01T12:34:56Z");
  EXPECT_EQ(format_micro_time(*t + 1500us), "2026-09-01T12:34:56.001500Z");
  EXPECT_EQ(parse_time("2026-09-01T14:34:56+02:00"), t);
  EXPECT_EQ(parse_time("2026-09-01T12:34:56.25Z"), *t + 250ms);
  EXPECT_FALSE(parse_time("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_time("yesterday"));
  EXPECT_EQ(format_age(45s), "45s");
  EXPECT_EQ(format_age(3min), "3m");
  EXPECT_EQ(format_age(5h), "5h");
  EXPECT_EQ(format_age(72h), "3d");
}

TEST(LabelSelectorTest, MatchesEqualitySetAndExistence) {
  auto s = LabelSelector::parse("app=web,tier!=db,env in (prod, staging),!canary,release");
  ASSERT_TRUE(s) << s.error().to_string();
  using Labels = std::map<std::string, std::string>;
  EXPECT_TRUE(s->matches(Labels{{"app", "web"}, {"env", "prod"}, {"release", "1"}}));
  EXPECT_FALSE(s->matches(Labels{{"app", "web"}, {"env", "dev"}, {"release", "1"}}));
  EXPECT_FALSE(
      s->matches(Labels{{"app", "web"}, {"env", "prod"}, {"release", "1"}, {"canary", "y"}}));
  EXPECT_FALSE(
      s->matches(Labels{{"app", "web"}, {"env", "prod"}, {"release", "1"}, {"tier", "db"}}));
  EXPECT_FALSE(s->matches(Labels{{"app", "web"}, {"env", "prod"}}));
  auto notin = LabelSelector::parse("env notin (prod)");
  ASSERT_TRUE(notin);
  EXPECT_TRUE(notin->matches(std::map<std::string, std::string>{}));
  EXPECT_FALSE(LabelSelector::parse("a in b"));
  EXPECT_FALSE(LabelSelector::parse("=x"));
  EXPECT_TRUE(LabelSelector::parse("")->matches(std::map<std::string, std::string>{}));
  EXPECT_EQ(LabelSelector::from_labels({{"a", "1"}, {"b", "2"}}).str(), "a=1,b=2");
}

TEST(ApiStatusTest, MapsStatusesToTypedErrors) {
  auto conflict = ApiStatus::from_body(
      409, R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict",
              "message":"the object has been modified","code":409})");
  EXPECT_EQ(to_error(conflict, "update x").code(), Errc::kConflict);
  EXPECT_EQ(to_error(ApiStatus::from_body(409, R"({"kind":"Status","reason":"AlreadyExists"})"),
                     "create x")
                .code(),
            Errc::kAlreadyExists);
  EXPECT_EQ(to_error(ApiStatus::from_body(404, "{}"), "get").code(), Errc::kNotFound);
  auto unavailable = to_error(ApiStatus::from_body(503, "busy"), "get");
  EXPECT_EQ(unavailable.code(), Errc::kUnavailable);
  EXPECT_TRUE(unavailable.retriable());
  EXPECT_TRUE(is_expired(ApiStatus::from_body(410, "{}")));
  auto invalid =
      ApiStatus::from_body(422, R"({"kind":"Status","reason":"Invalid","message":"bad","code":422,
              "details":{"causes":[{"reason":"FieldValueRequired","field":"spec.a","message":"Required value"}]}})");
  ASSERT_EQ(invalid.causes.size(), 1u);
  EXPECT_EQ(invalid.causes[0].field, "spec.a");
  EXPECT_EQ(to_error(invalid, "create").code(), Errc::kInvalidConfig);
  EXPECT_NE(to_error(invalid, "create y").message().find("create y"), std::string::npos);
}

TEST(ObjectTest, ReadsMetadataAndOwnerReferences) {
  Object owner = {{"apiVersion", "kconnect.dev/v1alpha1"},
                  {"kind", "KafkaConnectCluster"},
                  {"metadata", {{"name", "main"}, {"namespace", "prod"}, {"uid", "u-1"}}}};
  Object owned = {{"metadata",
                   {{"name", "main-connect"},
                    {"namespace", "prod"},
                    {"resourceVersion", "42"},
                    {"generation", 3},
                    {"finalizers", {"a", "b"}},
                    {"ownerReferences", {controller_reference(owner).to_json()}}}}};
  EXPECT_EQ(key_of(owned).str(), "prod/main-connect");
  EXPECT_EQ(ObjectKey::parse("prod/main-connect"), key_of(owned));
  EXPECT_EQ(ObjectKey::parse("cluster-scoped").ns, "");
  EXPECT_EQ(resource_version_of(owned), "42");
  EXPECT_EQ(generation_of(owned), 3);
  EXPECT_TRUE(has_finalizer(owned, "b"));
  EXPECT_FALSE(is_being_deleted(owned));
  auto controller = controller_of(owned);
  ASSERT_TRUE(controller);
  EXPECT_EQ(controller->uid, "u-1");
  EXPECT_TRUE(controller->block_owner_deletion);
  EXPECT_EQ(find_path(owned, "metadata.generation")->get<int>(), 3);
  EXPECT_EQ(find_path(owned, "metadata.nope"), nullptr);
}

TEST(ResourceTest, BuildsApiPaths) {
  EXPECT_EQ(object_path(resources::config_maps(), "ns", "a b"),
            "/api/v1/namespaces/ns/configmaps/a%20b");
  EXPECT_EQ(object_path(resources::deployments(), "ns", "d", "scale"),
            "/apis/apps/v1/namespaces/ns/deployments/d/scale");
  EXPECT_EQ(collection_path(resources::deployments(), ""), "/apis/apps/v1/deployments");
  EXPECT_EQ(object_path(resources::custom_resource_definitions(), "ignored", "x.y"),
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.y");
  EXPECT_EQ(resources::deployments().group_resource(), "deployments.apps");
}

}  // namespace
}  // namespace kc::kube
