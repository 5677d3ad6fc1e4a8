#include "runtime/config/topic_regex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kc::config {
namespace {

using ::testing::HasSubstr;

TopicRegex compiled(std::string_view pattern) {
  auto r = TopicRegex::compile(pattern);
  EXPECT_TRUE(r) << pattern << ": " << r.error().message();
  return r ? *r : TopicRegex{};
}

std::string refusal(std::string_view pattern) {
  auto r = TopicRegex::compile(pattern);
  EXPECT_FALSE(r) << pattern << " compiled to " << r->subscription();
  return r ? "" : r.error().message();
}

TEST(TopicRegexTest, MatchesWholeTopicNamesAsJavaDoes) {
  auto orders = compiled("orders-\\d+");
  EXPECT_TRUE(orders.matches("orders-12"));
  EXPECT_FALSE(orders.matches("orders-"));
  EXPECT_FALSE(orders.matches("orders-ddd"));   // what glibc makes of an untranslated \d
  EXPECT_FALSE(orders.matches("eu.orders-1"));  // whole name, not a search
  EXPECT_FALSE(orders.matches("orders-1x"));
  EXPECT_EQ(orders.subscription(), "^(orders-[0-9]+)$");

  auto dotted = compiled("orders\\..*");
  EXPECT_TRUE(dotted.matches("orders.eu"));
  EXPECT_FALSE(dotted.matches("ordersXeu"));
}

TEST(TopicRegexTest, TranslatesShorthandsGroupsQuotesAndLazyQuantifiers) {
  EXPECT_TRUE(compiled("(?:orders|audit)[-_]\\w+").matches("audit_log"));
  EXPECT_FALSE(compiled("(?:orders|audit)[-_]\\w+").matches("audit.log"));
  EXPECT_TRUE(compiled("[\\d.]+").matches("1.2"));
  EXPECT_FALSE(compiled("[^\\d]+").matches("a1"));
  EXPECT_TRUE(compiled("\\Qa.b\\E.c").matches("a.b-c"));
  EXPECT_FALSE(compiled("\\Qa.b\\E.c").matches("axb-c"));
  EXPECT_TRUE(compiled("\\W").matches("."));
  EXPECT_FALSE(compiled("\\W").matches("a"));
  EXPECT_TRUE(compiled("a.*?b").matches("axxb"));
  EXPECT_TRUE(compiled("a{2,3}").matches("aaa"));
  EXPECT_FALSE(compiled("a{2,3}").matches("aaaa"));
  EXPECT_TRUE(compiled("x{1}?y").matches("xy"));
}

TEST(TopicRegexTest, ClassesWithBracketsCaretsAndDashesKeepTheirMeaning) {
  auto odd = compiled("[\\]\\-^a]+");  // ']' '-' '^' and 'a', in an order POSIX would misread
  EXPECT_TRUE(odd.matches("]-^a"));
  EXPECT_FALSE(odd.matches("b"));
  EXPECT_TRUE(compiled("[\\^]").matches("^"));
  EXPECT_FALSE(compiled("[\\^]").matches("\\"));
  EXPECT_TRUE(compiled("[^\\^]").matches("a"));
  EXPECT_FALSE(compiled("[^\\^]").matches("^"));
  EXPECT_TRUE(compiled("[a\\\\]").matches("\\"));
  EXPECT_TRUE(compiled("[]a]").matches("]"));
  EXPECT_TRUE(compiled("[a-c.]+").matches("a.b.c"));
}

TEST(TopicRegexTest, RefusesWhatTheConsumerCannotRunWithTheConstructNamed) {
  EXPECT_THAT(refusal("(?<=a)b"), HasSubstr("lookaround is not supported in topics.regex"));
  EXPECT_THAT(refusal("a(?=b)"), HasSubstr("lookaround"));
  EXPECT_THAT(refusal("(?<name>a)"), HasSubstr("a named group"));
  EXPECT_THAT(refusal("(?>a)"), HasSubstr("an atomic group"));
  EXPECT_THAT(refusal("(?i)orders"), HasSubstr("an inline flag"));
  EXPECT_THAT(refusal("a*+"), HasSubstr("a possessive quantifier"));
  EXPECT_THAT(refusal("(a)\\1"), HasSubstr("back-reference"));
  EXPECT_THAT(refusal("\\borders"), HasSubstr("\\b is not supported"));
  EXPECT_THAT(refusal("\\p{Alpha}"), HasSubstr("\\p is not supported"));
  EXPECT_THAT(refusal("[a[b]]"), HasSubstr("nested character class"));
  EXPECT_THAT(refusal("[a-z&&[^x]]"), HasSubstr("intersection"));
  EXPECT_THAT(refusal("[\\D]"), HasSubstr("\\D inside a character class"));
  EXPECT_THAT(refusal("orders\\"), HasSubstr("ends with a backslash"));
  EXPECT_THAT(refusal("[abc"), HasSubstr("unclosed character class"));
  EXPECT_THAT(refusal("a{x}"), HasSubstr("illegal repetition"));
  EXPECT_THAT(refusal("[z-a]"), HasSubstr("illegal character range"));
  // What the translation lets through, the C library's own compiler refuses, as librdkafka's.
  EXPECT_THAT(refusal("(unclosed"), HasSubstr("Invalid regular expression"));
  EXPECT_THAT(refusal("*a"), HasSubstr("Invalid regular expression"));
}

}  // namespace
}  // namespace kc::config
