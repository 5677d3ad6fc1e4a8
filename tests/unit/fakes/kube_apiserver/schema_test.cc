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

// One violation of each kind the CRDs' schemas can express, each with kube-apiserver's cause
// (reason, field path, message) for it.
TEST(SchemaTest, RefusesEachKindOfViolationAsKubeApiserverDoes) {
  struct Case {
    const char* schema;
    const char* value;
    const char* reason;
    const char* line;
  };
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  const Case cases[] = {
      {R"({"type": "string"})", "3", "FieldValueInvalid",
       "v: Invalid value: 3: v in body must be of type string: \"integer\""},
      {R"({"type": "integer"})", "1.5", "FieldValueInvalid",
       "v: Invalid value: 1.5: v in body must be of type integer: \"number\""},
      {R"({"type": "string"})", "null", "FieldValueInvalid",
       "v: Invalid value: \"null\": v in body must be of type string: \"null\""},
      {R"({"type": "object", "required": ["a"]})", "{}", "FieldValueRequired",
       "v.a: Required value"},
      {R"({"type": "string", "enum": ["x", "y"]})", R"("z")", "FieldValueNotSupported",
       "v: Unsupported value: \"z\": supported values: \"x\", \"y\""},
      {R"({"type": "string", "format": "date-time"})", R"("yesterday")", "FieldValueInvalid",
       "v: Invalid value: \"yesterday\": v in body must be of type date-time: \"yesterday\""},
      {R"({"type": "string", "format": "date-time"})", R"("")", "FieldValueInvalid",
       "v: Invalid value: \"\": v in body must be of type date-time: \"\""},
      {R"({"type": "string", "format": "byte"})", R"("!!")", "FieldValueInvalid",
       "v: Invalid value: \"!!\": v in body must be of type byte: \"!!\""},
      {R"({"type": "integer", "minimum": 0})", "-1", "FieldValueInvalid",
       "v: Invalid value: -1: v in body should be greater than or equal to 0"},
      {R"({"type": "integer", "maximum": 9})", "10", "FieldValueInvalid",
       "v: Invalid value: 10: v in body should be less than or equal to 9"},
      {R"({"type": "string", "pattern": "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"})", R"("")",
       "FieldValueInvalid",
       "v: Invalid value: \"\": v in body should match "
       "'^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'"},
      {R"({"type": "object", "additionalProperties": {"type": "string"}})", R"({"k": true})",
       "FieldValueInvalid",
       "v.k: Invalid value: true: v.k in body must be of type string: \"boolean\""},
      {R"({"type": "object", "x-kubernetes-preserve-unknown-fields": true,
           "properties": {"n": {"type": "integer"}}})",
       R"({"anything": {"goes": 1}, "n": "x"})", "FieldValueInvalid",
       "v.n: Invalid value: \"x\": v.n in body must be of type integer: \"string\""},
  };
  // NOLINTEND(bugprone-suspicious-missing-comma)
  for (const auto& c : cases) {
    SCOPED_TRACE(c.schema);
    Object schema = {{"type", "object"}, {"properties", {{"v", Object::parse(c.schema)}}}};
    Object value = {{"v", Object::parse(c.value)}};
    auto causes = validate_against_schema(value, schema);
    ASSERT_EQ(causes.size(), 1u) << join_causes(causes);
    EXPECT_EQ(causes[0].reason, c.reason);
    EXPECT_EQ(join_causes(causes), c.line);
  }
  // What each of those schemas accepts.
  Object ok_schema = Object::parse(R"({"type": "object", "properties": {
    "t": {"type": "string", "format": "date-time"},
    "n": {"type": "string", "nullable": true},
    "d": {"type": "string", "default": "x"},
    "b": {"type": "string", "format": "byte"},
    "g": {"type": "integer", "format": "int64", "minimum": 0},
    "m": {"type": "string", "maxLength": 32768}}})");
  Object ok = Object::parse(R"({"t": "2026-01-01T00:00:00Z", "n": null, "d": null,
                                 "b": "aGk=", "g": 0, "m": ""})");
  apply_defaults(ok, ok_schema);
  EXPECT_EQ(ok["d"], "x");  // a null with a default is defaulted (1.20+), not refused
  EXPECT_TRUE(ok["n"].is_null());
  EXPECT_TRUE(validate_against_schema(ok, ok_schema).empty());
}

}  // namespace
}  // namespace kc::fakes::kube
