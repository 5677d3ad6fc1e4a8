#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<api::Predicate> predicate(std::string_view type, api::RawConfig config = {}) {
  const auto* plugin = registry::builtin().find_predicate(type);
  EXPECT_NE(plugin, nullptr) << type;
  std::vector<api::ConfigIssue> issues;
  auto parsed = api::Config::parse(plugin->info.config_def(), config, issues);
  EXPECT_TRUE(issues.empty());
  auto p = plugin->create(parsed);
  EXPECT_TRUE(p);
  return std::move(*p);
}

TEST(PredicatesTest, TopicNameMatchesIsAFullMatch) {
  auto p = predicate("org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                     {{"pattern", "orders-.*"}});
  SinkRecord r;
  r.topic = "orders-eu";
  EXPECT_TRUE(p->test(r));
  EXPECT_TRUE(p->test(r));  // cached
  r.topic = "old-orders-eu";
  EXPECT_FALSE(p->test(r));
}

TEST(PredicatesTest, HasHeaderKeyAndRecordIsTombstone) {
  auto has = predicate("HasHeaderKey", {{"name", "trace"}});
  auto tomb = predicate("org.apache.kafka.connect.transforms.predicates.RecordIsTombstone");
  SinkRecord r;
  EXPECT_FALSE(has->test(r));
  EXPECT_TRUE(tomb->test(r));
  r.headers.push_back({"trace", nullptr, Value::string("x")});
  r.value = Value::string("v");
  EXPECT_TRUE(has->test(r));
  EXPECT_FALSE(tomb->test(r));
}

api::RawConfig filtered(std::string negate) {
  return {{"transforms", "drop"},
          {"transforms.drop.type", "Filter"},
          {"transforms.drop.predicate", "isTest"},
          {"transforms.drop.negate", negate},
          {"predicates", "isTest"},
          {"predicates.isTest.type", "TopicNameMatches"},
          {"predicates.isTest.pattern", "test-.*"}};
}

TEST(PredicatesTest, NegateInvertsThePredicateInTheChain) {
  auto drop_tests = Chain::create(filtered("false"), registry::builtin());
  auto keep_tests = Chain::create(filtered("true"), registry::builtin());
  ASSERT_TRUE(drop_tests) << drop_tests.error().message();
  ASSERT_TRUE(keep_tests);
  SinkRecord test_record, prod_record;
  test_record.topic = "test-1";
  prod_record.topic = "prod-1";
  EXPECT_EQ(*drop_tests->apply(test_record), Outcome::kDrop);
  EXPECT_EQ(*drop_tests->apply(prod_record), Outcome::kKeep);
  EXPECT_EQ(*keep_tests->apply(test_record), Outcome::kKeep);
  EXPECT_EQ(*keep_tests->apply(prod_record), Outcome::kDrop);
}

TEST(PredicatesTest, ConfigErrors) {
  auto raw = filtered("false");
  raw["predicates.isTest.pattern"] = "(";
  std::vector<api::ConfigIssue> issues;
  validate(raw, registry::builtin(), issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0].to_string(),
              HasSubstr("predicates.isTest.pattern = \"(\": Invalid regular expression"));

  raw["predicates.isTest.pattern"] = "";
  issues.clear();
  validate(raw, registry::builtin(), issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0].to_string(), HasSubstr("String must be non-empty"));
}

}  // namespace
}  // namespace kc::transforms::testing
