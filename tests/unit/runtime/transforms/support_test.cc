// DateFormat, Java value formatting and the one-level JSON parser.

#include "runtime/transforms/support.h"

#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/transforms/date_format.h"
#include "runtime/transforms/java_values.h"
#include "runtime/transforms/json_text.h"
#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;

std::string fmt_ms(std::string_view pattern, int64_t ms) {
  auto f = DateFormat::compile(pattern);
  EXPECT_TRUE(f) << (f ? "" : f.error().message());
  return f ? f->format(ms) : "";
}

int64_t parse_ms(std::string_view pattern, std::string_view text) {
  auto f = DateFormat::compile(pattern);
  EXPECT_TRUE(f);
  auto ms = f->parse(text);
  EXPECT_TRUE(ms) << (ms ? "" : ms.error().message());
  return ms ? *ms : 0;
}

TEST(DateFormatTest, FormatsInUtc) {
  EXPECT_EQ(fmt_ms("yyyy-MM-dd'T'HH:mm:ss.SSSZ", 1700000000123), "2023-11-14T22:13:20.123+0000");
  EXPECT_EQ(fmt_ms("yyyyMMdd", 0), "19700101");
  EXPECT_EQ(fmt_ms("yy-M-d H:m:s.S", -1), "69-12-31 23:59:59.999");
  EXPECT_EQ(fmt_ms("EEE, d MMM yyyy hh:mm a z", 1700000000123), "Tue, 14 Nov 2023 10:13 PM UTC");
  EXPECT_EQ(fmt_ms("EEEE MMMM D X", 1700000000123), "Tuesday November 318 Z");
  EXPECT_EQ(fmt_ms("'It''s' yyyy", 0), "It's 1970");
}

TEST(DateFormatTest, ParsesWhatItFormats) {
  EXPECT_EQ(parse_ms("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2023-11-14T22:13:20.123+0000"), 1700000000123);
  EXPECT_EQ(parse_ms("yyyy-MM-dd'T'HH:mm:ssXXX", "2023-11-14T23:13:20+01:00"), 1700000000000);
  EXPECT_EQ(parse_ms("yyyyMMddHHmmss", "20231114221320"), 1700000000000);
  EXPECT_EQ(parse_ms("dd MMM yyyy", "14 nov 2023"), 1699920000000);
  EXPECT_EQ(parse_ms("yyyy-MM-dd", "1969-12-31"), -86400000);
  EXPECT_EQ(parse_ms("yyyy-MM-dd", "2024-02-29 trailing text is ignored"), 1709164800000);
  EXPECT_EQ(parse_ms("hh:mm a", "12:30 AM"), 30 * 60000);
}

TEST(DateFormatTest, StrictWhereJavaIsLenientAndClearErrors) {
  auto f = DateFormat::compile("yyyy-MM-dd");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->parse("2023-02-29"));
  EXPECT_FALSE(f->parse("2023-13-01"));
  EXPECT_FALSE(f->parse("2023/01/01"));
  auto bad = DateFormat::compile("yyyy-ww");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("Pattern letter 'w'"));
  EXPECT_THAT(DateFormat::compile("yyyy-qq").error().message(),
              HasSubstr("Illegal pattern character 'q'"));
  EXPECT_THAT(DateFormat::compile("XXXX").error().message(), HasSubstr("invalid ISO 8601 format"));
  EXPECT_EQ(iso_date_string(86400000 * 3), "1970-01-04");
  EXPECT_EQ(iso_date_string(3723004), "01:02:03.004Z");
  EXPECT_EQ(iso_date_string(1700000000123), "2023-11-14T22:13:20.123Z");
}

TEST(JavaValuesTest, DoubleToStringMatchesJava) {
  EXPECT_EQ(java::double_to_string(1.0), "1.0");
  EXPECT_EQ(java::double_to_string(-0.0), "-0.0");
  EXPECT_EQ(java::double_to_string(0.1), "0.1");
  EXPECT_EQ(java::double_to_string(100.0), "100.0");
  EXPECT_EQ(java::double_to_string(9999999.0), "9999999.0");
  EXPECT_EQ(java::double_to_string(1e7), "1.0E7");
  EXPECT_EQ(java::double_to_string(1.5e-5), "1.5E-5");
  EXPECT_EQ(java::double_to_string(-123.456), "-123.456");
  EXPECT_EQ(java::double_to_string(1.0 / 0.0), "Infinity");
  EXPECT_EQ(java::float_to_string(0.1f), "0.1");
  EXPECT_EQ(java::float_to_string(1.0e10f), "1.0E10");
}

TEST(JavaValuesTest, ParsingLikeJava) {
  EXPECT_EQ(java::parse_integer("-128", -128, 127), -128);
  EXPECT_FALSE(java::parse_integer("128", -128, 127));
  EXPECT_FALSE(java::parse_integer(" 1", -128, 127));
  EXPECT_FALSE(java::parse_integer("1.0", -128, 127));
  EXPECT_EQ(java::parse_double(" 2.5f "), 2.5);
  EXPECT_EQ(java::parse_double("1e400"), 1.0 / 0.0);
  EXPECT_FALSE(java::parse_double("inf"));
  EXPECT_FALSE(java::parse_double("abc"));
  EXPECT_EQ(java::double_to_float(1e300), std::numeric_limits<float>::infinity());
  EXPECT_EQ(java::double_to_long(1e300), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(java::double_to_int(std::nan("")), 0);
  api::Type type{};
  EXPECT_EQ(java::parse_literal("70000", type).as_int(), 70000);
  EXPECT_EQ(type, api::Type::kInt32);
  java::parse_literal("2.5", type);
  EXPECT_EQ(type, api::Type::kFloat32);
  EXPECT_EQ(java::parse_literal("[1,2]", type).as_text(), "[1,2]");
  EXPECT_EQ(type, api::Type::kString);
}

TEST(MaterializeTest, BorrowsTheConsumedBytesAndOwnsOtherText) {
  std::string bytes = R"({"name":"alice","esc":"a\"b","n":{"x":1}})";
  auto r = json_record(bytes);
  ASSERT_TRUE(materialize(r.value, r));
  const Value* name = r.value.get("name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->as_text().data(), bytes.data() + 9);  // borrowed
  EXPECT_EQ(r.value.get("esc")->as_text(), "a\"b");     // unescaped into its own string
  EXPECT_EQ(r.value.get("n")->type(), Type::kRawJson);
  EXPECT_EQ(r.value.get("n")->as_text().data(), bytes.data() + 33);

  SinkRecord other;  // text that is not the record's consumed bytes is copied
  other.value = Value::raw_json(bytes);
  ASSERT_TRUE(materialize(other.value, other));
  EXPECT_EQ(other.value.get("name")->as_text(), "alice");
  EXPECT_NE(other.value.get("name")->as_text().data(), bytes.data() + 9);
}

TEST(JsonTextTest, IndexesTopLevelMembersOfFlatAndNestedObjects) {
  json_text::ObjectIndex index;
  std::string flat = R"( {"a":1, "b" : "x,}" ,"c":true,"d":null,"e":-1.5e3} )";
  ASSERT_TRUE(index.scan(flat));
  std::vector<std::string> seen;
  for (const auto& f : index) seen.push_back(std::string(f.key) + "=" + std::string(f.value));
  EXPECT_THAT(seen, ::testing::ElementsAre("a=1", "b=\"x,}\"", "c=true", "d=null", "e=-1.5e3"));
  std::string nested = R"({"a":{"b":[1,"]"]},"k\"ey":"v"})";
  ASSERT_TRUE(index.scan(nested));
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index.begin()[0].value, R"({"b":[1,"]"]})");
  EXPECT_TRUE(index.begin()[1].key_escaped);
  std::string long_flat = "{";
  for (int i = 0; i < 40; ++i) long_flat += fmt::format("{}\"k{}\":\"v{}\"", i ? "," : "", i, i);
  long_flat += "}";
  ASSERT_TRUE(index.scan(long_flat));
  EXPECT_EQ(index.size(), 40u);
  EXPECT_EQ(index.begin()[39].value, R"("v39")");
  for (std::string bad : {"[1]", R"({"a":1)", R"({"a" 1})", R"({"a":1,})", R"({"a":1}x)", ""}) {
    EXPECT_FALSE(index.scan(bad)) << bad;
  }
}

TEST(JsonTextTest, ParsesOneLevelAndKeepsNestedContainersAsText) {
  std::string text =
      R"( {"a" : 1, "b":[1, {"c":"]"}], "s":"x\u00e9\ud83d\ude00\n", "d":-2.5e3, "t":true, "n":null} )";
  auto v = json_text::parse_shallow(text, /*borrow=*/true);
  ASSERT_TRUE(v) << v.error().message();
  ASSERT_EQ(v->type(), Type::kMap);
  const auto& m = v->as_map();
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m[1].second.type(), Type::kRawJson);
  EXPECT_EQ(m[1].second.as_text(), R"([1, {"c":"]"}])");
  EXPECT_EQ(m[2].second.as_text(), "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(m[3].second.as_double(), -2500.0);
  EXPECT_EQ(m[0].first.as_text().data(), text.data() + 3);  // borrowed key
  // Nested text is copied as it is (the JSON writer minifies only multi-line text).
  EXPECT_EQ(json(*v), R"({"a":1,"b":[1, {"c":"]"}],"s":"xé😀\n","d":-2500.0,"t":true,"n":null})");

  auto owned = json_text::parse_shallow(text, /*borrow=*/false);
  ASSERT_TRUE(owned);
  EXPECT_NE(owned->as_map()[0].first.as_text().data(), text.data() + 3);
  EXPECT_FALSE(json_text::parse_shallow(R"({"a":1)", true));
  EXPECT_FALSE(json_text::parse_shallow(R"({"a":1} x)", true));
  EXPECT_FALSE(json_text::parse_shallow(R"({"a":[1,2})", true));
}

}  // namespace
}  // namespace kc::transforms::testing
