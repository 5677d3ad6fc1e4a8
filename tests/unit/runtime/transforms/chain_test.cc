#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/runtime/transforms/transform_test_support.h"

namespace kc::transforms::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using Severity = api::ConfigIssue::Severity;

std::vector<std::string> render(const std::vector<api::ConfigIssue>& issues, Severity severity) {
  std::vector<std::string> out;
  for (const auto& i : issues) {
    if (i.severity == severity) out.push_back(i.to_string());
  }
  return out;
}

TEST(ChainValidateTest, ReportsEveryProblemAtOnce) {
  api::RawConfig raw{
      {"transforms", "route, stamp, mask, cast, when, ghost, route"},
      {"transforms.route.type", "RegexRouter"},
      {"transforms.route.regex", "(broken"},
      {"transforms.route.replacement", "x"},
      {"transforms.stamp.type", "InsertField$Value"},  // no field configured
      {"transforms.stamp.spelling", "x"},
      {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},  // no fields
      {"transforms.cast.type", "Cast$Value"},
      {"transforms.cast.spec", "a:uuid"},
      {"transforms.when.type", "Filter"},
      {"transforms.when.predicate", "undeclared"},
      {"transforms.ghost.type", "com.example.NoSuchTransform"},
      {"transforms.unlisted.type", "Filter"},
      {"predicates", "unused"},
      {"predicates.unused.type", "RecordIsTombstone"},
  };
  std::vector<api::ConfigIssue> issues;
  validate(raw, registry::builtin(), issues);
  auto errors = render(issues, Severity::kError);
  ASSERT_EQ(errors.size(), 7u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr("transforms = \"route, stamp, mask, cast, when, ghost, route\": "
                                   "Duplicate alias provided: route"));
  EXPECT_THAT(errors[1],
              HasSubstr("transforms.route.regex = \"(broken\": Invalid regular expression"));
  EXPECT_EQ(errors[2], "transforms.stamp: InsertField$Value: No field insertion configured");
  EXPECT_EQ(errors[3],
            "transforms.mask.fields: Missing required configuration \"transforms.mask.fields\" "
            "which has no default value.");
  EXPECT_THAT(errors[4], HasSubstr("transforms.cast.spec = \"a:uuid\": Invalid type found in "
                                   "casting spec: uuid"));
  EXPECT_EQ(errors[5],
            "transforms.when.predicate = \"undeclared\": Transformation 'when' uses predicate "
            "'undeclared', which is not declared in predicates (declared: unused)");
  EXPECT_THAT(errors[6], HasSubstr("transforms.ghost.type = \"com.example.NoSuchTransform\": Class "
                                   "com.example.NoSuchTransform could not be found (allowed: "
                                   "InsertField$Key, InsertField$Value,"));
  EXPECT_THAT(render(issues, Severity::kWarning),
              UnorderedElementsAre(
                  HasSubstr("transforms.stamp.spelling: unknown configuration key for "
                            "org.apache.kafka.connect.transforms.InsertField$Value (ignored)"),
                  HasSubstr("transforms.unlisted.type = \"Filter\": the alias is not listed in "
                            "transforms (ignored)"),
                  HasSubstr("predicate 'unused' is not used by any transform")));

  auto chain = Chain::create(raw, registry::builtin());
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().code(), Errc::kInvalidConfig);
  EXPECT_THAT(chain.error().message(), HasSubstr("No field insertion configured"));
}

TEST(ChainValidateTest, MissingTypeAndHiddenSecrets) {
  api::RawConfig raw{
      {"transforms", "a"}, {"transforms.a.password", "hunter2"}, {"transforms.a.negate", "yes"}};
  std::vector<api::ConfigIssue> issues;
  validate(raw, registry::builtin(), issues);
  auto errors = render(issues, Severity::kError);
  EXPECT_THAT(errors,
              UnorderedElementsAre(
                  "transforms.a.negate = \"yes\": Expected value to be either true or false",
                  "transforms.a.type: Missing required configuration \"transforms.a.type\" "
                  "which has no default value."));

  raw["transforms.a.type"] = "Filter";
  raw.erase("transforms.a.negate");
  issues.clear();
  validate(raw, registry::builtin(), issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].value, "[hidden]");
}

TEST(ChainValidateTest, NoTransformsIsAnEmptyChain) {
  std::vector<api::ConfigIssue> issues;
  validate({{"name", "x"}}, registry::builtin(), issues);
  EXPECT_TRUE(issues.empty());
  auto chain = Chain::create({{"name", "x"}, {"transforms", ""}}, registry::builtin());
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->empty());
  EXPECT_TRUE(is_chain_key("transforms"));
  EXPECT_TRUE(is_chain_key("predicates.p.type"));
  EXPECT_FALSE(is_chain_key("transformsX"));
}

TEST(ChainTest, OffsetsStayOnTheOriginalTopicAndPartitionAfterRouting) {
  api::RawConfig raw{{"transforms", "stamp,route"},
                     {"transforms.stamp.type", "InsertField$Value"},
                     {"transforms.stamp.topic.field", "from_topic"},
                     {"transforms.stamp.offset.field", "offset"},
                     {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
                     {"transforms.route.regex", "(.*)-raw"},
                     {"transforms.route.replacement", "$1"}};
  auto chain = Chain::create(raw, registry::builtin());
  ASSERT_TRUE(chain) << chain.error().message();
  EXPECT_EQ(chain->size(), 2u);
  std::string consumed_topic = "orders-raw";
  std::string bytes = R"({"id":1})";
  auto r = json_record(bytes, consumed_topic);
  r.original_topic = consumed_topic;
  ASSERT_EQ(*chain->apply(r), Outcome::kKeep);
  EXPECT_EQ(r.topic, "orders");
  EXPECT_EQ(r.original_topic, "orders-raw");
  EXPECT_EQ(r.original_topic.data(), consumed_topic.data());
  EXPECT_EQ(r.original_partition, 3);
  EXPECT_EQ(r.original_offset, 42);
  EXPECT_EQ(r.partition, 3);
  EXPECT_EQ(r.offset, 42);
  EXPECT_EQ(json(r.value), R"({"id":1,"from_topic":"orders-raw","offset":42})");
}

TEST(ChainTest, ErrorsNameTheAliasAndTypeAndKeepTheCode) {
  api::RawConfig raw{{"transforms", "flat"}, {"transforms.flat.type", "Flatten$Value"}};
  auto chain = Chain::create(raw, registry::builtin());
  ASSERT_TRUE(chain);
  SinkRecord r;
  r.value = Value::string("not a map");
  auto out = chain->apply(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), Errc::kData);
  EXPECT_EQ(out.error().message(),
            "transform 'flat' (Flatten$Value): Only Map objects supported in absence of schema "
            "for [flattening], found: string");
}

TEST(ChainTest, DropStopsTheChain) {
  api::RawConfig raw{{"transforms", "drop,stamp"},
                     {"transforms.drop.type", "Filter"},
                     {"transforms.drop.predicate", "tomb"},
                     {"transforms.stamp.type", "InsertField$Value"},
                     {"transforms.stamp.topic.field", "t"},
                     {"predicates", "tomb"},
                     {"predicates.tomb.type", "RecordIsTombstone"}};
  auto chain = Chain::create(raw, registry::builtin());
  ASSERT_TRUE(chain) << chain.error().message();
  SinkRecord tombstone;
  EXPECT_EQ(*chain->apply(tombstone), Outcome::kDrop);
  std::string bytes = R"({})";
  auto r = json_record(bytes);
  EXPECT_EQ(*chain->apply(r), Outcome::kKeep);
  EXPECT_EQ(json(r.value), R"({"t":"orders"})");
}

TEST(RegistryTest, EveryTransformHasKafkasNamesAndItsOwnKeys) {
  const auto& plugins = registry::builtin();
  EXPECT_EQ(plugins.transforms.size(), 24u);
  EXPECT_EQ(plugins.predicates.size(), 3u);
  for (const auto& p : plugins.transforms) {
    EXPECT_TRUE(p.info.class_name.starts_with("org.apache.kafka.connect.transforms."))
        << p.info.class_name;
    EXPECT_TRUE(p.info.class_name.ends_with(p.info.name));
    EXPECT_FALSE(p.info.summary.empty());
    p.info.config_def();  // builds
  }
  for (const auto& p : plugins.predicates) {
    EXPECT_EQ(p.info.class_name, "org.apache.kafka.connect.transforms.predicates." + p.info.name);
  }
  EXPECT_NE(plugins.find_transform("org.apache.kafka.connect.transforms.TimestampConverter$Key"),
            nullptr);
  EXPECT_NE(plugins.find_transform("HeaderFrom$Value"), nullptr);
}

}  // namespace
}  // namespace kc::transforms::testing
