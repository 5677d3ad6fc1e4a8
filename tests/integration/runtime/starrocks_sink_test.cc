// The starrocks sink in the pipeline: records from the mock Kafka cluster become rows in the test
// StarRocks (tests/fakes/starrocks), through the FE's redirect; a batch loaded before a crash is
// not loaded again after the restart (its label is refused); bad credentials and an unreachable
// FE fail the task with a message naming them; a failed load is retried.

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/fakes/starrocks/fake_starrocks.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

class StarRocksSinkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    auto f = testing::FakeStarRocks::start({});
    ASSERT_TRUE(f) << f.error().message();
    starrocks_ = std::move(*f);
  }

  // A starrocks connector for `topic` (table = topic) with schemaless JSON values.
  std::shared_ptr<const config::ConnectorConfig> connector(const std::string& name,
                                                           const std::string& topic,
                                                           const api::RawConfig& extra = {}) {
    api::RawConfig raw = {
        {"name", name},
        {"connector.class", "com.starrocks.connector.kafka.StarRocksSinkConnector"},
        {"topics", topic},
        {"starrocks.http.url", starrocks_->fe_address()},
        {"starrocks.database.name", "db"},
        {"starrocks.username", "root"},
        {"starrocks.password", "secret"},
        {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"value.converter.schemas.enable", "false"}};
    for (auto& [k, v] : extra) raw[k] = v;
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

  // The "id" of every JSON row of `table`, sorted (duplicates kept).
  std::vector<int> ids(const std::string& table) {
    std::vector<int> out;
    auto rows = starrocks_->rows(table);
    out.reserve(rows.size());
    for (const auto& row : rows) {
      out.push_back(nlohmann::json::parse(row).at("id").get<int>());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::vector<int> range(int n) {
    std::vector<int> out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out[static_cast<size_t>(i)] = i;
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
  std::unique_ptr<testing::FakeStarRocks> starrocks_;
};
std::unique_ptr<kafka::EmbeddedCluster> StarRocksSinkTest::cluster_;

TEST_F(StarRocksSinkTest, JsonRecordsBecomeRowsThroughTheFesRedirect) {
  const std::string topic = "sr_json";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  produce_json(topic, 0, 20, 0);
  produce_json(topic, 20, 40, 1);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("sr-json", topic)));
  ASSERT_TRUE(eventually([&] { return starrocks_->rows(topic).size() >= 40; }, 60s))
      << task(*w, "sr-json").trace;
  ASSERT_TRUE(eventually(
      [&] { return committed("sr-json", topic, 0) == 20 && committed("sr-json", topic, 1) == 20; },
      30s));
  EXPECT_EQ(ids(topic), range(40));
  EXPECT_EQ(starrocks_->rows(topic)[0].find(R"("name":)") != std::string::npos, true);
  EXPECT_GE(starrocks_->fe_loads(), 2u);  // one load per partition at least, each redirected
  EXPECT_EQ(starrocks_->fe_loads(), starrocks_->be_loads());
  EXPECT_EQ(starrocks_->loads_without_expect_continue(), 0u);
  EXPECT_EQ(starrocks_->last_headers().at("strip_outer_array"), "true");
  w->stop();
}

TEST_F(StarRocksSinkTest, StructsFromTheJsonConverterBecomeJsonRowsInTheMappedTable) {
  const std::string topic = "sr_struct";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  testing::produce(
      cluster_->bootstrap_servers(), topic, 5,
      [](int i) {
        return fmt::format(
            R"({{"schema":{{"type":"struct","fields":[{{"field":"id","type":"int32"}},)"
            R"({{"field":"tags","type":"array","items":{{"type":"string"}}}}]}},)"
            R"("payload":{{"id":{},"tags":["a","b"]}}}})",
            i);
      },
      nullptr, 0);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("sr-struct", topic,
                                         {{"value.converter.schemas.enable", "true"},
                                          {"starrocks.topic2table.map", topic + ":t_struct"}})));
  ASSERT_TRUE(eventually([&] { return starrocks_->rows("t_struct").size() >= 5; }, 60s))
      << task(*w, "sr-struct").trace;
  EXPECT_EQ(starrocks_->rows("t_struct")[0], R"({"id":0,"tags":["a","b"]})");
  EXPECT_EQ(ids("t_struct"), range(5));
  w->stop();
}

TEST_F(StarRocksSinkTest, CsvRecordsBecomeLines) {
  const std::string topic = "sr_csv";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  testing::produce(
      cluster_->bootstrap_servers(), topic, 10, [](int i) { return fmt::format("{},n{}", i, i); },
      nullptr, 0);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(
      connector("sr-csv", topic,
                {{"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
                 {"sink.properties.format", "csv"},
                 {"sink.properties.column_separator", ","}})));
  ASSERT_TRUE(eventually([&] { return starrocks_->rows(topic).size() >= 10; }, 60s))
      << task(*w, "sr-csv").trace;
  auto rows = starrocks_->rows(topic);
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows.front(), "0,n0");
  EXPECT_EQ(rows.size(), 10u);
  EXPECT_EQ(starrocks_->last_headers().at("format"), "csv");
  EXPECT_EQ(starrocks_->last_headers().at("column_separator"), ",");
  w->stop();
}

// The worker stops between a load and the Kafka commit that would follow it (the BE committed,
// then went away, so the task fails with nothing committed), and before the other batches were
// loaded. The restarted task replays from the committed offset, forms the same batches
// (bufferflush.maxrecords), and StarRocks refuses the loaded one's label: every row once.
TEST_F(StarRocksSinkTest, ABatchLoadedBeforeACrashIsNotLoadedAgainByTheReplay) {
  const std::string topic = "sr_replay";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 30);
  api::RawConfig extra = {{"bufferflush.maxrecords", "10"}, {"sink.maxretries", "1"}};

  std::atomic<bool> crashed{false};
  starrocks_->on_committed([&](const std::string&) {
    if (!crashed.exchange(true)) starrocks_->set_unavailable(true);
  });
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("sr-replay", topic, extra)));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "sr-replay").state == pipeline::TaskState::kFailed; }, 60s));
  EXPECT_EQ(ids(topic), range(10));                 // the first batch is in StarRocks...
  EXPECT_LT(committed("sr-replay", topic, 0), 10);  // ...and not committed to Kafka
  w->stop();
  w.reset();

  starrocks_->on_committed(nullptr);
  starrocks_->set_unavailable(false);
  auto restarted = worker();
  ASSERT_TRUE(restarted->add_connector(connector("sr-replay", topic, extra)));
  ASSERT_TRUE(eventually([&] { return committed("sr-replay", topic, 0) == 30; }, 60s))
      << task(*restarted, "sr-replay").trace;
  EXPECT_EQ(ids(topic), range(30));
  EXPECT_EQ(starrocks_->duplicate_labels(), 1u);
  EXPECT_EQ(starrocks_->labels().size(), 3u);
  restarted->stop();
}

// The BE commits a load and its answer is lost: the task retries under the same label and
// StarRocks answers "Label Already Exists" (FINISHED), which counts as loaded.
TEST_F(StarRocksSinkTest, ALostAnswerIsRetriedUnderTheSameLabelWithoutADuplicate) {
  const std::string topic = "sr_lost";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 10);
  std::atomic<bool> lost{false};
  starrocks_->on_committed([&](const std::string&) {
    if (!lost.exchange(true)) starrocks_->set_unavailable(true);
  });
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("sr-lost", topic)));
  ASSERT_TRUE(eventually([&] { return starrocks_->be_loads() >= 1 && lost; }, 60s));
  starrocks_->set_unavailable(false);
  ASSERT_TRUE(eventually([&] { return committed("sr-lost", topic, 0) == 10; }, 60s))
      << task(*w, "sr-lost").trace;
  EXPECT_EQ(ids(topic), range(10));
  EXPECT_EQ(starrocks_->duplicate_labels(), 1u);
  EXPECT_EQ(task(*w, "sr-lost").state, pipeline::TaskState::kRunning);
  w->stop();
}

TEST_F(StarRocksSinkTest, AFailedLoadIsRetriedThenSucceeds) {
  const std::string topic = "sr_fail";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 10);
  starrocks_->fail_next(1, "tablet writer write failed, tablet_id=10010, txn_id=5");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector("sr-fail", topic)));
  ASSERT_TRUE(eventually([&] { return committed("sr-fail", topic, 0) == 10; }, 60s))
      << task(*w, "sr-fail").trace;
  EXPECT_EQ(ids(topic), range(10));
  EXPECT_EQ(starrocks_->labels().size(), 1u);
  EXPECT_GE(starrocks_->be_loads(), 2u);
  w->stop();
}

TEST_F(StarRocksSinkTest, WrongCredentialsFailTheTaskWithAMessageNamingTheUser) {
  const std::string topic = "sr_auth";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 3);
  auto w = worker();
  ASSERT_TRUE(
      w->add_connector(connector("sr-auth", topic, {{"starrocks.password", "not-the-password"}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "sr-auth").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "sr-auth").trace;
  EXPECT_NE(trace.find("HTTP 401"), std::string::npos) << trace;
  EXPECT_NE(trace.find("starrocks.username / starrocks.password"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("not-the-password"), std::string::npos) << trace;
  EXPECT_TRUE(starrocks_->rows(topic).empty());
  w->stop();
}

TEST_F(StarRocksSinkTest, AnUnreachableFeFailsTheTaskBeforeItConsumesNamingTheUrl) {
  const std::string topic = "sr_unreachable";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce_json(topic, 0, 3);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(
      connector("sr-unreachable", topic, {{"starrocks.http.url", "127.0.0.1:1"}})));
  ASSERT_TRUE(eventually(
      [&] { return task(*w, "sr-unreachable").state == pipeline::TaskState::kFailed; }, 60s));
  auto status = task(*w, "sr-unreachable");
  EXPECT_NE(status.trace.find("http://127.0.0.1:1"), std::string::npos) << status.trace;
  EXPECT_EQ(status.records_consumed, 0u);
  w->stop();
}

}  // namespace
}  // namespace kc
