// The postgres sink in kconnect-runtime processes (standalone mode, librdkafka's mock cluster, a
// real PostgreSQL server): SIGKILL mid-stream and restart writes each record exactly once and
// leaves the stored offsets at the end offsets; a row PostgreSQL refuses goes to the dead-letter
// queue with PostgreSQL's message; an unreachable server stops the task with a message naming it.

#include <atomic>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/producer.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/postgres.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::PostgresServer;
using testing::Process;

std::string runtime() { return testing::built_program("kconnect-runtime"); }

class PostgresSinkProcessTest : public ::testing::Test {
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

  // A Confluent JDBC sink configuration, unchanged but for the URL and `extra`.
  std::string connector_file(const std::string& extra) {
    return write("pg-sink.json", fmt::format(R"({{"name": "pg-sink", "config": {{
                   "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
                   "tasks.max": "1", "topics": "seq",
                   "connection.url": "{}", "connection.user": "{}",
                   "connection.password": "{}", {}}}}})",
                                             pg_.jdbc_url(), PostgresServer::kUser,
                                             PostgresServer::kPassword, extra));
  }

  int64_t count(const std::string& sql) {
    try {
      return std::stoll(pg_.scalar(sql));
    } catch (const std::exception&) {
      return -1;  // the table does not exist yet
    }
  }

  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  PostgresServer pg_;
  testing::TempDir dir_;
};

TEST_F(PostgresSinkProcessTest, KillDashNineMidStreamThenRestartWritesEachRecordExactlyOnce) {
  ASSERT_TRUE(cluster_->create_topic("seq", 2));
  std::atomic<bool> killed{false};
  std::atomic<int> produced{0};
  std::jthread producer([&] {
    auto prod = kafka::Producer::create(
        {{"bootstrap.servers", cluster_->bootstrap_servers()}, {"linger.ms", "2"}});
    ASSERT_TRUE(prod);
    int stop_at = -1;
    for (int i = 0; stop_at < 0 || i < stop_at; ++i) {
      ASSERT_TRUE((*prod)->produce("seq", i % 2, std::nullopt,
                                   fmt::format(R"({{"seq":{},"note":"record {}"}})", i, i)));
      if (i % 200 == 199) std::this_thread::sleep_for(20ms);
      if (stop_at < 0 && killed.load()) stop_at = i + 10000;
      ASSERT_LT(i, 10'000'000) << "the runtime never wrote 5,000 rows";
    }
    ASSERT_TRUE((*prod)->flush(10s));
    produced.store(stop_at);
  });
  auto connector = connector_file(
      R"("auto.create": "true", "table.name.format": "seq_rows", "batch.size": "500")");
  {
    Process first({runtime(), "standalone", worker_file(), connector}, dir_.file("first"));
    ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM seq_rows") > 5000; }, 60s))
        << first.err();
    first.signal(SIGKILL);
    ASSERT_EQ(first.wait(10s), 128 + SIGKILL);
    killed.store(true);
  }
  auto before_restart = count("SELECT count(*) FROM seq_rows");
  Process second({runtime(), "standalone", worker_file(), connector}, dir_.file("second"));
  producer.join();
  const int total = produced.load();
  ASSERT_GT(total, 0);
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM seq_rows") >= total; }, 90s))
      << "have " << count("SELECT count(*) FROM seq_rows") << " of " << total << "\n"
      << second.err();
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s), 0) << second.err();
  EXPECT_EQ(count("SELECT count(*) FROM seq_rows"), total);
  EXPECT_EQ(count("SELECT count(DISTINCT seq) FROM seq_rows"), total);
  EXPECT_EQ(count("SELECT min(seq) FROM seq_rows"), 0);
  EXPECT_EQ(count("SELECT max(seq) FROM seq_rows"), total - 1);
  // Stored offsets are the end offsets: records i went to partition i % 2.
  EXPECT_EQ(pg_.query("SELECT partition, next_offset FROM kconnect_offsets WHERE connector = "
                      "'pg-sink' AND topic = 'seq' ORDER BY partition"),
            (std::vector<std::vector<std::string>>{{"0", std::to_string((total + 1) / 2)},
                                                   {"1", std::to_string(total / 2)}}));
  RecordProperty("rows_before_restart", static_cast<int>(before_restart));
}

TEST_F(PostgresSinkProcessTest, ARowPostgresRefusesGoesToTheDeadLetterQueueWithItsMessage) {
  ASSERT_TRUE(cluster_->create_topic("seq", 1));
  ASSERT_TRUE(cluster_->create_topic("pg-dlq", 1));
  pg_.query("CREATE TABLE seq (id BIGINT PRIMARY KEY, qty INT CHECK (qty >= 0))");
  testing::produce(
      cluster_->bootstrap_servers(), "seq", 3,
      [](int i) { return fmt::format(R"({{"id":{},"qty":{}}})", i, i == 1 ? -5 : i); },
      [](int i) { return std::optional<std::string>(fmt::format("k{}", i)); }, 0);
  Process p({runtime(), "standalone", worker_file(),
             connector_file(R"("insert.mode": "upsert", "pk.mode": "record_value",
                 "pk.fields": "id", "errors.tolerance": "all",
                 "errors.deadletterqueue.topic.name": "pg-dlq",
                 "errors.deadletterqueue.topic.replication.factor": "1",
                 "errors.deadletterqueue.context.headers.enable": "true")")},
            dir_.file("dlq"));
  auto dlq = testing::read_all(cluster_->bootstrap_servers(), "pg-dlq", 1, 60s);
  ASSERT_EQ(dlq.size(), 1u) << p.err();
  EXPECT_EQ(dlq[0].value, R"({"id":1,"qty":-5})");
  EXPECT_EQ(dlq[0].key, "k1");
  std::map<std::string, std::string> headers;
  for (const auto& h : dlq[0].headers) headers[h.key] = h.value.value_or("");
  EXPECT_EQ(headers["__connect.errors.stage"], "TASK_PUT");
  EXPECT_EQ(headers["__connect.errors.offset"], "1");
  EXPECT_NE(headers["__connect.errors.exception.message"].find("violates check constraint"),
            std::string::npos)
      << headers["__connect.errors.exception.message"];
  ASSERT_TRUE(eventually(
      [&] { return count("SELECT next_offset FROM kconnect_offsets WHERE topic = 'seq'") == 3; },
      30s))
      << p.err();
  EXPECT_EQ(pg_.query("SELECT id, qty FROM seq ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"0", "0"}, {"2", "2"}}));
}

TEST_F(PostgresSinkProcessTest, AnUnreachableServerStopsTheTaskNamingIt) {
  ASSERT_TRUE(cluster_->create_topic("seq", 1));
  auto connector = write("down.json", R"({"name": "pg-down", "config": {
      "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector", "topics": "seq",
      "connection.url": "jdbc:postgresql://127.0.0.1:1/nowhere"}})");
  Process p({runtime(), "standalone", worker_file(), connector}, dir_.file("down"));
  ASSERT_TRUE(eventually(
      [&] {
        return p.err().find("PostgreSQL at 127.0.0.1:1/nowhere: cannot connect") !=
               std::string::npos;
      },
      60s))
      << p.err();
}

}  // namespace
}  // namespace kc
