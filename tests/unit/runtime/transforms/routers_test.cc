// RegexRouter, TimestampRouter, Filter.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;

SinkRecord topic_record(std::string topic) {
  SinkRecord r;
  r.topic = topic;
  r.original_topic = "consumed-from";
  r.original_partition = 2;
  r.original_offset = 77;
  r.timestamp = 1700000000123;
  r.timestamp_type = api::TimestampType::kCreateTime;
  return r;
}

TEST(RegexRouterTest, CaptureGroupsAndOriginalCoordinatesUntouched) {
  auto t = make("org.apache.kafka.connect.transforms.RegexRouter",
                {{"regex", "(.*)-raw-(\\d+)"}, {"replacement", "$1-clean-$2"}});
  auto r = topic_record("orders-raw-7");
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.topic, "orders-clean-7");
  EXPECT_EQ(r.original_topic, "consumed-from");
  EXPECT_EQ(r.original_partition, 2);
  EXPECT_EQ(r.original_offset, 77);

  auto other = topic_record("payments");
  ASSERT_TRUE(t->apply(other));
  EXPECT_EQ(other.topic, "payments");  // no full match: unchanged
  auto again = topic_record("orders-raw-7");
  ASSERT_TRUE(t->apply(again));  // cached result
  EXPECT_EQ(again.topic, "orders-clean-7");
}

TEST(RegexRouterTest, JavaReplacementSyntax) {
  // $12 with one group is group 1 then '2'; \$ is a literal dollar.
  auto t = make("RegexRouter", {{"regex", "(a+)b"}, {"replacement", "$12\\$x"}});
  auto r = topic_record("aab");
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.topic, "aa2$x");

  // Matcher.replaceFirst replaces the first match: a lazy pattern matches the empty prefix.
  auto lazy = make("RegexRouter", {{"regex", "(.*?)"}, {"replacement", "x$1"}});
  auto r2 = topic_record("abc");
  ASSERT_TRUE(lazy->apply(r2));
  EXPECT_EQ(r2.topic, "xabc");

  auto icase = make("RegexRouter", {{"regex", "(?i)ORDERS"}, {"replacement", "o"}});
  auto r3 = topic_record("Orders");
  ASSERT_TRUE(icase->apply(r3));
  EXPECT_EQ(r3.topic, "o");
}

TEST(RegexRouterTest, ConfigErrors) {
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "(unclosed"}, {"replacement", "x"}}),
              HasSubstr("transforms.t.regex = \"(unclosed\": Invalid regular expression"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "(a)"}, {"replacement", "$2"}}),
              HasSubstr("transforms.t: RegexRouter: Invalid replacement: No group 2"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "(?<=a)b"}, {"replacement", "x"}}),
              HasSubstr("lookbehind is not supported"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "\\Aa"}, {"replacement", "x"}}),
              HasSubstr("\\A is Java-only syntax"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "a*+"}, {"replacement", "x"}}),
              HasSubstr("possessive quantifiers"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "a"}, {"replacement", "${name}"}}),
              HasSubstr("named groups"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "a"}, {"replacement", "x\\"}}),
              HasSubstr("character to be escaped is missing"));
  EXPECT_THAT(errors_for("RegexRouter", {}),
              HasSubstr("Missing required configuration \"transforms.t.regex\""));
}

TEST(TimestampRouterTest, DefaultsAndCustomFormats) {
  auto t = make("org.apache.kafka.connect.transforms.TimestampRouter");
  auto r = topic_record("orders");
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.topic, "orders-20231114");
  EXPECT_EQ(r.original_topic, "consumed-from");

  auto custom = make("TimestampRouter", {{"topic.format", "${timestamp}_${topic}_${topic}"},
                                         {"timestamp.format", "yyyy-MM'w'HH"}});
  auto r2 = topic_record("t");
  ASSERT_TRUE(custom->apply(r2));
  EXPECT_EQ(r2.topic, "2023-11w22_t_t");
}

TEST(TimestampRouterTest, MissingTimestampAndBadPattern) {
  auto t = make("TimestampRouter");
  auto r = topic_record("orders");
  r.timestamp = -1;
  r.timestamp_type = api::TimestampType::kNoTimestamp;
  auto out = t->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "Timestamp missing on record");
  EXPECT_THAT(errors_for("TimestampRouter", {{"timestamp.format", "yyyy'"}}),
              HasSubstr("Unterminated quote"));
}

TEST(FilterTest, DropsEverything) {
  auto t = make("Filter");
  auto r = topic_record("x");
  EXPECT_EQ(*t->apply(r), Outcome::kDrop);
}

}  // namespace
}  // namespace kc::transforms::testing
