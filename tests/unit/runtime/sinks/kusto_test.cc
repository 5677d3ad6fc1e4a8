// The kusto sink's parts against the test endpoints of tests/fakes/kusto: configuration checks
// naming their keys, Azure AD tokens (client credentials, workload identity with a rotating
// token file, managed identity; cached, renewed, dropped on 401), queued ingestion's blob and
// documented queue message, streaming ingestion and its fallbacks.

#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "libs/base/gzip.h"
#include "runtime/sinks/kusto/aad.h"
#include "runtime/sinks/kusto/ingest_client.h"
#include "runtime/sinks/kusto/settings.h"
#include "tests/fakes/kusto/fake_kusto.h"
#include "tests/support/files.h"

namespace kc::sink::kusto {
namespace {

using testing::FakeKusto;

constexpr std::string_view kMapping =
    R"([{"topic":"t1","db":"db1","table":"T1","format":"json","mapping":"m1"},)"
    R"({"topic":"*","db":"db1","table":"Other","format":"csv","streaming":true}])";

Environment env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

api::Config parse(const api::RawConfig& raw, std::vector<api::ConfigIssue>& issues) {
  return api::Config::parse(config_def(), raw, issues);
}

api::RawConfig base_config(
    const std::string& url = "https://ingest-c.westeurope.kusto.windows.net") {
  return {{"kusto.ingestion.url", url},
          {"aad.auth.appid", "app-1"},
          {"aad.auth.appkey", "app-secret"},
          {"aad.auth.authority", "tenant-1"},
          {"kusto.tables.topics.mapping", std::string(kMapping)}};
}

TEST(KustoSettingsTest, ParsesTheConnectorsKeys) {
  std::vector<api::ConfigIssue> issues;
  auto config = parse(base_config(), issues);
  ASSERT_TRUE(issues.empty()) << issues.front().to_string();
  auto s = parse_settings(config, env({}));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->engine_url, "https://c.westeurope.kusto.windows.net");
  EXPECT_EQ(s->authority_host, "https://login.microsoftonline.com");
  EXPECT_EQ(s->flush_size_bytes, 1 << 20);
  EXPECT_EQ(s->flush_interval.count(), 300'000);
  ASSERT_EQ(s->mappings.size(), 2u);
  EXPECT_EQ(s->mapping_for("t1")->mapping, "m1");
  EXPECT_EQ(s->mapping_for("anything")->table, "Other");
  EXPECT_TRUE(s->mapping_for("anything")->streaming);
}

TEST(KustoSettingsTest, AcceptsTheOldUrlKeyAndSingleQuotedMappings) {
  auto raw = base_config();
  raw.erase("kusto.ingestion.url");
  raw["kusto.url"] = "https://ingest-old.kusto.windows.net/";
  raw["kusto.tables.topics.mapping"] = "[{'topic': 'a','db': 'd', 'table': 'T','format': 'csv'}]";
  std::vector<api::ConfigIssue> issues;
  auto s = parse_settings(parse(raw, issues), env({}));
  ASSERT_TRUE(issues.empty()) << issues.front().to_string();
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->ingestion_url, "https://ingest-old.kusto.windows.net");
  EXPECT_EQ(s->mappings[0].format, "csv");
}

TEST(KustoSettingsTest, RefusedValuesNameTheirKey) {
  struct Case {
    std::string key, value, expect;
  };
  for (const auto& c : std::vector<Case>{
           {"kusto.tables.topics.mapping", "not json", "JSON list"},
           {"kusto.tables.topics.mapping", R"([{"topic":"a","db":"d"}])", "no \"table\""},
           {"kusto.tables.topics.mapping", R"([{"topic":"a","db":"d","table":"T","format":"xml"}])",
            "unknown format \"xml\""},
           {"kusto.tables.topics.mapping",
            R"([{"topic":"a","db":"d","table":"T","streaming":"maybe"}])", "streaming"},
           {"kusto.ingestion.url", "ftp://x", "URL"},
           {"aad.auth.strategy", "password", "password"},
           {"flush.size.bytes", "10", "at least 100"},
           {"connection.proxy.host", "proxy.local", "not supported"}}) {
    auto raw = base_config();
    raw[c.key] = c.value;
    std::vector<api::ConfigIssue> issues;
    parse(raw, issues);
    ASSERT_EQ(issues.size(), 1u) << c.key << "=" << c.value;
    EXPECT_EQ(issues[0].key, c.key);
    EXPECT_NE(issues[0].to_string().find(c.expect), std::string::npos) << issues[0].to_string();
  }
}

TEST(KustoSettingsTest, MissingCredentialsNameTheKeysAndTheAppKeyIsASecret) {
  auto raw = base_config();
  raw.erase("aad.auth.appkey");
  raw.erase("aad.auth.authority");
  std::vector<api::ConfigIssue> issues;
  auto s = parse_settings(parse(raw, issues), env({}));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("aad.auth.appkey: required"), std::string::npos);
  EXPECT_NE(s.error().message().find("aad.auth.authority: required"), std::string::npos);
  EXPECT_EQ(config_def().find("aad.auth.appkey")->type, api::ConfigType::kPassword);
  EXPECT_TRUE(api::is_sensitive_key("aad.auth.appkey"));
}

TEST(KustoSettingsTest, WorkloadIdentityReadsAzureEnvironmentVariables) {
  auto raw = base_config();
  raw.erase("aad.auth.appkey");
  raw.erase("aad.auth.appid");
  raw.erase("aad.auth.authority");
  raw["aad.auth.strategy"] = "workload_identity";
  std::vector<api::ConfigIssue> issues;
  auto config = parse(raw, issues);
  auto missing = parse_settings(config, env({}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("AZURE_FEDERATED_TOKEN_FILE"), std::string::npos);
  auto s =
      parse_settings(config, env({{"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"},
                                  {"AZURE_CLIENT_ID", "cid"},
                                  {"AZURE_TENANT_ID", "tid"},
                                  {"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/"}}));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->app_id, "cid");
  EXPECT_EQ(s->tenant, "tid");
  EXPECT_EQ(s->authority_host, "https://login.microsoftonline.us");
}

class KustoClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto f = FakeKusto::start({});
    ASSERT_TRUE(f) << f.error().message();
    fake_ = std::move(*f);
  }

  Settings settings(AuthStrategy strategy = AuthStrategy::kApplication) {
    auto raw = base_config(fake_->url());
    raw["kusto.query.url"] = fake_->engine_url();
    raw["aad.auth.authority.host"] = fake_->aad_url();
    std::vector<api::ConfigIssue> issues;
    auto config = parse(raw, issues);
    auto s = parse_settings(config, env({}));
    EXPECT_TRUE(s) << s.error().message();
    s->strategy = strategy;
    s->retry_backoff = std::chrono::milliseconds(10);
    return *s;
  }

  IngestBatch batch(const std::string& rows, const std::string& tag = "c-T1-0-0-2-abc") {
    return {.database = "db1",
            .table = "T1",
            .format = "json",
            .mapping = "m1",
            .tag = tag,
            .gzipped = gzip::compress(rows),
            .raw_size = rows.size()};
  }

  std::unique_ptr<FakeKusto> fake_;
  SinkProbe* probe_ = nullptr;
};

TEST_F(KustoClientTest, ClientCredentialsTokensAreCachedUntilCloseToExpiry) {
  auto tokens = TokenProvider::create(settings(), env({}), probe_, {});
  ASSERT_TRUE(tokens) << tokens.error().message();
  auto a = (*tokens)->token(fake_->url());
  ASSERT_TRUE(a) << a.error().message();
  auto b = (*tokens)->token(fake_->url());
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(fake_->tokens_issued(), 1u);
  // A token that lives 0 s is renewed for every use.
  fake_->set_token_lifetime(std::chrono::seconds(0));
  (*tokens)->invalidate(fake_->url());
  ASSERT_TRUE((*tokens)->token(fake_->url()));
  ASSERT_TRUE((*tokens)->token(fake_->url()));
  EXPECT_EQ(fake_->tokens_issued(), 3u);
}

TEST_F(KustoClientTest, AWrongSecretIsRefusedWithAzureAdsReasonAndWithoutTheSecret) {
  auto s = settings();
  s.app_key = "wrong-secret-value";
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  ASSERT_TRUE(tokens);
  auto t = (*tokens)->token(fake_->url());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), Errc::kPermissionDenied);
  EXPECT_NE(t.error().message().find("AADSTS7000215"), std::string::npos) << t.error().message();
  EXPECT_EQ(t.error().message().find("wrong-secret-value"), std::string::npos);
}

TEST_F(KustoClientTest, WorkloadIdentityExchangesTheFederatedTokenFileReadAgainWhenItRotates) {
  kc::testing::TempDir dir;
  auto file = dir.file("azure-identity-token");
  kc::testing::write_text(file, "federated-1\n");
  fake_->set_federated_token("federated-1");
  fake_->set_token_lifetime(std::chrono::seconds(0));
  auto environment = env({{"AZURE_FEDERATED_TOKEN_FILE", file}});
  auto tokens =
      TokenProvider::create(settings(AuthStrategy::kWorkloadIdentity), environment, probe_, {});
  ASSERT_TRUE(tokens);
  auto first = (*tokens)->token(fake_->url());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(fake_->last_assertion(), "federated-1");
  // kubelet rotates the projected token: the next exchange sends the new one.
  kc::testing::write_text(file, "federated-2");
  fake_->set_federated_token("federated-2");
  auto second = (*tokens)->token(fake_->url());
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(fake_->last_assertion(), "federated-2");
  EXPECT_NE(*first, *second);
}

TEST_F(KustoClientTest, ManagedIdentityAsksTheMetadataEndpoint) {
  auto tokens = TokenProvider::create(
      settings(AuthStrategy::kManagedIdentity),
      env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", fake_->aad_url()}}), probe_, {});
  ASSERT_TRUE(tokens);
  auto t = (*tokens)->token(fake_->url());
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(fake_->tokens_issued(), 1u);
}

TEST_F(KustoClientTest, QueuedIngestionUploadsTheGzipBlobAndPostsTheDocumentedMessage) {
  auto s = settings();
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  ASSERT_TRUE(tokens);
  auto client = IngestClient::create(s, **tokens, probe_, {});
  ASSERT_TRUE(client);
  ASSERT_TRUE((*client)->check());
  std::string rows = "{\"id\":1}\n{\"id\":2}\n";
  auto ingested = (*client)->ingest_queued(batch(rows));
  ASSERT_TRUE(ingested) << ingested.error().message();
  EXPECT_EQ(fake_->rows("db1", "T1"), (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
  auto messages = fake_->messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m["DatabaseName"], "db1");
  EXPECT_EQ(m["TableName"], "T1");
  EXPECT_EQ(m["RawDataSize"], rows.size());
  const auto& p = m["AdditionalProperties"];
  EXPECT_EQ(p["format"], "json");
  EXPECT_EQ(p["ingestionMappingReference"], "m1");
  EXPECT_EQ(p["tags"], R"(["ingest-by:c-T1-0-0-2-abc"])");
  EXPECT_EQ(p["ingestIfNotExists"], R"(["c-T1-0-0-2-abc"])");

  // The same batch again (a replay): ADX skips it for its ingest-by tag.
  ASSERT_TRUE((*client)->ingest_queued(batch(rows)));
  EXPECT_EQ(fake_->rows("db1", "T1").size(), 2u);
  EXPECT_EQ(fake_->skipped_duplicates(), 1u);
  EXPECT_EQ((*client)->resource_fetches(), 1u);  // cached
}

TEST_F(KustoClientTest, AnExpiredTokenIsRenewedAndTheRequestRepeated) {
  auto s = settings();
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  auto client = IngestClient::create(s, **tokens, probe_, {});
  ASSERT_TRUE(client);
  // A token the provider believes valid for an hour stops being accepted.
  ASSERT_TRUE((*tokens)->token(s.ingestion_url));
  fake_->revoke_tokens();
  auto checked = (*client)->check();
  ASSERT_TRUE(checked) << checked.error().message();
  EXPECT_EQ(fake_->unauthorized(), 1u);
  EXPECT_EQ(fake_->tokens_issued(), 2u);
}

TEST_F(KustoClientTest, ThrottledAnswersAreRetriableAndTheirRetryAfterHonoured) {
  auto s = settings();
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  auto client = IngestClient::create(s, **tokens, probe_, {});
  ASSERT_TRUE((*client)->check());
  fake_->throttle_next(FakeKusto::Endpoint::kQueue, 1, 503, 1);
  auto first = (*client)->ingest_queued(batch("{\"id\":1}\n"));
  ASSERT_FALSE(first);
  EXPECT_TRUE(first.error().retriable());
  EXPECT_NE(first.error().message().find("503"), std::string::npos);
  EXPECT_EQ(first.error().message().find("sig="), std::string::npos);  // no SAS in messages
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE((*client)->ingest_queued(batch("{\"id\":1}\n")));
  // Retry-After: 1 held the next request to the queue service back.
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  EXPECT_EQ(fake_->rows("db1", "T1").size(), 1u);
}

TEST_F(KustoClientTest, StreamingIngestsAndFallsBackWhenRefusedThrottledOrTooLarge) {
  auto s = settings();
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  auto client = IngestClient::create(s, **tokens, probe_, {});
  auto streamed = (*client)->ingest_streaming(batch("{\"id\":1}\n"));
  ASSERT_TRUE(streamed) << streamed.error().message();
  EXPECT_EQ(*streamed, StreamOutcome::kIngested);
  EXPECT_EQ(fake_->streaming_ingests(), 1u);

  fake_->throttle_next(FakeKusto::Endpoint::kStreaming, 1, 429, 30);
  EXPECT_EQ((*client)->ingest_streaming(batch("{\"id\":2}\n")), StreamOutcome::kUseQueued);
  // Still within Retry-After: not asked again, queued at once.
  auto before = fake_->requests(FakeKusto::Endpoint::kStreaming);
  EXPECT_EQ((*client)->ingest_streaming(batch("{\"id\":3}\n")), StreamOutcome::kUseQueued);
  EXPECT_EQ(fake_->requests(FakeKusto::Endpoint::kStreaming), before);

  auto big = batch("{\"id\":4}\n");
  big.raw_size = kMaxStreamingBytes + 1;
  EXPECT_EQ((*client)->ingest_streaming(big), StreamOutcome::kUseQueued);
}

TEST_F(KustoClientTest, ATableWithoutTheStreamingPolicyFallsBackToQueued) {
  auto s = settings();
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  auto client = IngestClient::create(s, **tokens, probe_, {});
  fake_->disable_streaming("T1");
  EXPECT_EQ((*client)->ingest_streaming(batch("{\"id\":1}\n")), StreamOutcome::kUseQueued);
}

TEST_F(KustoClientTest, TableValidationNamesTheMissingTable) {
  auto s = settings();
  auto tokens = TokenProvider::create(s, env({}), probe_, {});
  auto client = IngestClient::create(s, **tokens, probe_, {});
  fake_->add_table("T1");
  EXPECT_TRUE((*client)->check_table("db1", "T1"));
  auto missing = (*client)->check_table("db1", "Nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("db1.Nope"), std::string::npos);
}

}  // namespace
}  // namespace kc::sink::kusto
