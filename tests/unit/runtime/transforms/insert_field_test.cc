#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(InsertFieldTest, SchemalessInsertsMetadataAndStaticFieldsAfterExistingOnes) {
  auto t =
      make("org.apache.kafka.connect.transforms.InsertField$Value", {{"topic.field", "topic"},
                                                                     {"partition.field", "part!"},
                                                                     {"offset.field", "off?"},
                                                                     {"timestamp.field", "ts"},
                                                                     {"static.field", "src"},
                                                                     {"static.value", "kc"}});
  std::string bytes = R"({"id":1,"name":"a"})";
  auto r = json_record(bytes);
  ASSERT_EQ(*t->apply(r), Outcome::kKeep);
  EXPECT_EQ(
      json(r.value),
      R"({"id":1,"name":"a","topic":"orders","part":3,"off":42,"ts":1700000000123,"src":"kc"})");
  EXPECT_EQ(r.value_schema, nullptr);
}

TEST(InsertFieldTest, SchemalessReplacesAnExistingFieldInPlace) {
  auto t = make("InsertField$Value", {{"topic.field", "name"}});
  std::string bytes = R"({"id":1,"name":"a","x":true})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"id":1,"name":"orders","x":true})");
}

TEST(InsertFieldTest, TextAndParsedPathsGiveTheSameResult) {
  // kRawJson objects are edited as text; parsed maps (after another transform) go through put().
  auto t = make("InsertField$Value", {{"topic.field", "name"},
                                      {"offset.field", "off"},
                                      {"static.field", "s"},
                                      {"static.value", "q\"uote"}});
  for (std::string bytes :
       {R"({"id":1,"name":"a","nested":{"name":[1,2]}})",
        R"( { "id" : 1 , "name" : "a" , "nested" : { "name" : [ 1 , 2 ] } } )",
        R"({"id":1,"na\u006de":"escaped key","x":"a\"b"})", R"({})", R"({ })"}) {
    auto text = json_record(bytes);
    ASSERT_TRUE(t->apply(text)) << bytes;
    if (bytes.find('\\') == std::string::npos) {
      EXPECT_EQ(text.value.type(), Type::kRawJson) << bytes;
    }
    auto parsed = json_record(bytes);
    parsed.value = *api::json::parse(bytes);
    ASSERT_TRUE(t->apply(parsed));
    EXPECT_EQ(json(*api::json::parse(json(text.value))), json(parsed.value)) << bytes;
  }
}

TEST(InsertFieldTest, TombstonePassesThroughUnchanged) {
  auto t = make("InsertField$Value", {{"topic.field", "topic"}});
  SinkRecord r;
  r.topic = "orders";
  ASSERT_EQ(*t->apply(r), Outcome::kKeep);
  EXPECT_TRUE(r.value.is_null());
  EXPECT_EQ(r.value_schema, nullptr);
}

TEST(InsertFieldTest, RecordWithoutTimestampGetsNoTimestampField) {
  auto t = make("InsertField$Value", {{"timestamp.field", "ts"}});
  std::string bytes = R"({"id":1})";
  auto r = json_record(bytes);
  r.timestamp = -1;
  r.timestamp_type = api::TimestampType::kNoTimestamp;
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"id":1})");
}

TEST(InsertFieldTest, WithSchemaAddsOptionalOrRequiredFieldsAndCachesTheSchema) {
  auto t = make("InsertField$Value", {{"topic.field", "topic"},
                                      {"partition.field", "part!"},
                                      {"timestamp.field", "ts"},
                                      {"static.field", "src!"},
                                      {"static.value", "kc"}});
  auto schema = struct_of(
      {{"id", prim(Type::kInt64)}, {"note", with_default(Type::kString, Value::string("n/a"))}});
  auto r = value_record(schema, Value::structure({{"id", Value::int64(7)}, {"note", Value()}}));
  ASSERT_TRUE(t->apply(r));
  ASSERT_NE(r.value_schema, schema);
  EXPECT_THAT(field_names(r.value_schema), ElementsAre("id", "note", "topic", "part", "ts", "src"));
  EXPECT_EQ(r.value_schema->name, "com.example.Order");
  EXPECT_TRUE(r.value_schema->field("topic")->schema->optional);
  EXPECT_FALSE(r.value_schema->field("part")->schema->optional);
  EXPECT_EQ(r.value_schema->field("part")->schema->type, Type::kInt32);
  EXPECT_EQ(r.value_schema->field("ts")->schema->name, "org.apache.kafka.connect.data.Timestamp");
  EXPECT_FALSE(r.value_schema->field("src")->schema->optional);
  EXPECT_EQ(json(r.value),
            R"({"id":7,"note":"n/a","topic":"orders","part":3,"ts":1700000000123,"src":"kc"})");

  auto r2 = value_record(schema, Value::structure({{"id", Value::int64(8)}, {"note", Value()}}));
  ASSERT_TRUE(t->apply(r2));
  EXPECT_EQ(r2.value_schema, r.value_schema);  // derived once per input schema
}

TEST(InsertFieldTest, ReplaceNullWithDefaultFalseKeepsNulls) {
  auto t =
      make("InsertField$Value", {{"topic.field", "topic"}, {"replace.null.with.default", "false"}});
  auto schema = struct_of({{"note", with_default(Type::kString, Value::string("n/a"))}});
  auto r = value_record(schema, Value::structure({{"note", Value()}}));
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"note":null,"topic":"orders"})");
}

TEST(InsertFieldTest, KeyVariantWorksOnTheKey) {
  auto t = make("InsertField$Key", {{"partition.field", "p"}});
  SinkRecord r;
  r.partition = 5;
  r.key = Value::map({{Value::string("k"), Value::string("v")}});
  r.value = Value::string("untouched");
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.key), R"({"k":"v","p":5})");
  EXPECT_EQ(r.value.as_text(), "untouched");
}

TEST(InsertFieldTest, NonMapSchemalessValueIsADataError) {
  auto t = make("InsertField$Value", {{"topic.field", "t"}});
  SinkRecord r;
  r.value = Value::string("plain");
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), Errc::kData);
  EXPECT_EQ(out.error().message(),
            "Only Map objects supported in absence of schema for [field insertion], found: string");
}

TEST(InsertFieldTest, ConfigErrors) {
  EXPECT_THAT(errors_for("InsertField$Value", {}), HasSubstr("No field insertion configured"));
  EXPECT_THAT(errors_for("InsertField$Value", {{"static.field", "s"}}),
              HasSubstr("transforms.t: InsertField$Value: No value specified for static field: s"));
  EXPECT_THAT(errors_for("InsertField$Value",
                         {{"topic.field", "t"}, {"replace.null.with.default", "maybe"}}),
              HasSubstr("transforms.t.replace.null.with.default = \"maybe\""));
  EXPECT_EQ(errors_for("InsertField$Value", {{"topic.field", "t"}}), "");
}

}  // namespace
}  // namespace kc::transforms::testing
