// The sink framework's contract (runtime/api/sink.h) against the mock cluster: a sink that owns
// its offsets makes the task resume where it says, flush() is told the offsets it made durable,
// check() stops a task before it consumes, and BatchLimits bound each put and trigger flushes.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/config/connector_config.h"
#include "runtime/kafka/consumer.h"
#include "runtime/pipeline/worker.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using api::TopicPartition;
using testing::eventually;

// What a RecordingSink is told and what it answers, per connector name.
struct SinkLog {
  std::mutex mu;
  api::Offsets stored;                                 // what stored_offsets() returns
  std::map<TopicPartition, std::vector<int64_t>> put;  // original offsets handed to put()
  std::vector<size_t> put_sizes;
  std::vector<api::Offsets> flushes;  // flush() arguments
  int stored_calls = 0;
};
std::mutex logs_mu;
std::shared_ptr<SinkLog> sink_log(const std::string& connector) {
  static std::map<std::string, std::shared_ptr<SinkLog>> logs;
  std::lock_guard lock(logs_mu);
  auto& log = logs[connector];
  if (!log) log = std::make_shared<SinkLog>();
  return log;
}

class RecordingSink final : public api::Sink {
 public:
  RecordingSink(std::shared_ptr<SinkLog> log, std::string check_error, int64_t max_records)
      : log_(std::move(log)), check_error_(std::move(check_error)), max_records_(max_records) {}
  Status check() override {
    if (check_error_.empty()) return ok();
    return make_error(Errc::kUnavailable, check_error_);
  }
  Result<api::Offsets> stored_offsets(const std::vector<TopicPartition>& partitions) override {
    std::lock_guard lock(log_->mu);
    ++log_->stored_calls;
    api::Offsets out;
    for (const auto& tp : partitions) {
      if (auto it = log_->stored.find(tp); it != log_->stored.end()) out.emplace(tp, it->second);
    }
    return out;
  }
  api::BatchLimits batch_limits() const override {
    return {.max_records = static_cast<size_t>(max_records_)};
  }
  Status put(std::span<api::SinkRecord> records) override {
    std::lock_guard lock(log_->mu);
    log_->put_sizes.push_back(records.size());
    for (const auto& r : records) {
      log_->put[{std::string(r.original_topic), r.original_partition}].push_back(r.original_offset);
    }
    return ok();
  }
  Status flush(const api::Offsets& offsets) override {
    std::lock_guard lock(log_->mu);
    log_->flushes.push_back(offsets);
    return ok();
  }

 private:
  std::shared_ptr<SinkLog> log_;
  std::string check_error_;
  int64_t max_records_;
};

const registry::Plugins& test_plugins() {
  static const registry::Plugins plugins = [] {
    auto p = registry::builtin();
    p.sinks.push_back(api::SinkPlugin{
        .info = {.name = "recording",
                 .class_name = "test.RecordingSinkConnector",
                 .summary = "records what the runtime tells it",
                 .config_def = []() -> const api::ConfigDef& {
                   static const api::ConfigDef def = [] {
                     api::ConfigDef d;
                     d.define({.name = "check.error",
                               .type = api::ConfigType::kString,
                               .default_value = ""});
                     d.define({.name = "batch.max.records",
                               .type = api::ConfigType::kInt,
                               .default_value = "0"});
                     return d;
                   }();
                   return def;
                 }},
        .create = [](const api::Config& c,
                     const api::SinkContext& ctx) -> Result<std::unique_ptr<api::Sink>> {
          return std::make_unique<RecordingSink>(sink_log(ctx.connector_name),
                                                 c.get_string("check.error"),
                                                 c.get_int("batch.max.records"));
        }});
    return p;
  }();
  return plugins;
}

class SinkOffsetsTest : public ::testing::Test {
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
         {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
         {"consumer.session.timeout.ms", "6000"},
         {"consumer.heartbeat.interval.ms", "500"}},
        issues);
    auto r = config::validate_connector(worker, raw, test_plugins());
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

  // Commits `offsets` for `group` as a member that never joins (a simple consumer's commit).
  void commit(const std::string& group, const kafka::OffsetMap& offsets) {
    auto consumer = kafka::Consumer::create(
        {{"bootstrap.servers", cluster_->bootstrap_servers()}, {"group.id", group}}, nullptr);
    ASSERT_TRUE(consumer) << consumer.error().message();
    auto committed = (*consumer)->commit_sync(offsets);
    ASSERT_TRUE(committed) << committed.error().message();
    (void)(*consumer)->close();
  }

  static inline std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  metrics::Registry metrics_;
};

std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (auto o = from; o < to; ++o) out.push_back(o);
  return out;
}

TEST_F(SinkOffsetsTest, TheTaskResumesEachPartitionAtTheSinksStoredOffsetElseAtTheCommittedOne) {
  const std::string topic = "resume";
  ASSERT_TRUE(cluster_->create_topic(topic, 3));
  for (int32_t p = 0; p < 3; ++p) {
    testing::produce(
        cluster_->bootstrap_servers(), topic, 10, [&](int i) { return fmt::format("{}-{}", p, i); },
        nullptr, p);
  }
  // p0: the sink stored 5, Kafka has nothing; p1: only Kafka's 2; p2: the sink's 3 wins over
  // Kafka's 8 (the target holds less than Kafka's commit says: replayed, not skipped).
  commit("connect-resume", {{{topic, 1}, 2}, {{topic, 2}, 8}});
  auto log = sink_log("resume");
  log->stored = {{{topic, 0}, 5}, {{topic, 2}, 3}};

  auto w = worker();
  ASSERT_TRUE(w->add_connector(
      connector({{"name", "resume"}, {"connector.class", "recording"}, {"topics", topic}})));
  const api::Offsets all_done = {{{topic, 0}, 10}, {{topic, 1}, 10}, {{topic, 2}, 10}};
  ASSERT_TRUE(eventually(
      [&] {
        std::lock_guard lock(log->mu);
        return !log->flushes.empty() && log->flushes.back() == all_done;
      },
      60s))
      << task(*w, "resume").trace;
  ASSERT_TRUE(eventually(
      [&] {
        auto c =
            testing::committed_offsets(cluster_->bootstrap_servers(), "connect-resume", topic, 3);
        return c[0] == 10 && c[1] == 10 && c[2] == 10;
      },
      30s));
  w->stop();

  std::lock_guard lock(log->mu);
  EXPECT_EQ(log->put[(TopicPartition{topic, 0})], range(5, 10));
  EXPECT_EQ(log->put[(TopicPartition{topic, 1})], range(2, 10));
  EXPECT_EQ(log->put[(TopicPartition{topic, 2})], range(3, 10));
  EXPECT_GE(log->stored_calls, 1);
}

TEST_F(SinkOffsetsTest, AFailedCheckFailsTheTaskBeforeItConsumesAnything) {
  const std::string topic = "unreachable";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  testing::produce(cluster_->bootstrap_servers(), topic, 3,
                   [](int i) { return std::to_string(i); });
  auto w = worker();
  ASSERT_TRUE(w->add_connector(
      connector({{"name", "unreachable"},
                 {"connector.class", "recording"},
                 {"topics", topic},
                 {"check.error", "cannot reach http://db.example:8030: connection refused"},
                 {"errors.retry.timeout", "0"}})));
  ASSERT_TRUE(eventually(
      [&] { return task(*w, "unreachable").state == pipeline::TaskState::kFailed; }, 30s));
  auto status = task(*w, "unreachable");
  EXPECT_NE(status.trace.find("sink check failed: cannot reach http://db.example:8030"),
            std::string::npos)
      << status.trace;
  EXPECT_EQ(status.records_consumed, 0u);
  w->stop();
  auto log = sink_log("unreachable");
  std::lock_guard lock(log->mu);
  EXPECT_TRUE(log->put_sizes.empty());
  EXPECT_EQ(log->stored_calls, 0);
}

TEST_F(SinkOffsetsTest, BatchLimitsBoundEachPutAndFlushWhenABatchIsFull) {
  const std::string topic = "batched";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  testing::produce(
      cluster_->bootstrap_servers(), topic, 10, [](int i) { return std::to_string(i); }, nullptr,
      0);
  auto log = sink_log("batched");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "batched"},
                                          {"connector.class", "recording"},
                                          {"topics", topic},
                                          {"batch.max.records", "3"}})));
  ASSERT_TRUE(eventually(
      [&] {
        std::lock_guard lock(log->mu);
        return log->put[(TopicPartition{topic, 0})].size() == 10;
      },
      60s))
      << task(*w, "batched").trace;
  w->stop();
  std::lock_guard lock(log->mu);
  for (auto n : log->put_sizes) EXPECT_LE(n, 3u);
  // Each full batch was flushed with the offset after its last record.
  std::set<int64_t> flushed;
  for (const auto& f : log->flushes) {
    if (auto it = f.find({topic, 0}); it != f.end()) flushed.insert(it->second);
  }
  for (int64_t next : {3, 6, 9}) EXPECT_TRUE(flushed.contains(next)) << next;
}

}  // namespace
}  // namespace kc
