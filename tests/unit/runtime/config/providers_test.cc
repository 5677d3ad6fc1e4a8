#include "runtime/config/providers.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "runtime/config/connector_config.h"
#include "tests/support/files.h"

namespace kc::config {
namespace {

using Severity = api::ConfigIssue::Severity;

class ProvidersTest : public ::testing::Test {
 protected:
  ConfigProviders providers(api::RawConfig worker) {
    std::vector<api::ConfigIssue> issues;
    auto p = ConfigProviders::from_worker(worker, issues);
    EXPECT_TRUE(issues.empty()) << issues.front().to_string();
    return p;
  }
  ConfigProviders all() {
    return providers({{"config.providers", "file,directory,env"},
                      {"config.providers.file.class",
                       "org.apache.kafka.common.config.provider.FileConfigProvider"},
                      {"config.providers.directory.class",
                       "org.apache.kafka.common.config.provider.DirectoryConfigProvider"},
                      {"config.providers.env.class", "EnvVarConfigProvider"}});
  }
  testing::TempDir dir_;
};

TEST_F(ProvidersTest, ResolvesFileDirectoryAndEnvironmentReferences) {
  testing::write_text(dir_.file("db.properties"), "user=app\npassword = s3cret\n");
  testing::write_text(dir_.file("secrets/token"), "t0ken");
  ::setenv("KC_PROVIDERS_TEST_VAR", "from-env", 1);
  std::vector<api::ConfigIssue> issues;
  auto r =
      all().resolve({{"connection.password", "${file:" + dir_.file("db.properties") + ":password}"},
                     {"url", "jdbc://${file:" + dir_.file("db.properties") +
                                 ":user}@host/${env:KC_PROVIDERS_TEST_VAR}"},
                     {"token", "${directory:" + dir_.file("secrets") + ":token}"},
                     {"plain", "no reference"}},
                    issues);
  EXPECT_TRUE(issues.empty()) << issues.front().to_string();
  EXPECT_EQ(r.values["connection.password"], "s3cret");
  EXPECT_EQ(r.values["url"], "jdbc://app@host/from-env");
  EXPECT_EQ(r.values["token"], "t0ken");
  EXPECT_EQ(r.values["plain"], "no reference");
  EXPECT_EQ(r.from_provider, (std::set<std::string>{"connection.password", "token", "url"}));
}

TEST_F(ProvidersTest, UnknownProviderIsLeftAsItIsWithAWarning) {
  std::vector<api::ConfigIssue> issues;
  auto r = all().resolve({{"k", "${vault:secret/db:password}"}}, issues);
  EXPECT_EQ(r.values["k"], "${vault:secret/db:password}");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, Severity::kWarning);
  EXPECT_NE(issues[0].message.find("no config provider 'vault'"), std::string::npos);
  EXPECT_TRUE(r.from_provider.empty());
}

TEST_F(ProvidersTest, UnresolvableReferencesAreErrorsNamingTheKey) {
  testing::write_text(dir_.file("db.properties"), "user=app\n");
  ::unsetenv("KC_PROVIDERS_TEST_MISSING");
  std::vector<api::ConfigIssue> issues;
  (void)all().resolve({{"a", "${file:" + dir_.file("db.properties") + ":password}"},
                       {"b", "${file:" + dir_.file("nope.properties") + ":password}"},
                       {"c", "${env:KC_PROVIDERS_TEST_MISSING}"},
                       {"d", "${directory:" + dir_.path() + ":../etc}"}},
                      issues);
  ASSERT_EQ(issues.size(), 4u);
  for (const auto& i : issues) EXPECT_EQ(i.severity, Severity::kError) << i.to_string();
  EXPECT_EQ(issues[0].key, "a");
  EXPECT_NE(issues[0].message.find("has no key password"), std::string::npos);
  EXPECT_EQ(issues[1].key, "b");
  EXPECT_EQ(issues[2].key, "c");
  EXPECT_NE(issues[2].message.find("KC_PROVIDERS_TEST_MISSING is not set"), std::string::npos);
  EXPECT_EQ(issues[3].key, "d");
}

TEST_F(ProvidersTest, AllowedPathsAndAllowlistAreHonoured) {
  testing::write_text(dir_.file("ok/db.properties"), "password=fine\n");
  testing::write_text(dir_.file("other/db.properties"), "password=leak\n");
  auto p = providers({{"config.providers", "file,env"},
                      {"config.providers.file.class", "FileConfigProvider"},
                      {"config.providers.file.param.allowed.paths", dir_.file("ok")},
                      {"config.providers.env.class", "EnvVarConfigProvider"},
                      {"config.providers.env.param.allowlist.pattern", "KC_ALLOWED_.*"}});
  ::setenv("KC_ALLOWED_X", "x", 1);
  ::setenv("KC_SECRET_Y", "y", 1);
  std::vector<api::ConfigIssue> issues;
  auto r = p.resolve({{"a", "${file:" + dir_.file("ok/db.properties") + ":password}"},
                      {"b", "${file:" + dir_.file("ok/../other/db.properties") + ":password}"},
                      {"c", "${env:KC_ALLOWED_X}"},
                      {"d", "${env:KC_SECRET_Y}"}},
                     issues);
  EXPECT_EQ(r.values["a"], "fine");
  EXPECT_EQ(r.values["c"], "x");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].key, "b");
  EXPECT_NE(issues[0].message.find("allowed.paths"), std::string::npos);
  EXPECT_EQ(issues[1].key, "d");
  EXPECT_NE(issues[1].message.find("allowlist.pattern"), std::string::npos);
  EXPECT_EQ(r.values["b"].find("leak"), std::string::npos);
}

TEST_F(ProvidersTest, MisconfiguredProvidersAreReported) {
  std::vector<api::ConfigIssue> issues;
  (void)ConfigProviders::from_worker(
      {{"config.providers", "vault,file"},
       {"config.providers.vault.class", "com.example.Vault"},
       {"config.providers.file.class", "FileConfigProvider"},
       {"config.providers.file.param.allowed.paths", "relative/dir"}},
      issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].key, "config.providers.vault.class");
  EXPECT_NE(issues[0].message.find("FileConfigProvider"), std::string::npos);
  EXPECT_EQ(issues[1].key, "config.providers.file.param.allowed.paths");
}

TEST_F(ProvidersTest, WorkerAndConnectorConfigsResolveAndHideProviderValues) {
  testing::write_text(dir_.file("kafka.properties"), "servers=broker:9092\nfile=/tmp/out\n");
  auto ref = [&](std::string key) {
    return "${file:" + dir_.file("kafka.properties") + ":" + key + "}";
  };
  std::vector<api::ConfigIssue> issues;
  auto worker = parse_worker_config({{"config.providers", "file"},
                                     {"config.providers.file.class", "FileConfigProvider"},
                                     {"bootstrap.servers", ref("servers")}},
                                    issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(worker.bootstrap_servers, "broker:9092");
  auto r = resolve_and_validate(worker, {{"name", "n"},
                                         {"connector.class", "FileStreamSink"},
                                         {"topics", "t"},
                                         {"file", ref("file")},
                                         {"tasks.max", ref("missing")}});
  ASSERT_FALSE(r.ok());
  bool hidden = false;
  for (const auto& i : r.issues) hidden = hidden || (i.key == "tasks.max");
  EXPECT_TRUE(hidden);
  auto good = resolve_and_validate(worker, {{"name", "n"},
                                            {"connector.class", "FileStreamSink"},
                                            {"topics", "t"},
                                            {"file", ref("file")}});
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.config->sink_config.get_string("file"), "/tmp/out");
}

TEST(ProviderReferenceTest, DetectsReferencesAsKafkasPatternDoes) {
  EXPECT_TRUE(has_provider_reference("${file:/a/b:c}"));
  EXPECT_TRUE(has_provider_reference("x${env:HOME}y"));
  EXPECT_FALSE(has_provider_reference("${nocolon}"));
  EXPECT_FALSE(has_provider_reference("$ {file:a:b}"));
  EXPECT_FALSE(has_provider_reference("${file:unterminated"));
}

}  // namespace
}  // namespace kc::config
