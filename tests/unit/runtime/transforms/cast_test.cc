#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;

TEST(CastTest, SchemalessStringsToNumbersAndBack) {
  auto t =
      make("org.apache.kafka.connect.transforms.Cast$Value",
           {{"spec", "a:int32,b:float64,c:string,d:boolean,e:int8,f:string,g:float32,h:int64"}});
  std::string bytes =
      R"({"a":"42","b":"3.5","c":7,"d":"TRUE","e":1.9,"f":1e10,"g":"0.5","h":"-9223372036854775808"})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(
      json(r.value),
      R"({"a":42,"b":3.5,"c":"7","d":true,"e":1,"f":"1.0E10","g":0.5,"h":-9223372036854775808})");
  const auto& m = r.value.as_map();
  EXPECT_EQ(m[0].second.type(), Type::kInt32);
  EXPECT_EQ(m[4].second.type(), Type::kInt8);
  EXPECT_EQ(m[6].second.type(), Type::kFloat32);
}

TEST(CastTest, NumbersToStringsUseJavasFormatting) {
  auto t = make("Cast$Value", {{"spec", "a:string,b:string,c:string,d:string,e:string"}});
  std::string bytes = R"({"a":1.0,"b":0.001,"c":0.0001,"d":1234567.5,"e":12345678.0})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value),
            R"({"a":"1.0","b":"0.001","c":"1.0E-4","d":"1234567.5","e":"1.2345678E7"})");
}

TEST(CastTest, JavaNarrowingWrapsAndFloatsSaturate) {
  auto t = make("Cast$Value", {{"spec", "a:int8,b:int32,c:boolean,d:boolean"}});
  std::string bytes = R"({"a":300,"b":1e20,"c":0.5,"d":2})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  // (byte) 300 == 44; (int) 1e20 == Integer.MAX_VALUE; (long) 0.5 == 0 -> false.
  EXPECT_EQ(json(r.value), R"({"a":44,"b":2147483647,"c":false,"d":true})");
}

TEST(CastTest, UnparsableOrOutOfRangeStringsAreDataErrorsWithoutTheValue) {
  auto t = make("Cast$Value", {{"spec", "a:int8"}});
  std::string bytes = R"({"a":"300"})";
  auto r = json_record(bytes);
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), Errc::kData);
  EXPECT_THAT(out.error().message(), HasSubstr("could not read a string as int8"));
  EXPECT_THAT(out.error().message(), ::testing::Not(HasSubstr("300")));
}

TEST(CastTest, MapsCannotBeCast) {
  auto t = make("Cast$Value", {{"spec", "o:string"}});
  std::string bytes = R"({"o":{"x":1}})";
  auto r = json_record(bytes);
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message(),
              HasSubstr("Cast transformation does not support casting from MAP"));
}

TEST(CastTest, WholeValueWithSchema) {
  auto t = make("Cast$Key", {{"spec", "int32"}});
  SinkRecord r;
  r.key_schema = prim(Type::kInt64, true);
  r.key = Value::int64(12);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.key_schema->type, Type::kInt32);
  EXPECT_TRUE(r.key_schema->optional);
  EXPECT_EQ(r.key.type(), Type::kInt32);
  EXPECT_EQ(r.key.as_int(), 12);
}

TEST(CastTest, StructFieldsWithSchemaKeepOptionalityAndCastDefaults) {
  auto t = make("Cast$Value", {{"spec", "n:string,b:string,ts:string"}});
  auto schema = struct_of({{"n", with_default(Type::kInt32, Value::int32(5))},
                           {"b", prim(Type::kBytes)},
                           {"ts", logical(Type::kInt64, "org.apache.kafka.connect.data.Timestamp")},
                           {"x", prim(Type::kBoolean)}});
  auto r = value_record(schema, Value::structure({{"n", Value::int32(1)},
                                                  {"b", Value::bytes("hi")},
                                                  {"ts", Value::int64(1700000000123)},
                                                  {"x", Value::boolean(true)}}));
  ASSERT_TRUE(t->apply(r));
  const auto& s = *r.value_schema;
  EXPECT_EQ(s.field("n")->schema->type, Type::kString);
  EXPECT_TRUE(s.field("n")->schema->optional);
  ASSERT_NE(s.field("n")->schema->default_value, nullptr);
  EXPECT_EQ(s.field("n")->schema->default_value->as_text(), "5");
  EXPECT_EQ(s.field("ts")->schema->type, Type::kString);
  EXPECT_FALSE(s.field("ts")->schema->name);  // not a Timestamp any more
  EXPECT_EQ(s.field("x")->schema, schema->fields[3].schema);
  EXPECT_EQ(json(r.value), R"({"n":"1","b":"aGk=","ts":"2023-11-14T22:13:20.123Z","x":true})");
}

TEST(CastTest, SpecErrors) {
  EXPECT_THAT(errors_for("Cast$Value", {{"spec", "a:foo"}}),
              HasSubstr("Invalid type found in casting spec: foo"));
  EXPECT_THAT(errors_for("Cast$Value", {{"spec", "a:bytes"}}),
              HasSubstr("Cast transformation does not support casting to BYTES; supported types "
                        "are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"));
  EXPECT_THAT(errors_for("Cast$Value", {{"spec", "int8,a:int16"}}),
              HasSubstr("may only specify a single cast"));
  EXPECT_THAT(errors_for("Cast$Value", {{"spec", ""}}),
              HasSubstr("Must specify at least one field to cast."));
  EXPECT_THAT(errors_for("Cast$Value", {{"spec", "a:b:int8"}}), HasSubstr("Invalid cast mapping"));
  EXPECT_THAT(errors_for("Cast$Value", {}),
              HasSubstr("Missing required configuration \"transforms.t.spec\""));
  EXPECT_EQ(errors_for("Cast$Value", {{"spec", "a:INT8, b : Float64"}}), "");
}

}  // namespace
}  // namespace kc::transforms::testing
