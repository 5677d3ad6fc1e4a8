// MaskField, ValueToKey, ExtractField, HoistField.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- MaskField ----------------------------------------------------------------------------

TEST(MaskFieldTest, SchemalessMasksWithTheTypesNullValueAndAddsAbsentFieldsAsNull) {
  auto t = make("MaskField$Value", {{"fields", "s,i,d,b,arr,obj,n,missing"}});
  std::string bytes =
      R"({"s":"secret","i":5,"d":1.5,"b":true,"arr":[1,2],"obj":{"x":1},"n":null,"keep":"me"})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(
      json(r.value),
      R"({"s":"","i":0,"d":0.0,"b":false,"arr":[],"obj":{},"n":null,"keep":"me","missing":null})");
}

TEST(MaskFieldTest, CustomReplacementForStringsAndNumbers) {
  auto t = make("MaskField$Value", {{"fields", "s,i,d"}, {"replacement", "9"}});
  std::string bytes = R"({"s":"secret","i":5,"d":1.5})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"s":"9","i":9,"d":9.0})");

  auto stars = make("MaskField$Value", {{"fields", "s,i"}, {"replacement", "***"}});
  std::string bytes2 = R"({"s":"secret","i":5})";
  auto r2 = json_record(bytes2);
  auto out = stars->apply(r2);
  ASSERT_FALSE(out);  // "***" is not a number for i
  EXPECT_THAT(out.error().message(), HasSubstr("Unable to convert *** (String) to number"));
  EXPECT_EQ(json(r2.value), R"({"s":"secret","i":5})");  // unchanged on error
}

TEST(MaskFieldTest, CustomReplacementRefusesBooleans) {
  auto t = make("MaskField$Value", {{"fields", "b"}, {"replacement", "x"}});
  std::string bytes = R"({"b":true})";
  auto r = json_record(bytes);
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "Cannot mask value of type boolean with custom replacement.");
}

TEST(MaskFieldTest, WithSchemaKeepsTypesAndSchema) {
  auto t = make("MaskField$Value", {{"fields", "i,s,ts,bytes"}});
  auto schema = struct_of({{"i", prim(Type::kInt32)},
                           {"s", prim(Type::kString)},
                           {"ts", logical(Type::kInt64, "org.apache.kafka.connect.data.Timestamp")},
                           {"other", prim(Type::kString)}});
  auto r = value_record(schema, Value::structure({{"i", Value::int32(3)},
                                                  {"s", Value::string("x")},
                                                  {"ts", Value::int64(1700000000000)},
                                                  {"other", Value::string("kept")}}));
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.value_schema, schema);
  EXPECT_EQ(r.value.as_struct()[0].second.type(), Type::kInt32);
  EXPECT_EQ(json(r.value), R"({"i":0,"s":"","ts":0,"other":"kept"})");

  auto bytes_schema = struct_of({{"b", prim(Type::kBytes)}});
  auto mask_bytes = make("MaskField$Value", {{"fields", "b"}});
  auto rb = value_record(bytes_schema, Value::structure({{"b", Value::bytes("ab")}}));
  auto out = mask_bytes->apply(rb);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "Cannot mask value of type: bytes");
}

TEST(MaskFieldTest, ConfigErrors) {
  EXPECT_THAT(errors_for("MaskField$Value", {}),
              HasSubstr("Missing required configuration \"transforms.t.fields\""));
  EXPECT_THAT(errors_for("MaskField$Value", {{"fields", " , "}}), HasSubstr("Empty list"));
  EXPECT_THAT(errors_for("MaskField$Value", {{"fields", "a"}, {"replacement", ""}}),
              HasSubstr("transforms.t.replacement: String must be non-empty"));
}

// ---- ValueToKey ---------------------------------------------------------------------------

TEST(ValueToKeyTest, SchemalessBuildsAMapKey) {
  auto t = make("org.apache.kafka.connect.transforms.ValueToKey", {{"fields", "id,missing"}});
  std::string bytes = R"({"id":7,"name":"x"})";
  auto r = json_record(bytes);
  r.key = Value::string("old");
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.key), R"({"id":7,"missing":null})");
  EXPECT_EQ(r.key_schema, nullptr);
  EXPECT_EQ(json(r.value), R"({"id":7,"name":"x"})");
}

TEST(ValueToKeyTest, WithSchemaBuildsAStructKey) {
  auto t = make("ValueToKey", {{"fields", "id,region"}});
  auto schema = struct_of({{"id", prim(Type::kInt64)},
                           {"name", prim(Type::kString)},
                           {"region", prim(Type::kString, true)}});
  auto r = value_record(schema, Value::structure({{"id", Value::int64(7)},
                                                  {"name", Value::string("n")},
                                                  {"region", Value::string("eu")}}));
  ASSERT_TRUE(t->apply(r));
  ASSERT_NE(r.key_schema, nullptr);
  EXPECT_THAT(field_names(r.key_schema), ElementsAre("id", "region"));
  EXPECT_TRUE(r.key_schema->field("region")->schema->optional);
  EXPECT_EQ(json(r.key), R"({"id":7,"region":"eu"})");
}

TEST(ValueToKeyTest, MissingFieldAndTombstoneAreDataErrors) {
  auto t = make("ValueToKey", {{"fields", "nope"}});
  auto schema = struct_of({{"id", prim(Type::kInt64)}});
  auto r = value_record(schema, Value::structure({{"id", Value::int64(7)}}));
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "Field does not exist: nope");

  SinkRecord tombstone;
  auto out2 = t->apply(tombstone);
  ASSERT_FALSE(out2);
  EXPECT_THAT(out2.error().message(), HasSubstr("found: null"));
}

// ---- ExtractField -------------------------------------------------------------------------

TEST(ExtractFieldTest, SchemalessTopLevelField) {
  auto t = make("ExtractField$Value", {{"field", "user"}});
  std::string bytes = R"({"user":{"id":1,"name":"a"},"x":2})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"id":1,"name":"a"})");
  std::string missing = R"({"x":2})";
  auto r2 = json_record(missing);
  ASSERT_TRUE(t->apply(r2));
  EXPECT_TRUE(r2.value.is_null());
}

TEST(ExtractFieldTest, V2PathsReachIntoNestedMapsWithBackticks) {
  auto t = make("ExtractField$Value", {{"field", "user.`a.b`.id"}, {"field.syntax.version", "v2"}});
  std::string bytes = R"({"user":{"a.b":{"id":5}}})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), "5");

  // V1 takes the dotted name literally.
  auto v1 = make("ExtractField$Value", {{"field", "user.name"}});
  std::string flat = R"({"user.name":"dotted","user":{"name":"nested"}})";
  auto r1 = json_record(flat);
  ASSERT_TRUE(v1->apply(r1));
  EXPECT_EQ(json(r1.value), R"("dotted")");
}

TEST(ExtractFieldTest, WithSchemaNestedFieldAndUnknownField) {
  auto inner = struct_of({{"id", prim(Type::kInt32)}});
  auto schema = struct_of({{"user", inner}, {"x", prim(Type::kString)}});
  auto value = Value::structure(
      {{"user", Value::structure({{"id", Value::int32(9)}})}, {"x", Value::string("s")}});
  auto t = make("ExtractField$Value", {{"field", "user.id"}, {"field.syntax.version", "V2"}});
  auto r = value_record(schema, value);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.value_schema->type, Type::kInt32);
  EXPECT_EQ(r.value.as_int(), 9);

  auto unknown = make("ExtractField$Value", {{"field", "nope"}});
  auto r2 = value_record(schema, value);
  auto out = unknown->apply(r2);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "Unknown field: nope");
}

TEST(ExtractFieldTest, ConfigErrors) {
  EXPECT_THAT(
      errors_for("ExtractField$Key", {{"field", "a"}, {"field.syntax.version", "V3"}}),
      HasSubstr("transforms.t.field.syntax.version = \"V3\": String must be one of: V1, V2"));
  EXPECT_THAT(errors_for("ExtractField$Key", {{"field", "`a.b"}, {"field.syntax.version", "V2"}}),
              HasSubstr("Incomplete backtick pair in path: [`a.b]"));
  EXPECT_THAT(errors_for("ExtractField$Key", {}), HasSubstr("transforms.t.field"));
}

// ---- HoistField ---------------------------------------------------------------------------

TEST(HoistFieldTest, SchemalessWrapsTheValueAndTombstonesBecomeNullFields) {
  auto t = make("HoistField$Value", {{"field", "payload"}});
  std::string bytes = R"({"a":1})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"payload":{"a":1}})");
  SinkRecord tombstone;
  ASSERT_TRUE(t->apply(tombstone));
  EXPECT_EQ(json(tombstone.value), R"({"payload":null})");
}

TEST(HoistFieldTest, WithSchemaWrapsInAStruct) {
  auto t = make("HoistField$Key", {{"field", "id"}});
  SinkRecord r;
  r.key_schema = prim(Type::kInt64);
  r.key = Value::int64(5);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.key_schema->type, Type::kStruct);
  EXPECT_THAT(field_names(r.key_schema), ElementsAre("id"));
  EXPECT_EQ(json(r.key), R"({"id":5})");
}

}  // namespace
}  // namespace kc::transforms::testing
