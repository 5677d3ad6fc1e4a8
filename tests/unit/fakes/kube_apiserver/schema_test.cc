#include "tests/fakes/kube_apiserver/schema.h"

#include <gtest/gtest.h>

namespace kc::fakes::kube {
namespace {

const Object kSchema = Object::parse(R"({
  "type": "object",
  "properties": {
    "spec": {
      "type": "object",
      "required": ["name"],
      "properties": {
        "name": {"type": "string", "maxLength": 5},
        "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
        "count": {"type": "integer", "minimum": 1, "default": 1},
        "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z]+$"}},
        "quantity": {"x-kubernetes-int-or-string": true,
                     "anyOf": [{"type": "integer"}, {"type": "string"}]},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        "nested": {"type": "object", "properties": {"flag": {"type": "boolean", "default": true}}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}}
      },
      "oneOf": [{"required": ["tags"]}, {"required": ["free"]}]
    }
  }
})");

TEST(SchemaTest, PrunesUnknownFieldsButKeepsPreservedOnes) {
  Object obj = Object::parse(R"({"apiVersion": "x/v1", "kind": "K", "metadata": {"name": "n"},
    "spec": {"name": "n", "bogus": 1, "free": {"anything": {"goes": true}},
             "nested": {"flag": false, "extra": 2}}, "top": 1})");
  auto removed = prune_unknown_fields(obj, kSchema);
  EXPECT_EQ(removed, (std::vector<std::string>{"spec.nested.extra", "spec.bogus", "top"}));
  EXPECT_EQ(obj["spec"]["free"]["anything"]["goes"], true);
  EXPECT_EQ(obj["metadata"]["name"], "n");
}

TEST(SchemaTest, DefaultsAbsentFieldsOfPresentObjects) {
  Object obj = Object::parse(R"({"spec": {"name": "n", "nested": {}}})");
  apply_defaults(obj, kSchema);
  EXPECT_EQ(obj["spec"]["mode"], "a");
  EXPECT_EQ(obj["spec"]["count"], 1);
  EXPECT_EQ(obj["spec"]["nested"]["flag"], true);
}

TEST(SchemaTest, ReportsEveryViolationWithItsPath) {
  Object obj = Object::parse(R"({"spec": {"name": "toolong", "mode": "c", "count": 0,
    "tags": ["ok", "NO"], "quantity": true, "labels": {"a": 1}, "free": {}}})");
  auto causes = validate_against_schema(obj, kSchema);
  std::vector<std::string> lines;
  lines.reserve(causes.size());
  for (const auto& c : causes) lines.push_back(c.field + ": " + c.message);
  // Long messages are split over adjacent literals.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "spec.count: Invalid value: 0: spec.count in body should be greater than "
                       "or equal to 1",
                       "spec.labels.a: Invalid value: 1: spec.labels.a in body must be of type "
                       "string: \"integer\"",
                       "spec.mode: Unsupported value: \"c\": supported values: \"a\", \"b\"",
                       "spec.name: Too long: may not be longer than 5",
                       "spec.quantity: Invalid value: true: spec.quantity in body must be of type "
                       "integer or string: \"boolean\"",
                       "spec.tags[1]: Invalid value: \"NO\": spec.tags[1] in body should match "
                       "'^[a-z]+$'",
                       "spec: Invalid value: \"object\": spec in body must validate one and only "
                       "one schema (oneOf)"}));
  // NOLINTEND(bugprone-suspicious-missing-comma)
  auto missing = validate_against_schema(Object::parse(R"({"spec": {"tags": ["a"]}})"), kSchema);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].field, "spec.name");
  EXPECT_EQ(missing[0].reason, "FieldValueRequired");
  EXPECT_EQ(join_causes(missing), "spec.name: Required value");
}

}  // namespace
}  // namespace kc::fakes::kube
