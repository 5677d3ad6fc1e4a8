#include "tests/fakes/kube_apiserver/managed_fields.h"

#include <gtest/gtest.h>

namespace kc::fakes::kube {
namespace {

ManagedEntry writer(std::string manager, std::string operation) {
  return {std::move(manager), std::move(operation), "v1", "t", "", {}};
}

TEST(ManagedFieldsTest, EncodesAndDecodesFieldsV1) {
  std::vector<ManagedEntry> entries = {writer("m", "Apply")};
  entries[0].fields = {{"spec", "replicas"}, {"metadata", "labels", "app"}};
  Object encoded = encode_managed_fields(entries);
  EXPECT_EQ(
      encoded[0]["fieldsV1"],
      Object::parse(R"({"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}})"));
  auto decoded = decode_managed_fields(Object{{"metadata", {{"managedFields", encoded}}}});
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].fields, entries[0].fields);
}

TEST(ManagedFieldsTest, UpdatesTakeChangedFieldsWithoutConflict) {
  std::vector<ManagedEntry> entries;
  Object v1 = {{"spec", {{"a", 1}, {"b", 2}}}};
  record_update(entries, Object(), v1, writer("creator", "Update"), FieldScope::kMain);
  Object v2 = {{"spec", {{"a", 5}, {"b", 2}}}};
  record_update(entries, v1, v2, writer("editor", "Update"), FieldScope::kMain);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].fields, (FieldSet{{"spec", "b"}}));
  EXPECT_EQ(entries[1].fields, (FieldSet{{"spec", "a"}}));
}

TEST(ManagedFieldsTest, ApplyConflictsOnFieldsOthersOwnWithADifferentValueUnlessForced) {
  std::vector<ManagedEntry> entries;
  Object live = {{"spec", {{"a", 1}, {"b", 2}}}};
  record_update(entries, Object(), live, writer("kubectl-edit", "Update"), FieldScope::kMain);

  // Same value: shared ownership, no conflict.
  auto same = apply_configuration(entries, live, {{"spec", {{"a", 1}}}}, writer("gitops", "Apply"),
                                  false, FieldScope::kMain);
  EXPECT_TRUE(same.conflicts.empty());

  auto refused = apply_configuration(entries, live, {{"spec", {{"b", 3}}}},
                                     writer("gitops", "Apply"), false, FieldScope::kMain);
  ASSERT_EQ(refused.conflicts.size(), 1u);
  EXPECT_EQ(refused.conflicts[0].manager, "kubectl-edit");
  EXPECT_EQ(refused.conflicts[0].path, ".spec.b");

  auto forced = apply_configuration(entries, live, {{"spec", {{"b", 3}}}},
                                    writer("gitops", "Apply"), true, FieldScope::kMain);
  EXPECT_TRUE(forced.conflicts.empty());
  EXPECT_EQ(forced.object["spec"]["b"], 3);
  for (const auto& e : entries) {
    if (e.manager == "kubectl-edit") {
      EXPECT_EQ(e.fields.count({"spec", "b"}), 0u);
    }
    if (e.manager == "gitops") {
      EXPECT_EQ(e.fields, (FieldSet{{"spec", "b"}}));
    }
  }
}

TEST(ManagedFieldsTest, ApplyRemovesFieldsTheManagerNoLongerApplies) {
  std::vector<ManagedEntry> entries;
  auto first = apply_configuration(entries, Object(), {{"spec", {{"a", 1}, {"b", 2}}}},
                                   writer("op", "Apply"), false, FieldScope::kMain);
  auto second = apply_configuration(entries, first.object, {{"spec", {{"a", 1}}}},
                                    writer("op", "Apply"), false, FieldScope::kMain);
  EXPECT_FALSE(second.object["spec"].contains("b"));
  EXPECT_EQ(second.object["spec"]["a"], 1);
}

}  // namespace
}  // namespace kc::fakes::kube
