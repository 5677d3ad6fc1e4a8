// The http and rockset sinks in the pipeline: records from the mock Kafka cluster reach the test
// endpoint (tests/fakes/http_target) and their offsets are committed; a record the endpoint
// refuses (HTTP 400) goes to the dead-letter queue with the endpoint's message while the others
// are delivered; an unreachable endpoint fails the task before it consumes, naming the URL; a
// configuration from Rockset's README runs unchanged (the Java class name).

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "libs/base/base64.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/fakes/http_target/fake_http_target.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

class HttpSinkPipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    auto f =
        testing::FakeHttpTarget::start({.authorization = "Basic " + base64::encode("kafka_key:")});
    ASSERT_TRUE(f) << f.error().message();
    target_ = std::move(*f);
  }

  std::shared_ptr<const config::ConnectorConfig> connector(const api::RawConfig& raw) {
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

  api::RawConfig http(const std::string& name, const std::string& topic) {
    return {{"name", name},
            {"connector.class", "http"},
            {"topics", topic},
            {"http.url", target_->url()},
            {"http.auth.type", "basic"},
            {"http.auth.user", "kafka_key"},
            {"http.batch.linger.ms", "200"},
            {"http.retry.backoff.ms", "10"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "false"}};
  }

  std::unique_ptr<pipeline::Worker> worker() {
    return std::make_unique<pipeline::Worker>(
        pipeline::WorkerContext{.worker_id = "w", .flush_interval = 200ms, .metrics = &metrics_});
  }

  pipeline::TaskStatus task(pipeline::Worker& w, const std::string& name) {
    auto s = w.status(name);
    return s && !s->tasks.empty() ? s->tasks[0] : pipeline::TaskStatus{};
  }

  int64_t committed(const std::string& connector, const std::string& topic) {
    return testing::committed_offsets(cluster_->bootstrap_servers(), "connect-" + connector, topic,
                                      1)[0];
  }

  void produce(const std::string& topic, int count,
               const std::function<std::string(int)>& value = nullptr) {
    testing::produce(
        cluster_->bootstrap_servers(), topic, count,
        value ? value : [](int i) { return fmt::format(R"({{"id":{}}})", i); },
        [](int i) { return std::optional<std::string>(fmt::format("k{}", i)); }, 0);
  }

  std::vector<int> ids() {
    std::vector<int> out;
    for (const auto& d : target_->documents()) out.push_back(d.at("id").get<int>());
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  metrics::Registry metrics_;
  std::unique_ptr<testing::FakeHttpTarget> target_;
};
std::unique_ptr<kafka::EmbeddedCluster> HttpSinkPipelineTest::cluster_;

TEST_F(HttpSinkPipelineTest, RecordsReachTheEndpointAndTheirOffsetsAreCommitted) {
  const std::string topic = "http_basic";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce(topic, 25);
  target_->fail_next(1, 503);
  auto w = worker();
  auto raw = http("http-basic", topic);
  raw["http.batch.max.records"] = "10";
  ASSERT_TRUE(w->add_connector(connector(raw)));
  ASSERT_TRUE(eventually([&] { return committed("http-basic", topic) == 25; }, 60s))
      << task(*w, "http-basic").trace;
  std::vector<int> expected(25);
  for (int i = 0; i < 25; ++i) expected[static_cast<size_t>(i)] = i;
  EXPECT_EQ(ids(), expected);
  EXPECT_EQ(task(*w, "http-basic").state, pipeline::TaskState::kRunning);
  w->stop();
}

TEST_F(HttpSinkPipelineTest, ARefusedRecordGoesToTheDeadLetterQueueWithTheTargetsMessage) {
  const std::string topic = "http_dlq";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  ASSERT_TRUE(cluster_->create_topic("http_dlq-dlq", 1));
  produce(topic, 6, [](int i) {
    return i == 3 ? std::string(R"({"id":3,"refuse":true})") : fmt::format(R"({{"id":{}}})", i);
  });
  auto raw = http("http-dlq", topic);
  raw["errors.tolerance"] = "all";
  raw["errors.deadletterqueue.topic.name"] = "http_dlq-dlq";
  raw["errors.deadletterqueue.topic.replication.factor"] = "1";
  raw["errors.deadletterqueue.context.headers.enable"] = "true";
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(raw)));
  ASSERT_TRUE(eventually([&] { return committed("http-dlq", topic) == 6; }, 60s))
      << task(*w, "http-dlq").trace;
  EXPECT_EQ(ids(), (std::vector<int>{0, 1, 2, 4, 5}));
  auto dlq = testing::read_all(cluster_->bootstrap_servers(), "http_dlq-dlq", 1, 30s);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].value, R"({"id":3,"refuse":true})");
  EXPECT_EQ(dlq[0].key, "k3");
  std::string message;
  for (const auto& h : dlq[0].headers) {
    if (h.key == "__connect.errors.exception.message" && h.value) message = *h.value;
  }
  EXPECT_NE(message.find("HTTP 400"), std::string::npos) << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
  w->stop();
}

TEST_F(HttpSinkPipelineTest, AnUnreachableTargetFailsTheTaskBeforeItConsumesNamingTheUrl) {
  const std::string topic = "http_unreachable";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce(topic, 3);
  auto raw = http("http-unreachable", topic);
  raw["http.url"] = "http://127.0.0.1:1/ingest";
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(raw)));
  ASSERT_TRUE(eventually(
      [&] { return task(*w, "http-unreachable").state == pipeline::TaskState::kFailed; }, 60s));
  auto status = task(*w, "http-unreachable");
  EXPECT_NE(status.trace.find("http://127.0.0.1:1/ingest"), std::string::npos) << status.trace;
  EXPECT_EQ(status.records_consumed, 0u);
  w->stop();
}

// Rockset's README configuration (connect-rockset-sink.properties), pointed at the test server.
TEST_F(HttpSinkPipelineTest, RocksetsOwnConfigurationRunsUnchanged) {
  const std::string topic = "rockset_events";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  produce(topic, 12);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "rockset-sink"},
                                          {"connector.class", "rockset.RocksetSinkConnector"},
                                          {"tasks.max", "1"},
                                          {"topics", topic},
                                          {"rockset.task.threads", "5"},
                                          {"rockset.batch.size", "5"},
                                          {"rockset.retry.backoff.ms", "5000"},
                                          {"rockset.apiserver.url", target_->base_url()},
                                          {"rockset.integration.key", "kafka_key"},
                                          {"format", "json"}})));
  ASSERT_TRUE(eventually([&] { return committed("rockset-sink", topic) == 12; }, 60s))
      << task(*w, "rockset-sink").trace;
  auto messages = target_->kafka_messages();
  ASSERT_EQ(messages.size(), 12u);
  EXPECT_EQ(messages[0]["topic"], topic);
  EXPECT_EQ(messages[0]["document"], nlohmann::json::parse(R"({"id":0})"));
  EXPECT_EQ(messages[0]["key"], "k0");
  EXPECT_EQ(messages[11]["offset"], 11);
  EXPECT_TRUE(messages[0].contains("create_time"));
  for (const auto& r : target_->requests()) {
    EXPECT_LE(nlohmann::json::parse(r.body)["kafka_messages"].size(), 5u);
  }
  w->stop();
}

}  // namespace
}  // namespace kc
