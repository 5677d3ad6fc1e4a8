// connector.client.config.override.policy: None, Principal, All (and Allowlist) as Kafka enforces
// them, with allowed and refused consumer.override.* keys.

#include "runtime/config/override_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kc::config {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> refused(const OverridePolicy& policy, const api::RawConfig& overrides) {
  std::vector<api::ConfigIssue> issues;
  check_client_overrides(policy, overrides, "consumer.override.", issues);
  std::vector<std::string> out;
  for (const auto& i : issues) {
    EXPECT_EQ(i.severity, api::ConfigIssue::Severity::kError);
    out.push_back(i.to_string());
  }
  return out;
}

const api::RawConfig kOverrides = {{"max.poll.records", "100"},
                                   {"sasl.jaas.config", "x.PlainLoginModule required;"},
                                   {"sasl.mechanism", "PLAIN"},
                                   {"security.protocol", "SASL_SSL"},
                                   {"ssl.keystore.password", "pw"}};

OverridePolicy policy_of(const api::RawConfig& worker) {
  std::vector<api::ConfigIssue> issues;
  auto policy = parse_override_policy(worker, issues);
  EXPECT_TRUE(issues.empty());
  return policy;
}

TEST(OverridePolicyTest, AllIsTheDefaultAndAllowsEverything) {
  auto policy = policy_of({});
  EXPECT_EQ(policy.kind(), OverridePolicy::Kind::kAll);
  EXPECT_TRUE(refused(policy, kOverrides).empty());
}

TEST(OverridePolicyTest, NoneRefusesEachOverrideByName) {
  auto policy = policy_of({{"connector.client.config.override.policy", "None"}});
  EXPECT_THAT(
      refused(policy, kOverrides),
      ElementsAre(
          "consumer.override.max.poll.records = \"100\": The 'None' policy does not allow "
          "'max.poll.records' to be overridden in the connector configuration.",
          "consumer.override.sasl.jaas.config = \"[hidden]\": The 'None' policy does not allow "
          "'sasl.jaas.config' to be overridden in the connector configuration.",
          "consumer.override.sasl.mechanism = \"PLAIN\": The 'None' policy does not allow "
          "'sasl.mechanism' to be overridden in the connector configuration.",
          "consumer.override.security.protocol = \"SASL_SSL\": The 'None' policy does not allow "
          "'security.protocol' to be overridden in the connector configuration.",
          "consumer.override.ssl.keystore.password = \"[hidden]\": The 'None' policy does not "
          "allow 'ssl.keystore.password' to be overridden in the connector configuration."));
  EXPECT_TRUE(refused(policy, {}).empty());
}

TEST(OverridePolicyTest, PrincipalAllowsOnlyTheSaslIdentityKeys) {
  auto policy = policy_of({{"connector.client.config.override.policy", "Principal"}});
  EXPECT_THAT(refused(policy, kOverrides),
              ElementsAre("consumer.override.max.poll.records = \"100\": The 'Principal' policy "
                          "does not allow 'max.poll.records' to be overridden in the connector "
                          "configuration.",
                          "consumer.override.ssl.keystore.password = \"[hidden]\": The 'Principal' "
                          "policy does not allow 'ssl.keystore.password' to be overridden in the "
                          "connector configuration."));
  // librdkafka's own names are not the keys Kafka's policy lists.
  EXPECT_EQ(refused(policy, {{"sasl.username", "u"}, {"sasl.mechanisms", "PLAIN"}}).size(), 2u);
  EXPECT_TRUE(refused(policy, {{"sasl.jaas.config", "j"},
                               {"sasl.mechanism", "PLAIN"},
                               {"security.protocol", "SASL_SSL"}})
                  .empty());
}

TEST(OverridePolicyTest, AllowlistAllowsTheListedKeys) {
  auto policy = policy_of(
      {{"connector.client.config.override.policy", "Allowlist"},
       {"connector.client.config.override.allowlist", "max.poll.records, sasl.jaas.config"}});
  EXPECT_EQ(refused(policy, kOverrides).size(), 3u);
  EXPECT_TRUE(
      refused(policy_of({{"connector.client.config.override.policy", "Allowlist"}}), {}).empty());
}

TEST(OverridePolicyTest, ClassNamesAndAnyCaseSelectThePolicy) {
  EXPECT_EQ(policy_of({{"connector.client.config.override.policy",
                        "org.apache.kafka.connect.connector.policy."
                        "PrincipalConnectorClientConfigOverridePolicy"}})
                .kind(),
            OverridePolicy::Kind::kPrincipal);
  EXPECT_EQ(policy_of({{"connector.client.config.override.policy",
                        "NoneConnectorClientConfigOverridePolicy"}})
                .kind(),
            OverridePolicy::Kind::kNone);
  EXPECT_EQ(policy_of({{"connector.client.config.override.policy", "all"}}).kind(),
            OverridePolicy::Kind::kAll);

  std::vector<api::ConfigIssue> issues;
  auto policy =
      parse_override_policy({{"connector.client.config.override.policy", "Some"}}, issues);
  EXPECT_EQ(policy.kind(), OverridePolicy::Kind::kNone);  // never lets overrides through
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "connector.client.config.override.policy");
  EXPECT_THAT(issues[0].message,
              ::testing::HasSubstr("allowed are All, None, Principal and Allowlist"));
}

}  // namespace
}  // namespace kc::config
