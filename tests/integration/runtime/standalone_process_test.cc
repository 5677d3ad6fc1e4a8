// kconnect-runtime as a process: the command line, clean shutdown on SIGTERM, and SIGKILL at any
// moment followed by a restart losing nothing.

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "libs/http/client.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::Process;

std::string runtime() { return testing::built_program("kconnect-runtime"); }

class StandaloneProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
  }

  std::string write(const std::string& name, const std::string& content) {
    auto path = dir_.file(name);
    testing::write_text(path, content);
    return path;
  }

  std::string worker_file() {
    return write("worker.properties",
                 testing::process_worker_properties(cluster_->bootstrap_servers()));
  }

  std::string connector_file(const std::string& out) {
    return write(
        "sink.json",
        fmt::format(
            R"({{"name": "proc-sink", "config": {{"connector.class": "FileStreamSink", "tasks.max": "2",
            "topics": "seq", "file": "{}"}}}})",
            out));
  }

  int64_t committed(int partitions) {
    int64_t total = 0;
    for (auto [p, o] : testing::committed_offsets(cluster_->bootstrap_servers(),
                                                  "connect-proc-sink", "seq", partitions)) {
      if (o > 0) total += o;
    }
    return total;
  }

  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  testing::TempDir dir_;
};

TEST(RuntimeCliTest, VersionHelpAndPlugins) {
  testing::TempDir dir;
  Process version({runtime(), "--version"}, dir.file("v"));
  ASSERT_EQ(version.wait(10s), 0);
  EXPECT_NE(version.out().find("kconnect-runtime "), std::string::npos);
  Process help({runtime(), "--help"}, dir.file("h"));
  ASSERT_EQ(help.wait(10s), 0);
  EXPECT_NE(help.out().find("standalone"), std::string::npos);
  Process plugins({runtime(), "plugins"}, dir.file("p"));
  ASSERT_EQ(plugins.wait(10s), 0);
  for (auto name : {"org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSink",
                    "org.apache.kafka.connect.json.JsonConverter",
                    "org.apache.kafka.connect.storage.StringConverter",
                    "org.apache.kafka.connect.converters.ByteArrayConverter"}) {
    EXPECT_NE(plugins.out().find(name), std::string::npos) << name;
  }
}

TEST(RuntimeCliTest, CheckedInConfigurationReferenceIsCurrent) {
  testing::TempDir dir;
  Process p({runtime(), "config-reference"}, dir.file("ref"));
  ASSERT_EQ(p.wait(10s), 0);
  EXPECT_EQ(p.out(), testing::read_text(testing::source_path("docs/configuration-reference.md")))
      << "regenerate: build/bin/kconnect-runtime config-reference > "
         "docs/configuration-reference.md";
}

TEST(RuntimeCliTest, ValidateReportsEveryProblemAndExitsNonZero) {
  testing::TempDir dir;
  testing::write_text(dir.file("good.properties"),
                      "name=a\nconnector.class=file\ntopics=t\nfile=/tmp/x\n");
  testing::write_text(dir.file("bad.properties"),
                      "connector.class=file\ntasks.max=0\ntopics=t\ntopics.regex=t.*\n"
                      "consumer.override.isolation.level=sometimes\nvalue.converter="
                      "NoSuchConverter\nspelling.mistake=1\n");
  Process good({runtime(), "validate", dir.file("good.properties")}, dir.file("g"));
  ASSERT_EQ(good.wait(10s), 0) << good.out();
  EXPECT_NE(good.out().find("OK"), std::string::npos);
  Process bad({runtime(), "validate", dir.file("good.properties"), dir.file("bad.properties")},
              dir.file("b"));
  ASSERT_EQ(bad.wait(10s), 1);
  auto out = bad.out();
  for (auto expected :
       {"name: Missing required configuration", "tasks.max = \"0\": Value must be at least 1",
        "topics.regex are mutually exclusive", "consumer.override.isolation.level = \"sometimes\"",
        "value.converter = \"NoSuchConverter\"", "warning: spelling.mistake"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  }
}

TEST(RuntimeCliTest, ValidateChecksTlsFilesAndTheWorkersOverridePolicy) {
  testing::TempDir dir;
  testing::write_text(dir.file("worker.properties"),
                      "bootstrap.servers=broker:9093\n"
                      "connector.client.config.override.policy=Principal\n");
  testing::write_text(dir.file("tls.properties"),
                      fmt::format("name=a\nconnector.class=file\ntopics=t\nfile=/tmp/x\n"
                                  "consumer.override.security.protocol=SSL\n"
                                  "consumer.override.ssl.truststore.location={}\n",
                                  dir.file("missing-ca.pem")));
  testing::write_text(dir.file("override.properties"),
                      "name=b\nconnector.class=file\ntopics=t\nfile=/tmp/x\n"
                      "consumer.override.max.poll.records=10\n");
  Process p({runtime(), "validate", dir.file("worker.properties"), dir.file("tls.properties"),
             dir.file("override.properties")},
            dir.file("v"));
  ASSERT_EQ(p.wait(10s), 1) << p.out();
  auto out = p.out();
  for (auto expected :
       {"consumer.override.ssl.truststore.location", "missing-ca.pem",
        "The 'Principal' policy does not allow 'max.poll.records' to be overridden"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  }
}

TEST_F(StandaloneProcessTest, RefusesABadConfigurationBeforeStartingAnything) {
  auto out = dir_.file("never.jsonl");
  auto bad =
      write("bad.properties",
            fmt::format("name=x\nconnector.class=file\ntopics=seq\nfile={}\ntasks.max=-1\n", out));
  Process p({runtime(), "standalone", worker_file(), bad}, dir_.file("run"));
  ASSERT_EQ(p.wait(20s), 1);
  EXPECT_NE(p.err().find("refusing to start"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find("tasks.max"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(StandaloneProcessTest, SigtermFlushesCommitsAndExitsCleanly) {
  ASSERT_TRUE(cluster_->create_topic("seq", 2));
  auto out = dir_.file("out.jsonl");
  Process p({runtime(), "standalone", worker_file(), connector_file(out)}, dir_.file("run"));
  // Records are produced once each of the two tasks holds its partition: a task that joins late
  // makes the mock rebalance and refuse commits meanwhile (Kafka accepts them), which replays
  // records; this test is about SIGTERM, not about that race.
  ASSERT_TRUE(eventually(
      [&] {
        // Partitions each task holds: the cooperative protocol logs increments (assigned N,
        // revoked N, lost N), so sum them per task.
        std::map<char, int> held;
        std::istringstream lines(p.err());
        for (std::string line; std::getline(lines, line);) {
          auto at = line.find("client=connector-consumer-proc-sink-");
          auto count = line.find(" count=");
          if (at == std::string::npos || count == std::string::npos) continue;
          int n = std::atoi(line.c_str() + count + 7);
          char task = line[at + 36];
          if (line.find("partitions assigned") != std::string::npos) held[task] += n;
          if (line.find("partitions revoked") != std::string::npos ||
              line.find("partitions lost") != std::string::npos)
            held[task] -= n;
        }
        return held['0'] == 1 && held['1'] == 1;
      },
      60s))
      << p.err();
  testing::produce(cluster_->bootstrap_servers(), "seq", 3000,
                   [](int i) { return fmt::format(R"({{"seq":{}}})", i); });
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out).size() == 3000; }, 60s)) << p.err();
  p.signal(SIGTERM);
  ASSERT_EQ(p.wait(30s), 0) << p.err();
  EXPECT_EQ(committed(2), 3000);
  EXPECT_EQ(testing::read_lines(out).size(), 3000u);
}

TEST_F(StandaloneProcessTest, KillDashNineMidStreamThenRestartLosesNothing) {
  ASSERT_TRUE(cluster_->create_topic("seq", 2));
  // ~10k records/s until the kill, then 10,000 more: the kill always lands mid-stream, however
  // fast this machine (or an ASan build) consumes.
  std::atomic<bool> killed{false};
  std::atomic<int> produced{0};
  std::jthread producer([&] {
    auto prod = kafka::Producer::create(
        {{"bootstrap.servers", cluster_->bootstrap_servers()}, {"linger.ms", "2"}});
    ASSERT_TRUE(prod);
    int stop_at = -1;
    for (int i = 0; stop_at < 0 || i < stop_at; ++i) {
      ASSERT_TRUE((*prod)->produce("seq", i % 2, std::nullopt, fmt::format(R"({{"seq":{}}})", i)));
      if (i % 200 == 199) std::this_thread::sleep_for(20ms);
      if (stop_at < 0 && killed.load()) stop_at = i + 10000;
      ASSERT_LT(i, 10'000'000) << "the runtime never wrote 5,000 records";
    }
    ASSERT_TRUE((*prod)->flush(10s));
    produced.store(stop_at);
  });
  auto out = dir_.file("out.jsonl");
  {
    Process first({runtime(), "standalone", worker_file(), connector_file(out)},
                  dir_.file("first"));
    ASSERT_TRUE(eventually([&] { return testing::read_lines(out).size() > 5000; }, 60s))
        << first.err();
    first.signal(SIGKILL);
    ASSERT_EQ(first.wait(10s), 128 + SIGKILL);
    killed.store(true);
  }
  auto before_restart = testing::read_lines(out).size();
  Process second({runtime(), "standalone", worker_file(), connector_file(out)},
                 dir_.file("second"));
  producer.join();
  const int kTotal = produced.load();
  ASSERT_GT(kTotal, 0);
  std::set<int> seen;
  ASSERT_TRUE(eventually(
      [&] {
        seen.clear();
        for (const auto& line : testing::read_lines(out)) {
          // A kill can leave a torn last line; it is replayed after the restart.
          auto j = nlohmann::json::parse(line, nullptr, false);
          if (!j.is_discarded()) seen.insert(j["seq"].get<int>());
        }
        return seen.size() == static_cast<size_t>(kTotal);
      },
      90s))
      << "have " << seen.size() << " of " << kTotal << "\n"
      << second.err();
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s), 0);
  EXPECT_EQ(committed(2), kTotal);
  auto lines = testing::read_lines(out).size();
  RecordProperty("lines_before_restart", static_cast<int>(before_restart));
  RecordProperty("duplicates", static_cast<int>(lines) - kTotal);
}

TEST_F(StandaloneProcessTest, RestApiPausesAConnectorAndThePauseSurvivesARestart) {
  ASSERT_TRUE(cluster_->create_topic("seq", 2));
  auto out = dir_.file("out.jsonl");
  auto worker = worker_file();
  auto run = [&](const std::string& log) {
    auto p = std::make_unique<Process>(
        std::vector<std::string>{runtime(), "standalone", worker, connector_file(out)},
        dir_.file(log));
    std::optional<uint16_t> port;
    EXPECT_TRUE(eventually([&] { return (port = testing::logged_rest_port(*p)).has_value(); }, 20s))
        << p->err();
    auto client = http::Client::create({.base_url = fmt::format("http://127.0.0.1:{}", *port)});
    EXPECT_TRUE(client);
    return std::pair{std::move(p), std::move(*client)};
  };
  auto status = [](http::Client& c) {
    auto r = c.request(http::Method::kGet, "/connectors/proc-sink/status");
    return r && r->status == 200 ? nlohmann::json::parse(r->body) : nlohmann::json();
  };
  {
    auto [p, client] = run("first");
    ASSERT_TRUE(eventually(
        [&] {
          auto r = client->request(http::Method::kGet, "/health");
          return r && r->status == 200;
        },
        20s));
    auto paused = client->request(http::Method::kPut, "/connectors/proc-sink/pause");
    ASSERT_TRUE(paused);
    EXPECT_EQ(paused->status, 202);
    EXPECT_EQ(status(*client)["connector"]["state"], "PAUSED");
    p->signal(SIGTERM);
    ASSERT_EQ(p->wait(30s), 0) << p->err();
  }
  // The state file sits next to the worker file.
  auto state = nlohmann::json::parse(testing::read_text(dir_.file("worker.state.json")));
  EXPECT_EQ(state["connectors"]["proc-sink"]["state"], "PAUSED");
  EXPECT_FALSE(state["connectors"]["proc-sink"].contains("config"));  // its file is the source

  testing::produce(cluster_->bootstrap_servers(), "seq", 100,
                   [](int i) { return fmt::format(R"({{"seq":{}}})", i); });
  auto [p, client] = run("second");
  ASSERT_TRUE(eventually([&] { return !status(*client)["tasks"].empty(); }, 20s));
  auto s = status(*client);
  EXPECT_EQ(s["connector"]["state"], "PAUSED");
  EXPECT_EQ(s["tasks"][0]["state"], "PAUSED");
  EXPECT_TRUE(testing::read_lines(out).empty());  // paused: nothing written
  auto resumed = client->request(http::Method::kPut, "/connectors/proc-sink/resume");
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, 202);
  EXPECT_TRUE(eventually([&] { return testing::read_lines(out).size() == 100; }, 60s)) << p->err();
  p->signal(SIGTERM);
  EXPECT_EQ(p->wait(30s), 0) << p->err();
}

}  // namespace
}  // namespace kc
