#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ReplaceFieldTest, ExcludeAndRenamesBothUseTheOriginalNames) {
  // Kafka filters on the original name, then renames: "a" becomes "b" although "b" is excluded.
  auto t = make("ReplaceField$Value", {{"exclude", "b"}, {"renames", "a:b,c:see"}});
  std::string bytes = R"({"a":1,"b":2,"c":3,"d":4})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"b":1,"see":3,"d":4})");
}

TEST(ReplaceFieldTest, ExcludeTakesPrecedenceOverInclude) {
  auto t = make("ReplaceField$Value", {{"include", "a,b"}, {"exclude", "b"}});
  std::string bytes = R"({"a":1,"b":2,"c":3})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"a":1})");
}

TEST(ReplaceFieldTest, TextAndParsedPathsGiveTheSameResult) {
  auto t = make("ReplaceField$Value", {{"exclude", "drop"}, {"renames", "a:b,c:d,e:d"}});
  for (std::string bytes :
       {R"({"a":1,"drop":2,"c":"x","k":true})", R"({ "a" : 1 , "drop" : [ 2 ] , "k" : null })",
        R"({"b":0,"a":1})",                     // rename onto an existing name: later value wins
        R"({"c":1,"e":2})",                     // two renames onto one name
        R"({"a":1,"x":"a\"b","dr\u006fp":3})",  // escapes
        R"({"drop":1})", R"({})"}) {
    auto text = json_record(bytes);
    ASSERT_TRUE(t->apply(text)) << bytes;
    auto parsed = json_record(bytes);
    parsed.value = *api::json::parse(bytes);
    ASSERT_TRUE(t->apply(parsed));
    EXPECT_EQ(json(*api::json::parse(json(text.value))), json(parsed.value)) << bytes;
  }
  std::string bytes = R"({"b":0,"a":1})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"b":1})");
}

TEST(ReplaceFieldTest, NestedObjectsAreKeptAsTheyAre) {
  auto t = make("ReplaceField$Value", {{"renames", "o:obj"}});
  std::string bytes = R"({"o":{"x":[1,{"y":2}]},"s":"t"})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"obj":{"x":[1,{"y":2}]},"s":"t"})");
}

TEST(ReplaceFieldTest, WithSchemaDerivesTheSchemaAndAppliesDefaults) {
  auto t = make("ReplaceField$Value", {{"exclude", "secret"}, {"renames", "id:order_id"}});
  auto schema = struct_of({{"id", prim(Type::kInt64)},
                           {"secret", prim(Type::kString)},
                           {"note", with_default(Type::kString, Value::string("n/a"))}});
  auto r = value_record(
      schema, Value::structure(
                  {{"id", Value::int64(1)}, {"secret", Value::string("x")}, {"note", Value()}}));
  ASSERT_TRUE(t->apply(r));
  EXPECT_THAT(field_names(r.value_schema), ElementsAre("order_id", "note"));
  EXPECT_EQ(r.value_schema->name, "com.example.Order");
  EXPECT_EQ(json(r.value), R"({"order_id":1,"note":"n/a"})");

  auto keep_nulls = make("ReplaceField$Value", {{"replace.null.with.default", "false"}});
  auto r2 = value_record(
      schema, Value::structure(
                  {{"id", Value::int64(1)}, {"secret", Value::string("x")}, {"note", Value()}}));
  ASSERT_TRUE(keep_nulls->apply(r2));
  EXPECT_EQ(json(r2.value), R"({"id":1,"secret":"x","note":null})");
}

TEST(ReplaceFieldTest, RenameOntoAnExistingSchemaFieldIsADataError) {
  auto t = make("ReplaceField$Value", {{"renames", "a:b"}});
  auto schema = struct_of({{"a", prim(Type::kInt32)}, {"b", prim(Type::kInt32)}});
  auto r = value_record(schema, Value::structure({{"a", Value::int32(1)}, {"b", Value::int32(2)}}));
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message(), HasSubstr("field name duplication b"));
}

TEST(ReplaceFieldTest, DeprecatedBlacklistWorksWithAWarning) {
  auto issues = issues_for("ReplaceField$Value", {{"blacklist", "b"}});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, api::ConfigIssue::Severity::kWarning);
  EXPECT_EQ(issues[0].to_string(),
            "transforms.t.blacklist = \"b\": Deprecated. Use exclude instead.");
  auto t = make("ReplaceField$Value", {{"blacklist", "b"}, {"whitelist", "a,b"}});
  std::string bytes = R"({"a":1,"b":2,"c":3})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"a":1})");
}

TEST(ReplaceFieldTest, BadRenameMappingsAreRefused) {
  EXPECT_THAT(errors_for("ReplaceField$Value", {{"renames", "a:b,c"}}),
              HasSubstr("transforms.t.renames = \"a:b,c\": Invalid rename mapping: c (allowed: "
                        "list of colon-delimited pairs, e.g. foo:bar,abc:xyz)"));
  EXPECT_THAT(errors_for("ReplaceField$Value", {{"renames", "a:b:c"}}),
              HasSubstr("Invalid rename mapping: a:b:c"));
  EXPECT_THAT(errors_for("ReplaceField$Value", {{"renames", "a:"}}),
              HasSubstr("Invalid rename mapping: a:"));
}

TEST(ReplaceFieldTest, TombstonePassesThrough) {
  auto t = make("ReplaceField$Value", {{"exclude", "a"}});
  SinkRecord r;
  ASSERT_TRUE(t->apply(r));
  EXPECT_TRUE(r.value.is_null());
}

}  // namespace
}  // namespace kc::transforms::testing
