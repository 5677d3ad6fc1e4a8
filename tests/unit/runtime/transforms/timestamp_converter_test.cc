#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;
constexpr std::string_view kTimestamp = "org.apache.kafka.connect.data.Timestamp";

TEST(TimestampConverterTest, SchemalessStringFieldToUnix) {
  auto t = make("TimestampConverter$Value",
                {{"field", "ts"}, {"target.type", "unix"}, {"format", "yyyy-MM-dd HH:mm:ss"}});
  std::string bytes = R"({"ts":"2023-11-14 22:13:20","x":1})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"ts":1700000000000,"x":1})");
}

TEST(TimestampConverterTest, SchemalessUnixToStringWithIsoZone) {
  auto t = make(
      "TimestampConverter$Value",
      {{"field", "ts"}, {"target.type", "string"}, {"format", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"}});
  std::string bytes = R"({"ts":1700000000123})";
  auto r = json_record(bytes);
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(json(r.value), R"({"ts":"2023-11-14T22:13:20.123Z"})");
}

TEST(TimestampConverterTest, UnixPrecisionAppliesToInputAndOutput) {
  auto to_seconds = make("TimestampConverter$Value",
                         {{"field", "ts"}, {"target.type", "unix"}, {"unix.precision", "seconds"}});
  std::string bytes = R"({"ts":1700000000999})";  // read as seconds, written as seconds
  auto r = json_record(bytes);
  ASSERT_TRUE(to_seconds->apply(r));
  EXPECT_EQ(json(r.value), R"({"ts":1700000000999})");

  auto micros_in = make("TimestampConverter$Value", {{"field", "ts"},
                                                     {"target.type", "string"},
                                                     {"format", "HH:mm:ss.SSS"},
                                                     {"unix.precision", "microseconds"}});
  std::string micros = R"({"ts":1700000000123456})";
  auto r2 = json_record(micros);
  ASSERT_TRUE(micros_in->apply(r2));
  EXPECT_EQ(json(r2.value), R"({"ts":"22:13:20.123"})");
}

TEST(TimestampConverterTest, WholeValueWithSchemaToLogicalTypes) {
  auto to_ts = make("TimestampConverter$Value", {{"target.type", "Timestamp"}});
  auto r = value_record(prim(Type::kInt64), Value::int64(1700000000123));
  ASSERT_TRUE(to_ts->apply(r));
  EXPECT_EQ(r.value_schema->name, kTimestamp);
  EXPECT_EQ(r.value.as_int(), 1700000000123);

  auto to_date = make("TimestampConverter$Value", {{"target.type", "Date"}});
  ASSERT_TRUE(to_date->apply(r));  // Timestamp -> Date: days since the epoch
  EXPECT_EQ(r.value_schema->name, "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(r.value.type(), Type::kInt32);
  EXPECT_EQ(r.value.as_int(), 19675);

  auto r2 = value_record(logical(Type::kInt64, std::string(kTimestamp)), Value::int64(-1));
  auto to_time = make("TimestampConverter$Value", {{"target.type", "Time"}});
  ASSERT_TRUE(to_time->apply(r2));
  EXPECT_EQ(r2.value.as_int(), 86399999);  // 1969-12-31T23:59:59.999
}

TEST(TimestampConverterTest, StructFieldWithSchema) {
  auto t = make("TimestampConverter$Value",
                {{"field", "at"}, {"target.type", "Timestamp"}, {"format", "yyyyMMddHHmmss"}});
  auto schema = struct_of({{"at", prim(Type::kString, true)}, {"id", prim(Type::kInt32)}});
  auto r = value_record(
      schema, Value::structure({{"at", Value::string("20231114221320")}, {"id", Value::int32(1)}}));
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.value_schema->field("at")->schema->name, kTimestamp);
  EXPECT_TRUE(r.value_schema->field("at")->schema->optional);
  EXPECT_EQ(json(r.value), R"({"at":1700000000000,"id":1})");
}

TEST(TimestampConverterTest, UnparsableStringIsADataError) {
  auto t = make("TimestampConverter$Value",
                {{"field", "ts"}, {"target.type", "unix"}, {"format", "yyyy-MM-dd"}});
  std::string bytes = R"({"ts":"2023-13-01"})";
  auto r = json_record(bytes);
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(),
            "Could not parse timestamp: value does not match pattern (yyyy-MM-dd)");
}

TEST(TimestampConverterTest, ConfigErrors) {
  EXPECT_THAT(errors_for("TimestampConverter$Value", {{"target.type", "date"}}),
              HasSubstr("transforms.t.target.type = \"date\": String must be one of: string, unix, "
                        "Date, Time, Timestamp"));
  EXPECT_THAT(errors_for("TimestampConverter$Value", {{"target.type", "string"}}),
              HasSubstr("requires format option to be specified when using string timestamps"));
  EXPECT_THAT(
      errors_for("TimestampConverter$Value", {{"target.type", "unix"}, {"format", "yyyy GG"}}),
      HasSubstr("Pattern letter 'G' is valid in Java's SimpleDateFormat but not supported"));
  EXPECT_THAT(errors_for("TimestampConverter$Value", {{"target.type", "unix"}, {"format", "bb"}}),
              HasSubstr("Illegal pattern character 'b'"));
  EXPECT_THAT(errors_for("TimestampConverter$Value",
                         {{"target.type", "unix"}, {"unix.precision", "minutes"}}),
              HasSubstr("transforms.t.unix.precision = \"minutes\""));
  EXPECT_THAT(errors_for("TimestampConverter$Value", {}),
              HasSubstr("Missing required configuration \"transforms.t.target.type\""));
}

}  // namespace
}  // namespace kc::transforms::testing
