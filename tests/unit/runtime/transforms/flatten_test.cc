#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::ElementsAre;

TEST(FlattenTest, SchemalessNestedMapsWithTheDelimiterArraysKept) {
  auto t = make("Flatten$Value", {{"delimiter", "_"}});
  std::string bytes = R"({"a":{"b":{"c":1},"d":[1,{"x":2}]},"e":null,"f":"x","g":{}})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"a_b_c":1,"a_d":[1,{"x":2}],"e":null,"f":"x"})");
}

TEST(FlattenTest, DefaultDelimiterIsADot) {
  auto t = make("Flatten$Value");
  std::string bytes = R"({"a":{"b":1}})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"a.b":1})");
}

TEST(FlattenTest, WithSchemaNestedStructsInheritOptionalityAndDefaults) {
  auto address = struct_of(
      {{"city", prim(Type::kString)}, {"zip", with_default(Type::kString, Value::string("00000"))}},
      /*optional=*/true);
  auto schema = struct_of(
      {{"id", prim(Type::kInt64)}, {"address", address}, {"tags", [] {
                                                            auto s = prim(Type::kArray);
                                                            auto a = std::make_shared<Schema>(*s);
                                                            a->value_schema = prim(Type::kString);
                                                            return SchemaPtr(a);
                                                          }()}});
  auto t = make("Flatten$Value");
  auto r = value_record(
      schema,
      Value::structure(
          {{"id", Value::int64(1)},
           {"address", Value::structure({{"city", Value::string("Oslo")}, {"zip", Value()}})},
           {"tags", Value::array({Value::string("a")})}}));
  ASSERT_TRUE(t->apply(r));
  EXPECT_THAT(field_names(r.value_schema),
              ElementsAre("id", "address.city", "address.zip", "tags"));
  EXPECT_TRUE(r.value_schema->field("address.city")->schema->optional);  // parent is optional
  EXPECT_FALSE(r.value_schema->field("id")->schema->optional);
  EXPECT_EQ(r.value_schema->field("tags")->schema->value_schema->type, Type::kString);
  EXPECT_EQ(json(r.value), R"({"id":1,"address.city":"Oslo","address.zip":"00000","tags":["a"]})");

  auto r2 = value_record(
      schema, Value::structure(
                  {{"id", Value::int64(2)}, {"address", Value()}, {"tags", Value::array({})}}));
  ASSERT_TRUE(t->apply(r2));
  EXPECT_EQ(json(r2.value), R"({"id":2,"address.city":null,"address.zip":null,"tags":[]})");
  EXPECT_EQ(r2.value_schema, r.value_schema);
}

TEST(FlattenTest, MapsWithSchemaAreRefused) {
  auto map_schema = std::make_shared<Schema>();
  map_schema->type = Type::kMap;
  map_schema->key_schema = prim(Type::kString);
  map_schema->value_schema = prim(Type::kString);
  auto t = make("Flatten$Value");
  auto r = value_record(struct_of({{"m", map_schema}}), Value::structure({{"m", Value::map({})}}));
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(),
            "Flatten transformation does not support MAP for record with schemas (for field m).");
}

TEST(FlattenTest, TombstonePassesThrough) {
  auto t = make("Flatten$Key");
  SinkRecord r;
  ASSERT_TRUE(t->apply(r));
  EXPECT_TRUE(r.key.is_null());
}

}  // namespace
}  // namespace kc::transforms::testing
