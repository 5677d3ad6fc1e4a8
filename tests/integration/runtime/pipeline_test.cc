// The sink pipeline against librdkafka's mock cluster (a real Kafka protocol server), in-process.

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
  }

  void create_topic(const std::string& topic, int partitions) {
    ASSERT_TRUE(cluster_->create_topic(topic, partitions));
  }

  std::shared_ptr<const config::ConnectorConfig> connector(api::RawConfig raw) {
    std::vector<api::ConfigIssue> issues;
    auto worker = config::parse_worker_config(
        {{"bootstrap.servers", cluster_->bootstrap_servers()},
         {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
         {"value.converter.schemas.enable", "false"},
         // The mock cluster completes a rebalance only after
         // the session timeout (docs/testing.md).
         {"consumer.session.timeout.ms", "6000"},
         {"consumer.heartbeat.interval.ms", "500"}},
        issues);
    auto r = config::validate_connector(worker, raw);
    EXPECT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues.front().to_string());
    return std::make_shared<const config::ConnectorConfig>(std::move(*r.config));
  }

  std::unique_ptr<pipeline::Worker> worker(std::string id = "worker-1") {
    return std::make_unique<pipeline::Worker>(
        pipeline::WorkerContext{.worker_id = std::move(id), .flush_interval = 200ms});
  }

  // Produces records {"seq": i, "p": partition} round-robin over `partitions`, starting at `from`.
  void produce_seq(const std::string& topic, int partitions, int from, int count) {
    auto producer = kafka::Producer::create(
        {{"bootstrap.servers", cluster_->bootstrap_servers()}, {"linger.ms", "2"}});
    ASSERT_TRUE(producer);
    for (int i = from; i < from + count; ++i) {
      int p = i % partitions;
      auto value = fmt::format(R"({{"seq":{},"p":{}}})", i, p);
      ASSERT_TRUE((*producer)->produce(topic, p, std::to_string(i), value));
    }
    ASSERT_TRUE((*producer)->flush(10s));
  }

  int64_t committed_total(const std::string& group, const std::string& topic, int partitions) {
    int64_t total = 0;
    for (const auto& [p, offset] :
         testing::committed_offsets(cluster_->bootstrap_servers(), group, topic, partitions)) {
      if (offset > 0) total += offset;
    }
    return total;
  }

  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  testing::TempDir dir_;
};

struct Line {
  int seq;
  int partition;
};

std::vector<Line> parse_lines(const std::vector<std::string>& lines) {
  std::vector<Line> out;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l);
    out.push_back({j["seq"].get<int>(), j["p"].get<int>()});
  }
  return out;
}

// Within each partition, sequence numbers must increase (Kafka's order).
void expect_partition_order(const std::vector<Line>& lines) {
  std::map<int, int> last;
  for (const auto& l : lines) {
    auto it = last.find(l.partition);
    if (it != last.end()) {
      EXPECT_GT(l.seq, it->second) << "partition " << l.partition;
    }
    last[l.partition] = l.seq;
  }
}

TEST_F(PipelineTest, DeliversEveryRecordOnceInPartitionOrderAndCommits) {
  create_topic("orders", 4);
  auto out = dir_.file("out.jsonl");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector({{"name", "sink-a"},
                                          {"connector.class", "file"},
                                          {"topics", "orders"},
                                          {"tasks.max", "2"},
                                          {"file", out}})));
  // Records are produced once both tasks hold partitions: on a loaded machine one task can miss
  // the mock's first group join, and the mock refuses commits while the group then rebalances
  // (Kafka accepts them), which replays the uncommitted tail: at-least-once, not this test's
  // exactly-once-in-the-file. RevokedPartitionsAreFlushedAndCommittedBeforeTheyMove covers that.
  ASSERT_TRUE(eventually(
      [&] {
        auto s = w->status("sink-a");
        return s && s->tasks.size() == 2 && s->tasks[0].partitions.size() == 2 &&
               s->tasks[1].partitions.size() == 2;
      },
      60s));
  produce_seq("orders", 4, 0, 20000);
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-sink-a", "orders", 4) == 20000; }, 60s));
  w->stop();
  auto lines = parse_lines(testing::read_lines(out));
  ASSERT_EQ(lines.size(), 20000u);
  std::set<int> seen;
  for (const auto& l : lines) seen.insert(l.seq);
  EXPECT_EQ(seen.size(), 20000u);
  expect_partition_order(lines);
}

TEST_F(PipelineTest, ASecondRunConsumesOnlyNewRecords) {
  create_topic("events", 2);
  auto out = dir_.file("out.jsonl");
  auto config = connector(
      {{"name", "sink-b"}, {"connector.class", "file"}, {"topics", "events"}, {"file", out}});
  produce_seq("events", 2, 0, 1000);
  {
    auto w = worker();
    ASSERT_TRUE(w->add_connector(config));
    ASSERT_TRUE(eventually([&] { return testing::read_lines(out).size() == 1000; }, 60s));
    w->stop();  // flushes and commits on the way out
  }
  EXPECT_EQ(committed_total("connect-sink-b", "events", 2), 1000);
  produce_seq("events", 2, 1000, 500);
  {
    auto w = worker();
    ASSERT_TRUE(w->add_connector(config));
    ASSERT_TRUE(
        eventually([&] { return committed_total("connect-sink-b", "events", 2) == 1500; }, 60s));
    w->stop();
  }
  auto lines = parse_lines(testing::read_lines(out));
  ASSERT_EQ(lines.size(), 1500u);
  for (size_t i = 1000; i < lines.size(); ++i) EXPECT_GE(lines[i].seq, 1000);
}

TEST_F(PipelineTest, MalformedJsonFailsTheTaskNamingTheRecordAndLeavesItUncommitted) {
  create_topic("bad", 1);
  auto producer = kafka::Producer::create({{"bootstrap.servers", cluster_->bootstrap_servers()}});
  ASSERT_TRUE(producer);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE((*producer)->produce("bad", 0, std::nullopt, fmt::format(R"({{"seq":{}}})", i)));
  ASSERT_TRUE((*producer)->produce("bad", 0, std::nullopt, "{not json"));
  for (int i = 11; i < 15; ++i)
    ASSERT_TRUE((*producer)->produce("bad", 0, std::nullopt, fmt::format(R"({{"seq":{}}})", i)));
  ASSERT_TRUE((*producer)->flush(10s));

  auto out = dir_.file("out.jsonl");
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(
      {{"name", "sink-c"}, {"connector.class", "file"}, {"topics", "bad"}, {"file", out}})));
  ASSERT_TRUE(eventually(
      [&] {
        auto s = w->status("sink-c");
        return s && !s->tasks.empty() && s->tasks[0].state == pipeline::TaskState::kFailed;
      },
      60s));
  auto status = w->status("sink-c");
  const auto& trace = status->tasks[0].trace;
  EXPECT_NE(trace.find("topic=bad partition=0 offset=10"), std::string::npos) << trace;
  EXPECT_NE(trace.find("serialization error"), std::string::npos) << trace;
  w->stop();
  auto committed =
      testing::committed_offsets(cluster_->bootstrap_servers(), "connect-sink-c", "bad", 1);
  EXPECT_EQ(committed[0], 10);  // every good record before it, never the bad one
  EXPECT_EQ(testing::read_lines(out).size(), 10u);
}

TEST_F(PipelineTest, TwoTasksAndWorkersJoiningAndLeavingLoseNothing) {
  create_topic("moving", 6);
  // A producer that keeps writing until told to stop, so every phase below happens mid-stream.
  std::atomic<bool> stop_producing{false};
  std::atomic<int> produced{0};
  std::jthread producer_thread([&] {
    auto producer = kafka::Producer::create(
        {{"bootstrap.servers", cluster_->bootstrap_servers()}, {"linger.ms", "2"}});
    ASSERT_TRUE(producer);
    for (int i = 0; !stop_producing.load(); ++i) {
      int p = i % 6;
      ASSERT_TRUE((*producer)->produce("moving", p, std::nullopt,
                                       fmt::format(R"({{"seq":{},"p":{}}})", i, p)));
      if (i % 100 == 99) std::this_thread::sleep_for(20ms);  // ~5000 records/s
      produced.store(i + 1);
    }
    ASSERT_TRUE((*producer)->flush(10s));
  });
  auto out_a = dir_.file("a.jsonl");
  auto out_b = dir_.file("b.jsonl");
  auto base = api::RawConfig{
      {"name", "sink-d"}, {"connector.class", "file"}, {"topics", "moving"}, {"tasks.max", "2"}};
  auto config_a = base;
  config_a["file"] = out_a;
  auto config_b = base;
  config_b["file"] = out_b;
  config_b["tasks.max"] = "1";
  auto wa = worker("worker-a");
  ASSERT_TRUE(wa->add_connector(connector(config_a)));
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out_a).size() > 2000; }, 60s));
  // A second worker with the same connector joins the group: partitions move (cooperative).
  auto wb = worker("worker-b");
  ASSERT_TRUE(wb->add_connector(connector(config_b)));
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out_b).size() > 1000; }, 60s));
  // ... and leaves again mid-stream; its partitions go back to worker A.
  wb->stop();
  auto after_leave = produced.load();
  ASSERT_TRUE(eventually([&] { return produced.load() > after_leave + 5000; }, 60s));
  stop_producing.store(true);
  producer_thread.join();
  const int total = produced.load();
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-sink-d", "moving", 6) == total; }, 60s));
  wa->stop();
  std::map<int, int> count;
  for (const auto& l : parse_lines(testing::read_lines(out_a))) count[l.seq]++;
  for (const auto& l : parse_lines(testing::read_lines(out_b))) count[l.seq]++;
  ASSERT_EQ(count.size(), static_cast<size_t>(total));  // nothing lost
  // Duplicates are allowed here: the mock cluster answers commits made during a join with
  // ILLEGAL_GENERATION and librdkafka then reports the assignment *lost*, so the new owner replays
  // from the last commit (at-least-once, as Kafka Connect). The graceful path is tested below.
  int duplicates = 0;
  for (const auto& [seq, n] : count) duplicates += n - 1;
  RecordProperty("duplicates", duplicates);
}

TEST_F(PipelineTest, RevokedPartitionsAreFlushedAndCommittedBeforeTheyMove) {
  create_topic("handover", 4);
  produce_seq("handover", 4, 0, 8000);
  auto out_a = dir_.file("a.jsonl");
  auto out_b = dir_.file("b.jsonl");
  // No periodic commit within the test: only the revocation can commit.
  metrics::Registry registry_a;
  auto slow = [](pipeline::WorkerContext c) {
    c.flush_interval = std::chrono::minutes(10);
    return std::make_unique<pipeline::Worker>(c);
  };
  auto wa = slow({.worker_id = "worker-a", .metrics = &registry_a});
  ASSERT_TRUE(wa->add_connector(connector({{"name", "sink-f"},
                                           {"connector.class", "file"},
                                           {"topics", "handover"},
                                           {"file", out_a},
                                           {"kconnect.flush.max.bytes", "1000000000"}})));
  ASSERT_TRUE(eventually(
      [&] {
        auto s = wa->status("sink-f");
        return s && s->tasks[0].records_written == 8000;
      },
      60s));
  EXPECT_EQ(committed_total("connect-sink-f", "handover", 4), 0);
  auto wb = slow({.worker_id = "worker-b"});
  ASSERT_TRUE(wb->add_connector(connector({{"name", "sink-f"},
                                           {"connector.class", "file"},
                                           {"topics", "handover"},
                                           {"file", out_b},
                                           {"kconnect.flush.max.bytes", "1000000000"}})));
  // Worker B gets partitions only after worker A gave them up, flushed and committed them.
  ASSERT_TRUE(eventually(
      [&] {
        auto s = wb->status("sink-f");
        return s && !s->tasks[0].partitions.empty();
      },
      60s));
  if (committed_total("connect-sink-f", "handover", 4) == 0) {
    // The mock refuses a commit while the group prepares a rebalance (REBALANCE_IN_PROGRESS), and
    // with the cooperative protocol worker B rejoins at once after the first round: a race the
    // revoking member can lose. Kafka accepts commits of the current generation in that state.
    // The refusal must be visible as a failed commit (without one, no commit was tried: a
    // failure), and then the guarantee left is at-least-once: B replays the partitions it got,
    // nothing is lost, and both workers' final commits cover everything.
    auto text = registry_a.expose();
    auto pos = text.find("kconnect_task_offset_commit_failures_total{connector=\"sink-f\"");
    ASSERT_NE(pos, std::string::npos) << "no commit on revocation";
    ASSERT_GT(std::stod(text.substr(text.find('}', pos) + 2)), 0.0) << "no commit on revocation";
    size_t moved = 0;
    ASSERT_TRUE(eventually(
        [&] {
          auto s = wb->status("sink-f");
          moved = s ? s->tasks[0].partitions.size() : 0;
          return s && s->tasks[0].records_written == 2000 * moved;  // 2,000 per partition
        },
        60s));
    wb->stop();
    wa->stop();
    EXPECT_EQ(committed_total("connect-sink-f", "handover", 4), 8000);
    EXPECT_EQ(testing::read_lines(out_a).size(), 8000u);
    EXPECT_EQ(testing::read_lines(out_b).size(), 2000u * moved);  // the replay, nothing more
    return;
  }
  wb->stop();
  wa->stop();
  EXPECT_EQ(committed_total("connect-sink-f", "handover", 4), 8000);
  EXPECT_EQ(testing::read_lines(out_a).size(), 8000u);
  EXPECT_EQ(testing::read_lines(out_b).size(), 0u);  // nothing to replay: no duplicates
}

TEST_F(PipelineTest, BackpressurePausesPartitionsAndLosesNothing) {
  create_topic("big", 2);
  auto producer = kafka::Producer::create({{"bootstrap.servers", cluster_->bootstrap_servers()}});
  ASSERT_TRUE(producer);
  std::string pad(900, 'x');
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(
        (*producer)->produce("big", i % 2, std::nullopt,
                             fmt::format(R"({{"seq":{},"p":{},"pad":"{}"}})", i, i % 2, pad)));
  }
  ASSERT_TRUE((*producer)->flush(10s));
  auto out = dir_.file("out.jsonl");
  metrics::Registry registry;
  pipeline::Worker w({.worker_id = "w", .flush_interval = 200ms, .metrics = &registry});
  ASSERT_TRUE(w.add_connector(connector({{"name", "sink-e"},
                                         {"connector.class", "file"},
                                         {"topics", "big"},
                                         {"file", out},
                                         {"kconnect.buffer.max.bytes", "4096"},
                                         {"kconnect.backpressure.pause.after.ms", "0"}})));
  ASSERT_TRUE(eventually([&] { return committed_total("connect-sink-e", "big", 2) == 3000; }, 60s));
  auto metrics_text = registry.expose();  // before stop(): a stopped task's series are removed
  w.stop();
  EXPECT_EQ(testing::read_lines(out).size(), 3000u);
  auto pos = metrics_text.find("kconnect_task_backpressure_pauses_total{connector=\"sink-e\"");
  ASSERT_NE(pos, std::string::npos);
  auto value = std::stod(metrics_text.substr(metrics_text.find('}', pos) + 2));
  EXPECT_GT(value, 0.0) << metrics_text.substr(pos, 120);
}

}  // namespace
}  // namespace kc
