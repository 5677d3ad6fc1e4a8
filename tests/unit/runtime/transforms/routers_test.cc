// RegexRouter, TimestampRouter, Filter.

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;

SinkRecord topic_record(std::string topic) {
  SinkRecord r;
  r.topic = std::move(topic);
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

// Java syntax that std::regex could not run: each pattern as Kafka Connect users write it, with the
// topic java.util.regex gives for it.
TEST(RegexRouterTest, JavaOnlySyntaxMeansWhatItMeansInJava) {
  struct Case {
    std::string regex, replacement, topic, expected;
  };
  const std::vector<Case> cases = {
      {".*(?<!-test)", "prod", "orders", "prod"},              // negative lookbehind
      {".*(?<!-test)", "prod", "orders-test", "orders-test"},  // ... refuses this one
      {"(?<env>[a-z]+)\\.(?<name>.*)", "${name}-${env}", "prod.orders", "orders-prod"},
      {"(?>a+)b", "y", "aaab", "y"},                                         // atomic group
      {"\\Qa.b\\E-(.*)", "q$1", "a.b-c", "qc"},                              // quoted
      {"\\Aorders-(.*)\\z", "$1", "orders-eu", "eu"},                        // \A \z
      {"(\\p{Lower}+)-(\\p{Upper}+)", "$2$1", "abc-DEF", "DEFabc"},          // POSIX names
      {"(\\p{IsLatin}+)-\\P{Digit}", "$1", "caf\xc3\xa9-x", "caf\xc3\xa9"},  // scripts, UTF-8
      {"(?i)orders-(\\d++)", "o$1", "ORDERS-42", "o42"},  // inline flag, possessive
      {"([a-z]+)\\x{2d}(.*)", "$2", "a-b", "b"},          // \x{..}
      {"([a-z]+)\\u002d(.*)", "$2", "a-b", "b"},          // \uhhhh
  };
  for (const auto& c : cases) {
    auto t = make("RegexRouter", {{"regex", c.regex}, {"replacement", c.replacement}});
    auto r = topic_record(c.topic);
    ASSERT_TRUE(t->apply(r)) << c.regex;
    EXPECT_EQ(r.topic, c.expected) << c.regex;
  }
  // Possessive and atomic forms refuse what backtracking would accept, as in Java.
  auto possessive = make("RegexRouter", {{"regex", "a++a"}, {"replacement", "matched"}});
  auto r = topic_record("aaa");
  ASSERT_TRUE(possessive->apply(r));
  EXPECT_EQ(r.topic, "aaa");
  // Not UTF-8 (a topic renamed by an earlier transform): no match, no error.
  auto any = make("RegexRouter", {{"regex", ".*"}, {"replacement", "z"}});
  auto bad = topic_record("a\xff");
  ASSERT_TRUE(any->apply(bad));
  EXPECT_EQ(bad.topic, "a\xff");
}

TEST(RegexRouterTest, ConfigErrors) {
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "(unclosed"}, {"replacement", "x"}}),
              HasSubstr("transforms.t.regex = \"(unclosed\": Invalid regular expression"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "(a)"}, {"replacement", "$2"}}),
              HasSubstr("transforms.t: RegexRouter: Invalid replacement: No group 2"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "a"}, {"replacement", "${name}"}}),
              HasSubstr("Invalid replacement: No group with name {name}"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "[a-z&&[^x]]"}, {"replacement", "x"}}),
              HasSubstr("character class intersection (&&) is not supported"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "[a[b]]"}, {"replacement", "x"}}),
              HasSubstr("character class union ([a[b]]) is not supported"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "\\p{InGreek}"}, {"replacement", "x"}}),
              HasSubstr("Unicode blocks (\\p{InGreek}) are not supported"));
  EXPECT_THAT(errors_for("RegexRouter", {{"regex", "(?U)a"}, {"replacement", "x"}}),
              HasSubstr("the inline flag U is not supported"));
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
