// The kusto sink in the pipeline: records from the mock Kafka cluster become rows in the test
// Azure Data Explorer (tests/fakes/kusto) through queued ingestion (blob + queue message with an
// ingest-by tag) or streaming ingestion; a throttled streaming request falls back to queued; an
// access token revoked mid-stream is renewed; 503 with Retry-After is retried; a batch ingested
// before a failure is not ingested again by the replay (ingestIfNotExists); behavior.on.error
// fail | log | ignore, and the dead-letter queue for records of a batch Kusto did not take.

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/fakes/kusto/fake_kusto.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeKusto;

class KustoSinkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    auto f = FakeKusto::start({});
    ASSERT_TRUE(f) << f.error().message();
    kusto_ = std::move(*f);
  }

  // A kusto connector for `topic` (table = "T_<topic>") with schemaless JSON values.
  std::shared_ptr<const config::ConnectorConfig> connector(const std::string& name,
                                                           const std::string& topic,
                                                           const api::RawConfig& extra = {},
                                                           bool streaming = false) {
    api::RawConfig raw = {
        {"name", name},
        {"connector.class", "com.microsoft.azure.kusto.kafka.connect.sink.KustoSinkConnector"},
        {"topics", topic},
        {"kusto.ingestion.url", kusto_->url()},
        {"kusto.query.url", kusto_->engine_url()},
        {"aad.auth.authority.host", kusto_->aad_url()},
        {"aad.auth.authority", "tenant-1"},
        {"aad.auth.appid", "app-1"},
        {"aad.auth.appkey", "app-secret"},
        {"kusto.tables.topics.mapping",
         fmt::format(R"([{{"topic":"{}","db":"db","table":"T_{}","format":"json",)"
                     R"("mapping":"m","streaming":{}}}])",
                     topic, topic, streaming)},
        {"errors.retry.backoff.time.ms", "100"},
        {"flush.interval.ms", "200"},
        {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"value.converter.schemas.enable", "false"}};
    for (const auto& [k, v] : extra) raw[k] = v;
    std::vector<api::ConfigIssue> issues;
    auto worker = config::parse_worker_config(
        {{"bootstrap.servers", cluster_->bootstrap_servers()},
         {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
         {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
         {"consumer.session.timeout.ms", "6000"},
         {"consumer.heartbeat.interval.ms", "500"}},
        issues);
    auto r = config::validate_connector(worker, raw, registry::builtin());
    EXPECT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues.front().to_string());
    return std::make_shared<const config::ConnectorConfig>(std::move(*r.config));
  }

  std::unique_ptr<pipeline::Worker> worker() {
    return std::make_unique<pipeline::Worker>(
        pipeline::WorkerContext{.worker_id = "w", .flush_interval = 200ms, .metrics = &metrics_});
  }

  pipeline::TaskStatus task(pipeline::Worker& w, const std::string& name) {
    auto s = w.status(name);
    return s && !s->tasks.empty() ? s->tasks[0] : pipeline::TaskStatus{};
  }

  int64_t committed(const std::string& connector, const std::string& topic, int32_t partition) {
    return testing::committed_offsets(cluster_->bootstrap_servers(), "connect-" + connector, topic,
                                      partition + 1)[partition];
  }

  // The "id" of every row of the topic's table, sorted (duplicates kept).
  std::vector<int> ids(const std::string& topic) {
    std::vector<int> out;
    auto rows = kusto_->rows("db", "T_" + topic);
    out.reserve(rows.size());
    for (const auto& row : rows) out.push_back(nlohmann::json::parse(row).at("id").get<int>());
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::vector<int> range(int from, int to) {
    std::vector<int> out;
    out.reserve(static_cast<size_t>(to - from));
    for (int i = from; i < to; ++i) out.push_back(i);
    return out;
  }

  void produce_json(const std::string& topic, int from, int to, int32_t partition = 0) {
    testing::produce(
        cluster_->bootstrap_servers(), topic, to - from,
        [from](int i) { return fmt::format(R"({{"id":{},"name":"n{}"}})", from + i, from + i); },
        nullptr, partition);
  }

  static std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  metrics::Registry metrics_;
  std::unique_ptr<FakeKusto> kusto_;
};
std::unique_ptr<kafka::EmbeddedCluster> KustoSinkTest::cluster_;

TEST_F(KustoSinkTest, QueuedIngestionTagsEveryBatchAndCommitsAfterTheQueueAccepted) {
  const std::string topic = "k_queued";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  produce_json(topic, 0, 20, 0);
  produce_json(topic, 20, 40, 1);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-queued", topic)));
  ASSERT_TRUE(eventually([&] { return ids(topic).size() >= 40; }, 60s))
      << task(*w, "k-queued").trace;
  ASSERT_TRUE(eventually(
      [&] {
        return committed("k-queued", topic, 0) == 20 && committed("k-queued", topic, 1) == 20;
      },
      30s));
  EXPECT_EQ(ids(topic), range(0, 40));
  auto messages = kusto_->messages();
  ASSERT_GE(messages.size(), 2u);  // one batch per partition at least
  for (const auto& m : messages) {
    const auto& p = m["AdditionalProperties"];
    auto tags = nlohmann::json::parse(p["tags"].get<std::string>());
    auto if_not = nlohmann::json::parse(p["ingestIfNotExists"].get<std::string>());
    ASSERT_EQ(tags.size(), 1u);
    EXPECT_EQ(tags[0].get<std::string>(), "ingest-by:" + if_not[0].get<std::string>());
    EXPECT_EQ(tags[0].get<std::string>().rfind("ingest-by:k-queued-T_k_queued-", 0), 0u) << tags;
    EXPECT_EQ(p["ingestionMappingReference"], "m");
  }
  EXPECT_EQ(kusto_->streaming_ingests(), 0u);
  w->stop();
}

TEST_F(KustoSinkTest, CsvValuesGoToTheWildcardEntryOneLineEach) {
  const std::string topic = "k_csv";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  testing::produce(
      cluster_->bootstrap_servers(), topic, 10, [](int i) { return fmt::format("{},n{}", i, i); },
      nullptr, 0);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(
      "k-csv", topic,
      {{"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
       {"kusto.tables.topics.mapping",
        R"([{"topic":"other","db":"db","table":"Other"},)"
        R"({"topic":"*","db":"db","table":"T_k_csv","format":"csv","mapping":"CsvMap"}])"}})));
  ASSERT_TRUE(eventually([&] { return committed("k-csv", topic, 0) == 10; }, 60s))
      << task(*w, "k-csv").trace;
  auto rows = kusto_->rows("db", "T_k_csv");
  std::sort(rows.begin(), rows.end());
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows.front(), "0,n0");
  auto messages = kusto_->messages();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages[0]["AdditionalProperties"]["format"], "csv");
  EXPECT_EQ(messages[0]["AdditionalProperties"]["ingestionMappingReference"], "CsvMap");
  EXPECT_TRUE(kusto_->rows("db", "Other").empty());
  w->stop();
}

TEST_F(KustoSinkTest, AThrottledStreamingRequestFallsBackToQueuedIngestion) {
  const std::string topic = "k_stream";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  kusto_->throttle_next(FakeKusto::Endpoint::kStreaming, 1, 429, 1);
  produce_json(topic, 0, 10);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-stream", topic, {}, /*streaming=*/true)));
  ASSERT_TRUE(eventually([&] { return ids(topic).size() >= 10; }, 60s))
      << task(*w, "k-stream").trace;
  EXPECT_EQ(kusto_->messages().size(), 1u);  // the throttled batch went through the queue
  EXPECT_EQ(kusto_->streaming_ingests(), 0u);
  // Once the engine's Retry-After has passed, batches stream again.
  std::this_thread::sleep_for(1100ms);
  produce_json(topic, 10, 20);
  ASSERT_TRUE(eventually([&] { return ids(topic).size() >= 20; }, 60s))
      << task(*w, "k-stream").trace;
  EXPECT_EQ(ids(topic), range(0, 20));
  EXPECT_GE(kusto_->streaming_ingests(), 1u);
  ASSERT_TRUE(eventually([&] { return committed("k-stream", topic, 0) == 20; }, 30s));
  w->stop();
}

TEST_F(KustoSinkTest, ATableWithoutTheStreamingPolicyIsIngestedQueued) {
  const std::string topic = "k_nostream";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  kusto_->disable_streaming("T_" + topic);
  produce_json(topic, 0, 10);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-nostream", topic, {}, /*streaming=*/true)));
  ASSERT_TRUE(eventually([&] { return committed("k-nostream", topic, 0) == 10; }, 60s))
      << task(*w, "k-nostream").trace;
  EXPECT_EQ(ids(topic), range(0, 10));
  EXPECT_EQ(kusto_->streaming_ingests(), 0u);
  EXPECT_GE(kusto_->messages().size(), 1u);
  w->stop();
}

TEST_F(KustoSinkTest, AnAccessTokenRevokedMidStreamIsRenewed) {
  const std::string topic = "k_token";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 10);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-token", topic, {}, /*streaming=*/true)));
  ASSERT_TRUE(eventually([&] { return ids(topic).size() >= 10; }, 60s))
      << task(*w, "k-token").trace;
  auto issued = kusto_->tokens_issued();
  kusto_->revoke_tokens();  // as if they had expired early
  produce_json(topic, 10, 20);
  ASSERT_TRUE(eventually([&] { return committed("k-token", topic, 0) == 20; }, 60s))
      << task(*w, "k-token").trace;
  EXPECT_EQ(ids(topic), range(0, 20));
  EXPECT_GE(kusto_->unauthorized(), 1u);
  EXPECT_GT(kusto_->tokens_issued(), issued);
  EXPECT_EQ(kusto_->streaming_ingests(), 2u);
  EXPECT_EQ(task(*w, "k-token").state, pipeline::TaskState::kRunning);
  w->stop();
}

// AKS Workload Identity as the webhook sets it up: no credentials in the configuration, the
// environment names the client, tenant, authority host and the projected service account token,
// which kubelet rotates; the next token exchange sends the new one.
TEST_F(KustoSinkTest, WorkloadIdentityUsesTheEnvironmentAndTheRotatedTokenFile) {
  const std::string topic = "k_wi";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  testing::TempDir dir;
  auto file = dir.file("azure-identity-token");
  testing::write_text(file, "projected-token-1");
  kusto_->set_federated_token("projected-token-1");
  // NOLINTBEGIN(concurrency-mt-unsafe): set before the worker starts, unset after it stopped.
  ::setenv("AZURE_FEDERATED_TOKEN_FILE", file.c_str(), 1);
  ::setenv("AZURE_CLIENT_ID", "app-1", 1);
  ::setenv("AZURE_TENANT_ID", "tenant-1", 1);
  ::setenv("AZURE_AUTHORITY_HOST", kusto_->aad_url().c_str(), 1);
  produce_json(topic, 0, 10);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-wi", topic,
                                         {{"aad.auth.strategy", "workload_identity"},
                                          {"aad.auth.appid", ""},
                                          {"aad.auth.appkey", ""},
                                          {"aad.auth.authority", ""},
                                          {"aad.auth.authority.host", ""}},
                                         /*streaming=*/true)));
  ASSERT_TRUE(eventually([&] { return ids(topic).size() >= 10; }, 60s)) << task(*w, "k-wi").trace;
  EXPECT_EQ(kusto_->last_assertion(), "projected-token-1");
  testing::write_text(file, "projected-token-2");
  kusto_->set_federated_token("projected-token-2");
  kusto_->revoke_tokens();
  produce_json(topic, 10, 20);
  ASSERT_TRUE(eventually([&] { return committed("k-wi", topic, 0) == 20; }, 60s))
      << task(*w, "k-wi").trace;
  EXPECT_EQ(ids(topic), range(0, 20));
  EXPECT_EQ(kusto_->last_assertion(), "projected-token-2");
  w->stop();
  for (const char* name :
       {"AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST"})
    ::unsetenv(name);
  // NOLINTEND(concurrency-mt-unsafe)
}

TEST_F(KustoSinkTest, TokensThatExpireAreRenewedBeforeUse) {
  const std::string topic = "k_expiry";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  kusto_->set_token_lifetime(1s);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-expiry", topic, {}, /*streaming=*/true)));
  for (int wave = 0; wave < 3; ++wave) {
    produce_json(topic, wave * 5, wave * 5 + 5);
    ASSERT_TRUE(
        eventually([&] { return ids(topic).size() >= static_cast<size_t>(wave * 5 + 5); }, 60s))
        << task(*w, "k-expiry").trace;
    std::this_thread::sleep_for(1100ms);  // the token in the cache has expired
  }
  EXPECT_EQ(ids(topic), range(0, 15));
  EXPECT_GE(kusto_->tokens_issued(), 3u);
  EXPECT_EQ(kusto_->unauthorized(), 0u);  // renewed before they expired, never refused
  w->stop();
}

TEST_F(KustoSinkTest, ThrottlingAndUnavailabilityWithRetryAfterAreRetried) {
  const std::string topic = "k_retry";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  kusto_->throttle_next(FakeKusto::Endpoint::kQueue, 1, 503, 1);
  kusto_->throttle_next(FakeKusto::Endpoint::kBlob, 1, 429, 1);
  produce_json(topic, 0, 10);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-retry", topic)));
  ASSERT_TRUE(eventually([&] { return committed("k-retry", topic, 0) == 10; }, 60s))
      << task(*w, "k-retry").trace;
  EXPECT_EQ(ids(topic), range(0, 10));
  EXPECT_EQ(kusto_->requests(FakeKusto::Endpoint::kQueue), 2u);
  EXPECT_EQ(kusto_->requests(FakeKusto::Endpoint::kBlob), 3u);  // 429, then once per attempt
  EXPECT_EQ(task(*w, "k-retry").state, pipeline::TaskState::kRunning);
  w->stop();
}

// The queue took a batch's message but its answer was lost; the task gives up
// (errors.retry.max.time.ms) and fails with nothing committed. The restarted task replays from
// the committed offset, cuts the same batches (flush.size.bytes), and Kusto skips the one it has
// (ingestIfNotExists on its ingest-by tag): every row once.
TEST_F(KustoSinkTest, ABatchIngestedBeforeAFailureIsNotIngestedAgainByTheReplay) {
  const std::string topic = "k_replay";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 30);
  // {"id":N,"name":"nN"}\n is 20-22 bytes: a batch closes at its 10th row or so.
  api::RawConfig extra = {{"flush.size.bytes", "200"}, {"errors.retry.max.time.ms", "300"}};
  std::atomic<bool> crashed{false};
  kusto_->on_message_ingested([&](const nlohmann::json&) {
    if (!crashed.exchange(true)) kusto_->set_unavailable(FakeKusto::Endpoint::kQueue, true);
  });
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-replay", topic, extra)));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "k-replay").state == pipeline::TaskState::kFailed; }, 60s));
  auto first = ids(topic);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first, range(0, static_cast<int>(first.size())));  // the first batch is in Kusto...
  EXPECT_LT(committed("k-replay", topic, 0), static_cast<int64_t>(first.size()));  // ...uncommitted
  w->stop();
  w.reset();

  kusto_->on_message_ingested(nullptr);
  kusto_->set_unavailable(FakeKusto::Endpoint::kQueue, false);
  auto restarted = worker();
  ASSERT_TRUE(restarted->add_connector(connector("k-replay", topic, extra)));
  ASSERT_TRUE(eventually([&] { return committed("k-replay", topic, 0) == 30; }, 60s))
      << task(*restarted, "k-replay").trace;
  EXPECT_EQ(ids(topic), range(0, 30));
  EXPECT_EQ(kusto_->skipped_duplicates(), 1u);
  restarted->stop();
}

TEST_F(KustoSinkTest, BehaviorOnErrorFailFailsTheTaskNamingTheQueue) {
  const std::string topic = "k_fail";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 5);
  kusto_->set_unavailable(FakeKusto::Endpoint::kQueue, true);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(
      "k-fail", topic, {{"behavior.on.error", "fail"}, {"errors.retry.max.time.ms", "300"}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "k-fail").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "k-fail").trace;
  EXPECT_NE(trace.find("/queue/readyforaggregation-secured"), std::string::npos) << trace;
  EXPECT_NE(trace.find("errors.retry.max.time.ms"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("sig="), std::string::npos) << trace;  // no SAS
  EXPECT_LT(committed("k-fail", topic, 0), 5);
  w->stop();
}

TEST_F(KustoSinkTest, BehaviorOnErrorLogSendsTheBatchToTheDeadLetterQueueAndGoesOn) {
  const std::string topic = "k_log";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  ASSERT_TRUE(cluster_->create_topic("k_log_dlq", 1));
  produce_json(topic, 0, 5);
  kusto_->set_unavailable(FakeKusto::Endpoint::kQueue, true);
  auto w = worker();
  ASSERT_TRUE(
      w->add_connector(connector("k-log", topic,
                                 {{"behavior.on.error", "log"},
                                  {"errors.retry.max.time.ms", "300"},
                                  {"misc.deadletterqueue.topic.name", "k_log_dlq"},
                                  {"errors.deadletterqueue.topic.replication.factor", "1"}})));
  ASSERT_TRUE(eventually([&] { return committed("k-log", topic, 0) == 5; }, 60s))
      << task(*w, "k-log").trace;
  auto dead = testing::read_all(cluster_->bootstrap_servers(), "k_log_dlq", 5, 30s);
  ASSERT_EQ(dead.size(), 5u);
  EXPECT_EQ(*dead[0].value, R"({"id":0,"name":"n0"})");
  EXPECT_TRUE(ids(topic).empty());
  EXPECT_EQ(task(*w, "k-log").state, pipeline::TaskState::kRunning);
  // Kusto is back: later records are ingested.
  kusto_->set_unavailable(FakeKusto::Endpoint::kQueue, false);
  produce_json(topic, 5, 10);
  ASSERT_TRUE(eventually([&] { return committed("k-log", topic, 0) == 10; }, 60s));
  EXPECT_EQ(ids(topic), range(5, 10));
  w->stop();
}

TEST_F(KustoSinkTest, BehaviorOnErrorIgnoreDropsTheBatchAndGoesOn) {
  const std::string topic = "k_ignore";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 5);
  kusto_->set_unavailable(FakeKusto::Endpoint::kQueue, true);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(
      "k-ignore", topic, {{"behavior.on.error", "ignore"}, {"errors.retry.max.time.ms", "300"}})));
  ASSERT_TRUE(eventually([&] { return committed("k-ignore", topic, 0) == 5; }, 60s))
      << task(*w, "k-ignore").trace;
  EXPECT_TRUE(ids(topic).empty());
  EXPECT_EQ(task(*w, "k-ignore").state, pipeline::TaskState::kRunning);
  w->stop();
}

TEST_F(KustoSinkTest, AWrongSecretFailsTheTaskBeforeItConsumesWithoutShowingTheSecret) {
  const std::string topic = "k_auth";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 3);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("k-auth", topic, {{"aad.auth.appkey", "not-the-key"}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "k-auth").state == pipeline::TaskState::kFailed; }, 60s));
  auto status = task(*w, "k-auth");
  EXPECT_NE(status.trace.find("AADSTS7000215"), std::string::npos) << status.trace;
  EXPECT_EQ(status.trace.find("not-the-key"), std::string::npos) << status.trace;
  EXPECT_EQ(status.records_consumed, 0u);
  w->stop();
}

}  // namespace
}  // namespace kc
