// Error handling against the mock cluster: the bad-input corpus with errors.tolerance=all and a
// dead-letter queue (read back with a real consumer) and with none; dead-letter failures; a sink
// that fails and recovers (retries with Kafka's backoff).

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::eventually;

// ---- a sink that fails on purpose ---------------------------------------------------------

// What a FlakySink saw, per connector name (tests read it after the fact).
struct FlakyLog {
  std::mutex mu;
  std::vector<Clock::time_point> attempts;  // every put() call
  std::vector<std::string> written;         // values of accepted records
};
std::map<std::string, std::shared_ptr<FlakyLog>>& flaky_logs() {
  static std::map<std::string, std::shared_ptr<FlakyLog>> logs;
  return logs;
}
std::mutex flaky_mu;
std::shared_ptr<FlakyLog> flaky_log(const std::string& connector) {
  std::lock_guard lock(flaky_mu);
  auto& log = flaky_logs()[connector];
  if (!log) log = std::make_shared<FlakyLog>();
  return log;
}

// put() fails `flaky.failures` times (retriable unless flaky.retriable=false), then accepts.
class FlakySink final : public api::Sink {
 public:
  FlakySink(std::shared_ptr<FlakyLog> log, int failures, bool retriable)
      : log_(std::move(log)), failures_(failures), retriable_(retriable) {}
  Status put(std::span<api::SinkRecord> records) override {
    std::lock_guard lock(log_->mu);
    log_->attempts.push_back(Clock::now());
    if (failures_ > 0) {
      --failures_;
      return make_error(Errc::kUnavailable, "the destination is down",
                        retriable_ ? Retry::kYes : Retry::kNo);
    }
    for (const auto& r : records) log_->written.emplace_back(r.value.as_text());
    return ok();
  }
  Status flush(const api::Offsets& /*offsets*/) override { return ok(); }

 private:
  std::shared_ptr<FlakyLog> log_;
  int failures_;
  bool retriable_;
};

const registry::Plugins& test_plugins() {
  static const registry::Plugins plugins = [] {
    auto p = registry::builtin();
    p.sinks.push_back(api::SinkPlugin{
        .info = {.name = "flaky",
                 .class_name = "test.FlakySinkConnector",
                 .summary = "fails on purpose",
                 .config_def = []() -> const api::ConfigDef& {
                   static const api::ConfigDef def = [] {
                     api::ConfigDef d;
                     d.define({.name = "flaky.failures",
                               .type = api::ConfigType::kInt,
                               .default_value = "0"});
                     d.define({.name = "flaky.retriable",
                               .type = api::ConfigType::kBoolean,
                               .default_value = "true"});
                     return d;
                   }();
                   return def;
                 }},
        .create = [](const api::Config& c,
                     const api::SinkContext& ctx) -> Result<std::unique_ptr<api::Sink>> {
          return std::make_unique<FlakySink>(flaky_log(ctx.connector_name),
                                             c.get_int("flaky.failures"),
                                             c.get_bool("flaky.retriable"));
        }});
    return p;
  }();
  return plugins;
}

// ---- fixture ------------------------------------------------------------------------------

class ErrorHandlingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  std::shared_ptr<const config::ConnectorConfig> connector(const api::RawConfig& raw) {
    std::vector<api::ConfigIssue> issues;
    auto worker = config::parse_worker_config(
        {{"bootstrap.servers", cluster_->bootstrap_servers()},
         {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
         {"value.converter.schemas.enable", "false"},
         {"consumer.session.timeout.ms", "6000"},
         {"consumer.heartbeat.interval.ms", "500"},
         {"consumer.fetch.max.bytes", "33554432"}},
        issues);
    auto r = config::validate_connector(worker, raw, test_plugins());
    EXPECT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues.front().to_string());
    return std::make_shared<const config::ConnectorConfig>(std::move(*r.config));
  }

  std::unique_ptr<pipeline::Worker> worker() {
    return std::make_unique<pipeline::Worker>(
        pipeline::WorkerContext{.worker_id = "w", .flush_interval = 200ms, .metrics = &metrics_});
  }

  int64_t committed(const std::string& group, const std::string& topic) {
    return testing::committed_offsets(cluster_->bootstrap_servers(), group, topic, 1)[0];
  }

  pipeline::TaskStatus task(pipeline::Worker& w, const std::string& name) {
    auto s = w.status(name);
    return s && !s->tasks.empty() ? s->tasks[0] : pipeline::TaskStatus{};
  }

  double metric(const std::string& name, const std::string& connector) {
    auto text = metrics_.expose();
    auto pos = text.find(fmt::format("{}{{connector=\"{}\"", name, connector));
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(text.find('}', pos) + 2));
  }

  static inline std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  metrics::Registry metrics_;
  testing::TempDir dir_;
};

// The bad-input corpus, in one partition, with the outcome each record must have.
struct CorpusRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  bool bad;  // must end up in the dead-letter queue
  std::string_view stage;
};

// The largest record librdkafka's mock cluster keeps (it trims each partition to ~5 MiB, so a
// 10 MiB record cannot travel through it; large_record_test.cc covers 10 MiB below Kafka).
constexpr size_t kLargeRecord = 4 << 20;

std::vector<CorpusRecord> corpus() {
  std::string big = fmt::format(R"({{"seq":7,"pad":"{}"}})", std::string(kLargeRecord, 'x'));
  return {
      {std::nullopt, R"({"seq":0})", false, ""},
      {std::nullopt, "{not json", true, "VALUE_CONVERTER"},  // invalid JSON
      {R"({"schema":{"type":"string"},"payload":"k2"})", R"({"seq":2})", false, ""},
      {std::nullopt, "{\"seq\":3,\"s\":\"\xff\xfe\"}", true, "VALUE_CONVERTER"},  // not UTF-8
      // A schema envelope with a field more than schema and payload, read with schemas.enable.
      {R"({"schema":{"type":"string"},"payload":"k4","extra":1})", R"({"seq":4})", true,
       "KEY_CONVERTER"},
      {std::nullopt, std::nullopt, false, ""},  // a tombstone
      {std::nullopt, R"({"seq":6})", false, ""},
      {std::nullopt, big, false, ""},  // larger than kconnect.buffer.max.bytes
      {std::nullopt, R"({"seq":8})", false, ""},
  };
}

void produce_corpus(const std::string& bootstrap, const std::string& topic) {
  auto producer = kafka::Producer::create(
      {{"bootstrap.servers", bootstrap}, {"message.max.bytes", "20000000"}, {"linger.ms", "0"}});
  ASSERT_TRUE(producer);
  int i = 0;
  for (const auto& r : corpus()) {
    ASSERT_TRUE((*producer)->produce(topic, 0, r.key, r.value,
                                     {{"origin", fmt::format("record-{}", i)}}, 1700000000000 + i));
    ++i;
  }
  ASSERT_TRUE((*producer)->flush(30s));
  ASSERT_EQ((*producer)->failed(), 0u);
}

std::optional<std::string> header(const testing::ConsumedRecord& r, std::string_view key) {
  for (const auto& h : r.headers) {
    if (h.key == key) return h.value;
  }
  return std::nullopt;
}

TEST_F(ErrorHandlingTest, ToleranceAllSendsEveryBadRecordToTheDeadLetterQueueAndTheRestToTheSink) {
  ASSERT_TRUE(cluster_->create_topic("corpus-a", 1));
  ASSERT_TRUE(cluster_->create_topic("corpus-a-dlq", 1));
  produce_corpus(cluster_->bootstrap_servers(), "corpus-a");
  auto out = dir_.file("a.jsonl");
  auto w = worker();
  ASSERT_TRUE(
      w->add_connector(connector({{"name", "corpus-a"},
                                  {"connector.class", "file"},
                                  {"topics", "corpus-a"},
                                  {"file", out},
                                  {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                                  {"key.converter.schemas.enable", "true"},
                                  {"kconnect.buffer.max.bytes", "1048576"},
                                  {"errors.tolerance", "all"},
                                  {"errors.log.enable", "true"},
                                  {"errors.log.include.messages", "true"},
                                  {"errors.deadletterqueue.topic.name", "corpus-a-dlq"},
                                  {"errors.deadletterqueue.topic.replication.factor", "1"},
                                  {"errors.deadletterqueue.context.headers.enable", "true"}})));
  const auto records = corpus();
  ASSERT_TRUE(eventually([&] { return committed("connect-corpus-a", "corpus-a") == 9; }, 60s))
      << task(*w, "corpus-a").trace;
  EXPECT_EQ(metric("kconnect_task_records_dead_lettered_total", "corpus-a"), 3);
  EXPECT_EQ(metric("kconnect_task_records_skipped_total", "corpus-a"), 3);
  EXPECT_EQ(metric("kconnect_task_records_written_total", "corpus-a"), 6);
  EXPECT_EQ(task(*w, "corpus-a").state, pipeline::TaskState::kRunning);
  w->stop();

  // Every good record reached the sink, in order; the tombstone as null, the large one whole.
  auto lines = testing::read_lines(out);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], R"({"seq":0})");
  EXPECT_EQ(lines[1], R"({"seq":2})");
  EXPECT_EQ(lines[2], "null");
  EXPECT_EQ(lines[3], R"({"seq":6})");
  EXPECT_EQ(lines[4], *records[7].value);
  EXPECT_EQ(lines[5], R"({"seq":8})");

  // Every bad record is in the dead-letter queue: its bytes, headers and timestamp unchanged, and
  // Kafka's context headers.
  auto dlq = testing::read_all(cluster_->bootstrap_servers(), "corpus-a-dlq", 3, 30s);
  ASSERT_EQ(dlq.size(), 3u);
  std::vector<size_t> bad;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].bad) bad.push_back(i);
  }
  for (size_t n = 0; n < dlq.size(); ++n) {
    const auto& d = dlq[n];
    size_t i = bad[n];
    SCOPED_TRACE(fmt::format("record {}", i));
    EXPECT_EQ(d.key, records[i].key);
    EXPECT_EQ(d.value, records[i].value);
    EXPECT_EQ(d.timestamp, 1700000000000 + static_cast<int64_t>(i));
    EXPECT_EQ(header(d, "origin"), fmt::format("record-{}", i));
    EXPECT_EQ(header(d, "__connect.errors.topic"), "corpus-a");
    EXPECT_EQ(header(d, "__connect.errors.partition"), "0");
    EXPECT_EQ(header(d, "__connect.errors.offset"), std::to_string(i));
    EXPECT_EQ(header(d, "__connect.errors.connector.name"), "corpus-a");
    EXPECT_EQ(header(d, "__connect.errors.task.id"), "0");
    EXPECT_EQ(header(d, "__connect.errors.stage"), std::string(records[i].stage));
    EXPECT_EQ(header(d, "__connect.errors.class.name"),
              "org.apache.kafka.connect.json.JsonConverter");
    EXPECT_EQ(header(d, "__connect.errors.exception.class.name"),
              "org.apache.kafka.connect.errors.DataException");
    EXPECT_TRUE(header(d, "__connect.errors.exception.message"));
    EXPECT_TRUE(header(d, "__connect.errors.exception.stacktrace"));
  }
}

TEST_F(ErrorHandlingTest, ToleranceNoneFailsTheTaskAndCommitsNothingFromTheBadRecordOn) {
  ASSERT_TRUE(cluster_->create_topic("corpus-b", 1));
  produce_corpus(cluster_->bootstrap_servers(), "corpus-b");
  auto out = dir_.file("b.jsonl");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(
      {{"name", "corpus-b"}, {"connector.class", "file"}, {"topics", "corpus-b"}, {"file", out}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "corpus-b").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "corpus-b").trace;
  EXPECT_NE(trace.find("Tolerance exceeded in error handler"), std::string::npos) << trace;
  EXPECT_NE(trace.find("VALUE_CONVERTER"), std::string::npos) << trace;
  EXPECT_NE(trace.find("topic=corpus-b partition=0 offset=1"), std::string::npos) << trace;
  w->stop();
  EXPECT_EQ(committed("connect-corpus-b", "corpus-b"), 1);
  EXPECT_EQ(testing::read_lines(out), std::vector<std::string>{R"({"seq":0})"});
}

TEST_F(ErrorHandlingTest, StringConverterReadsBytesThatAreNotUtf8AsReplacementCharacters) {
  ASSERT_TRUE(cluster_->create_topic("corpus-c", 1));
  produce_corpus(cluster_->bootstrap_servers(), "corpus-c");
  auto out = dir_.file("c.txt");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(
      connector({{"name", "corpus-c"},
                 {"connector.class", "file"},
                 {"topics", "corpus-c"},
                 {"file", out},
                 {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}})));
  ASSERT_TRUE(eventually([&] { return committed("connect-corpus-c", "corpus-c") == 9; }, 60s));
  w->stop();
  auto lines = testing::read_lines(out);
  ASSERT_EQ(lines.size(), 9u);  // nothing is an error for StringConverter
  EXPECT_EQ(lines[1], "{not json");
  EXPECT_EQ(lines[3], "{\"seq\":3,\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}");
}

TEST_F(ErrorHandlingTest, DeadLetterTopicThatCannotBeCreatedFailsTheTaskAtStart) {
  ASSERT_TRUE(cluster_->create_topic("corpus-d", 1));
  auto w = worker();
  // librdkafka's mock cluster does not implement CreateTopics: creating the topic fails.
  ASSERT_TRUE(w->add_connector(connector({{"name", "corpus-d"},
                                          {"connector.class", "null"},
                                          {"topics", "corpus-d"},
                                          {"errors.tolerance", "all"},
                                          {"errors.deadletterqueue.topic.name", "nowhere-dlq"},
                                          {"admin.override.request.timeout.ms", "2000"}})));
  auto t = task(*w, "corpus-d");
  EXPECT_EQ(t.state, pipeline::TaskState::kFailed);
  EXPECT_NE(t.trace.find("Could not initialize dead letter queue with topic=nowhere-dlq"),
            std::string::npos)
      << t.trace;
}

TEST_F(ErrorHandlingTest, FailedDeadLetterWriteFailsTheTaskAndLeavesTheRecordUncommitted) {
  ASSERT_TRUE(cluster_->create_topic("corpus-e", 1));
  ASSERT_TRUE(cluster_->create_topic("corpus-e-dlq", 1));
  produce_corpus(cluster_->bootstrap_servers(), "corpus-e");
  // From now on the broker refuses produce requests (the DLQ producer's) as unauthorized.
  constexpr int16_t kProduce = 0;
  rd_kafka_mock_push_request_errors(
      cluster_->mock(), kProduce, 8, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  auto out = dir_.file("e.jsonl");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "corpus-e"},
                                          {"connector.class", "file"},
                                          {"topics", "corpus-e"},
                                          {"file", out},
                                          {"errors.tolerance", "all"},
                                          {"errors.deadletterqueue.topic.name", "corpus-e-dlq"}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "corpus-e").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "corpus-e").trace;
  EXPECT_NE(trace.find("Could not produce message to dead letter queue. topic=corpus-e-dlq"),
            std::string::npos)
      << trace;
  EXPECT_GE(metric("kconnect_task_dead_letter_failures_total", "corpus-e"), 1);
  rd_kafka_mock_clear_request_errors(cluster_->mock(), kProduce);
  w->stop();
  EXPECT_EQ(committed("connect-corpus-e", "corpus-e"), 1);  // never past the record
}

TEST_F(ErrorHandlingTest, TransformErrorsAreToleratedAndDroppedRecordsAreCommittedPast) {
  ASSERT_TRUE(cluster_->create_topic("xform-in", 1));
  ASSERT_TRUE(cluster_->create_topic("xform-dlq", 1));
  {
    auto producer = kafka::Producer::create({{"bootstrap.servers", cluster_->bootstrap_servers()}});
    ASSERT_TRUE(producer);
    ASSERT_TRUE((*producer)->produce("xform-in", 0, std::nullopt, R"({"seq":0})"));
    ASSERT_TRUE((*producer)->produce("xform-in", 0, std::nullopt, R"("just a string")"));
    ASSERT_TRUE(
        (*producer)->produce("xform-in", 0, std::nullopt, R"({"seq":2})", {{"drop-me", "yes"}}));
    ASSERT_TRUE((*producer)->produce("xform-in", 0, std::nullopt, R"({"seq":3})"));
    ASSERT_TRUE((*producer)->flush(10s));
  }
  auto out = dir_.file("x.txt");
  auto topics = std::make_shared<pipeline::ActiveTopics>();
  auto w = worker();
  ASSERT_TRUE(w->add_connector(
      connector(
          {{"name", "xform"},
           {"connector.class", "file"},
           {"topics", "xform-in"},
           {"file", out},
           {"errors.tolerance", "all"},
           {"errors.deadletterqueue.topic.name", "xform-dlq"},
           {"errors.deadletterqueue.context.headers.enable", "true"},
           {"transforms", "drop,extract,route"},
           {"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter"},
           {"transforms.drop.predicate", "marked"},
           {"transforms.extract.type", "org.apache.kafka.connect.transforms.ExtractField$Value"},
           {"transforms.extract.field", "seq"},
           {"transforms.route.type", "RegexRouter"},
           {"transforms.route.regex", "(.*)-in"},
           {"transforms.route.replacement", "$1-out"},
           {"predicates", "marked"},
           {"predicates.marked.type", "HasHeaderKey"},
           {"predicates.marked.name", "drop-me"}}),
      false, topics));
  ASSERT_TRUE(eventually([&] { return committed("connect-xform", "xform-in") == 4; }, 60s))
      << task(*w, "xform").trace;
  EXPECT_EQ(metric("kconnect_task_records_skipped_total", "xform"), 2);  // tolerated + dropped
  EXPECT_EQ(metric("kconnect_task_records_written_total", "xform"), 2);
  EXPECT_EQ(topics->list(), std::vector<std::string>{"xform-out"});  // after RegexRouter
  w->stop();
  EXPECT_EQ(testing::read_lines(out), (std::vector<std::string>{"0", "3"}));
  auto dlq = testing::read_all(cluster_->bootstrap_servers(), "xform-dlq", 1, 30s);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].value, R"("just a string")");
  EXPECT_EQ(header(dlq[0], "__connect.errors.stage"), "TRANSFORMATION");
  EXPECT_EQ(header(dlq[0], "__connect.errors.class.name"),
            "org.apache.kafka.connect.transforms.ExtractField$Value");
  EXPECT_EQ(header(dlq[0], "__connect.errors.offset"), "1");
  auto message = header(dlq[0], "__connect.errors.exception.message").value_or("");
  EXPECT_NE(message.find("transform 'extract'"), std::string::npos) << message;
}

TEST_F(ErrorHandlingTest, RetriableSinkErrorsAreRetriedWithBackoffAndEveryRecordIsWrittenOnce) {
  ASSERT_TRUE(cluster_->create_topic("flaky-a", 1));
  testing::produce(
      cluster_->bootstrap_servers(), "flaky-a", 50,
      [](int i) { return fmt::format(R"({{"seq":{}}})", i); }, nullptr, 0);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "flaky-a"},
                                          {"connector.class", "flaky"},
                                          {"topics", "flaky-a"},
                                          {"flaky.failures", "3"}})));
  ASSERT_TRUE(eventually([&] { return committed("connect-flaky-a", "flaky-a") == 50; }, 60s));
  w->stop();
  auto log = flaky_log("flaky-a");
  std::lock_guard lock(log->mu);
  std::set<std::string> unique(log->written.begin(), log->written.end());
  EXPECT_EQ(log->written.size(), 50u);  // delivered once: no duplicates
  EXPECT_EQ(unique.size(), 50u);
  ASSERT_GE(log->attempts.size(), 4u);
  // 300 ms, then doubling, each delay with +-20% jitter (runtime/pipeline/retry.h).
  auto gap = [&](size_t i) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(log->attempts[i] -
                                                                 log->attempts[i - 1]);
  };
  EXPECT_GE(gap(1), 240ms);
  EXPECT_GE(gap(2), 480ms);
  EXPECT_GE(gap(3), 960ms);
  EXPECT_LT(gap(1), 1000ms);
}

TEST_F(ErrorHandlingTest, NonRetriableSinkErrorFailsTheTaskNamingTheFirstRecordOfTheBatch) {
  ASSERT_TRUE(cluster_->create_topic("flaky-b", 1));
  testing::produce(
      cluster_->bootstrap_servers(), "flaky-b", 5,
      [](int i) { return fmt::format(R"({{"seq":{}}})", i); }, nullptr, 0);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "flaky-b"},
                                          {"connector.class", "flaky"},
                                          {"topics", "flaky-b"},
                                          {"errors.tolerance", "all"},  // does not cover put()
                                          {"flaky.failures", "1"},
                                          {"flaky.retriable", "false"}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "flaky-b").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "flaky-b").trace;
  EXPECT_NE(trace.find("sink put failed"), std::string::npos) << trace;
  EXPECT_NE(trace.find("starting at topic=flaky-b partition=0 offset=0"), std::string::npos)
      << trace;
  w->stop();
  EXPECT_LT(committed("connect-flaky-b", "flaky-b"), 0);  // nothing committed
}

TEST_F(ErrorHandlingTest, RetriesStopAtErrorsRetryTimeout) {
  ASSERT_TRUE(cluster_->create_topic("flaky-c", 1));
  testing::produce(
      cluster_->bootstrap_servers(), "flaky-c", 5,
      [](int i) { return fmt::format(R"({{"seq":{}}})", i); }, nullptr, 0);
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "flaky-c"},
                                          {"connector.class", "flaky"},
                                          {"topics", "flaky-c"},
                                          {"errors.retry.timeout", "1000"},
                                          {"flaky.failures", "1000"}})));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "flaky-c").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "flaky-c").trace;
  EXPECT_NE(trace.find("gave up after"), std::string::npos) << trace;
  w->stop();
  auto log = flaky_log("flaky-c");
  std::lock_guard lock(log->mu);
  ASSERT_GE(log->attempts.size(), 3u);  // 0, 300, 900, 1000 ms
  EXPECT_LE(log->attempts.size(), 5u);
}

}  // namespace
}  // namespace kc
