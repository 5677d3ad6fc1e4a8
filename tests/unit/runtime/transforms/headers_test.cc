// InsertHeader, DropHeaders, HeaderFrom.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> header_keys(const SinkRecord& r) {
  std::vector<std::string> out;
  for (const auto& h : r.headers) out.push_back(h.key);
  return out;
}

TEST(InsertHeaderTest, LiteralsAreTypedLikeConnectValues) {
  auto num = make("org.apache.kafka.connect.transforms.InsertHeader",
                  {{"header", "n"}, {"value.literal", "42"}});
  auto flag = make("InsertHeader", {{"header", "f"}, {"value.literal", "true"}});
  auto text = make("InsertHeader", {{"header", "s"}, {"value.literal", "hello world"}});
  SinkRecord r;
  ASSERT_TRUE(num->apply(r));
  ASSERT_TRUE(flag->apply(r));
  ASSERT_TRUE(text->apply(r));
  ASSERT_THAT(header_keys(r), ElementsAre("n", "f", "s"));
  EXPECT_EQ(r.headers[0].value.type(), Type::kInt8);
  EXPECT_EQ(r.headers[0].schema->type, Type::kInt8);
  EXPECT_EQ(r.headers[0].value.as_int(), 42);
  EXPECT_TRUE(r.headers[1].value.as_bool());
  EXPECT_EQ(r.headers[2].value.as_text(), "hello world");
  EXPECT_THAT(errors_for("InsertHeader", {{"header", "h"}}),
              HasSubstr("transforms.t.value.literal"));
}

TEST(DropHeadersTest, RemovesEveryHeaderWithTheNames) {
  auto t = make("DropHeaders", {{"headers", "a,c"}});
  SinkRecord r;
  for (std::string k : {"a", "b", "a", "c"}) r.headers.push_back({k, nullptr, Value::string("v")});
  ASSERT_TRUE(t->apply(r));
  EXPECT_THAT(header_keys(r), ElementsAre("b"));
  EXPECT_THAT(errors_for("DropHeaders", {{"headers", ""}}), HasSubstr("Empty list"));
}

TEST(HeaderFromTest, MoveRemovesTheFieldsCopyKeepsThem) {
  std::string bytes = R"({"id":1,"trace":"abc","x":true})";
  auto move =
      make("HeaderFrom$Value",
           {{"fields", "trace,absent"}, {"headers", "trace-id,none"}, {"operation", "move"}});
  auto r = json_record(bytes);
  ASSERT_TRUE(move->apply(r));
  EXPECT_EQ(json(r.value), R"({"id":1,"x":true})");
  ASSERT_THAT(header_keys(r), ElementsAre("trace-id", "none"));
  EXPECT_EQ(r.headers[0].value.as_text(), "abc");
  EXPECT_TRUE(r.headers[1].value.is_null());

  auto copy = make("HeaderFrom$Value",
                   {{"fields", "trace"}, {"headers", "trace-id"}, {"operation", "copy"}});
  auto r2 = json_record(bytes);
  ASSERT_TRUE(copy->apply(r2));
  EXPECT_EQ(json(r2.value), R"({"id":1,"trace":"abc","x":true})");
  EXPECT_THAT(header_keys(r2), ElementsAre("trace-id"));
}

TEST(HeaderFromTest, WithSchemaMoveDerivesTheSchemaAndHeadersCarryFieldSchemas) {
  auto schema = struct_of({{"id", prim(Type::kInt64)}, {"trace", prim(Type::kString, true)}});
  auto value = Value::structure({{"id", Value::int64(1)}, {"trace", Value::string("abc")}});
  auto move =
      make("HeaderFrom$Value", {{"fields", "trace"}, {"headers", "t"}, {"operation", "move"}});
  auto r = value_record(schema, value);
  ASSERT_TRUE(move->apply(r));
  EXPECT_THAT(field_names(r.value_schema), ElementsAre("id"));
  EXPECT_EQ(json(r.value), R"({"id":1})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].schema, schema->fields[1].schema);

  auto copy =
      make("HeaderFrom$Value", {{"fields", "trace"}, {"headers", "t"}, {"operation", "copy"}});
  auto r2 = value_record(schema, value);
  ASSERT_TRUE(copy->apply(r2));
  EXPECT_EQ(r2.value_schema, schema);
  EXPECT_EQ(json(r2.value), R"({"id":1,"trace":"abc"})");

  auto missing =
      make("HeaderFrom$Value", {{"fields", "nope"}, {"headers", "t"}, {"operation", "copy"}});
  auto r3 = value_record(schema, value);
  EXPECT_FALSE(missing->apply(r3));
}

TEST(HeaderFromTest, ConfigErrors) {
  EXPECT_THAT(
      errors_for("HeaderFrom$Key", {{"fields", "a,b"}, {"headers", "x"}, {"operation", "copy"}}),
      HasSubstr("'fields' config must have the same number of elements as 'headers' config."));
  EXPECT_THAT(
      errors_for("HeaderFrom$Key", {{"fields", "a"}, {"headers", "x"}, {"operation", "Move"}}),
      HasSubstr("transforms.t.operation = \"Move\": String must be one of: move, copy"));
}

}  // namespace
}  // namespace kc::transforms::testing
