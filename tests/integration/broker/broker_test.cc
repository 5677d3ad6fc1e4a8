// kconnect-runtime against a real Apache Kafka 4.x broker (tests/support/kafka_broker.h): delivery
// across a kill -9, mutual TLS and SCRAM-SHA-512 through the broker's own listeners, the REST
// offsets endpoints (DELETE included: librdkafka's mock cluster cannot delete a group), and a task
// failing when the broker keeps refusing its credentials. One broker serves the whole suite; each
// test uses its own topic and connector name.

#include <atomic>
#include <cstdlib>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "libs/http/client.h"
#include "runtime/kafka/admin.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::Process;

std::string runtime() { return testing::built_program("kconnect-runtime"); }

// A kconnect-runtime standalone process and a client for its REST API.
struct Runtime {
  std::unique_ptr<Process> process;
  std::unique_ptr<http::Client> rest;

  nlohmann::json get(const std::string& path) const {
    auto r = rest->request(http::Method::kGet, path);
    return r && r->status == 200 ? nlohmann::json::parse(r->body, nullptr, false)
                                 : nlohmann::json();
  }
  nlohmann::json status(const std::string& connector) const {
    return get("/connectors/" + connector + "/status");
  }
  std::string task_state(const std::string& connector) const {
    auto s = status(connector);
    return s.is_object() && s["tasks"].is_array() && !s["tasks"].empty()
               ? s["tasks"][0]["state"].get<std::string>()
               : "";
  }
};

class BrokerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = std::make_unique<testing::KafkaBroker>();
    ::testing::Test::RecordProperty("broker_start_seconds",
                                    fmt::format("{:.1f}", broker_->start_seconds()));
  }
  static void TearDownTestSuite() { broker_.reset(); }

  static const testing::KafkaBroker& broker() { return *broker_; }

  static void create_topic(const std::string& name, int partitions) {
    auto admin = kafka::Admin::create(broker().plaintext_properties());
    ASSERT_TRUE(admin) << admin.error().to_string();
    auto created = (*admin)->create_topic(name, partitions, 1, 30s);
    ASSERT_TRUE(created) << created.error().to_string();
  }

  std::string write(const std::string& name, const std::string& content) const {
    auto path = dir_.file(name);
    testing::write_text(path, content);
    return path;
  }

  // The test worker settings (REST on port 0, 200 ms offset flushes) against `bootstrap`, plus
  // `security` (worker-level client settings, which every client of the worker uses).
  std::string worker_file(const std::string& bootstrap, const std::string& security = "") const {
    return write("worker.properties", testing::process_worker_properties(bootstrap) + security);
  }

  std::string connector_file(const std::string& name, const std::string& topic,
                             const std::string& out, const std::string& extra = "") const {
    return write(name + ".properties",
                 fmt::format("name={}\nconnector.class=FileStreamSink\ntasks.max=1\ntopics={}\n"
                             "file={}\n{}",
                             name, topic, out, extra));
  }

  Runtime run(const std::string& worker, const std::string& connector,
              const std::string& log) const {
    Runtime r;
    r.process = std::make_unique<Process>(
        std::vector<std::string>{runtime(), "standalone", worker, connector}, dir_.file(log));
    std::optional<uint16_t> port;
    EXPECT_TRUE(
        eventually([&] { return (port = testing::logged_rest_port(*r.process)).has_value(); }, 30s))
        << r.process->err();
    if (!port) return r;
    auto client = http::Client::create({.base_url = fmt::format("http://127.0.0.1:{}", *port)});
    EXPECT_TRUE(client);
    if (client) r.rest = std::move(*client);
    return r;
  }

  static int64_t committed(const std::string& group, const std::string& topic, int partitions) {
    int64_t total = 0;
    for (auto [p, o] : testing::committed_offsets(broker().plaintext(), group, topic, partitions)) {
      if (o > 0) total += o;
    }
    return total;
  }

  static void produce_seq(const std::string& topic, int count) {
    testing::produce(broker().plaintext(), topic, count,
                     [](int i) { return fmt::format(R"({{"seq":{}}})", i); });
  }

  static std::set<int> seqs_in(const std::string& file) {
    std::set<int> seen;
    for (const auto& line : testing::read_lines(file)) {
      auto j = nlohmann::json::parse(line, nullptr, false);  // a kill may tear the last line
      if (!j.is_discarded() && j.contains("seq")) seen.insert(j["seq"].get<int>());
    }
    return seen;
  }

  static std::unique_ptr<testing::KafkaBroker> broker_;
  testing::TempDir dir_;
};

std::unique_ptr<testing::KafkaBroker> BrokerTest::broker_;

// Delivery on the real broker: N records in, N out, with a kill -9 in the middle of the stream
// and a restart; the group's committed offsets end at N.
TEST_F(BrokerTest, DeliversEveryRecordAcrossAKillDashNineAndARestart) {
  create_topic("delivery", 2);
  std::atomic<bool> killed{false};
  std::atomic<int> produced{0};
  std::jthread producer([&] {
    auto prod =
        kafka::Producer::create({{"bootstrap.servers", broker().plaintext()}, {"linger.ms", "2"}});
    ASSERT_TRUE(prod);
    int stop_at = -1;
    for (int i = 0; stop_at < 0 || i < stop_at; ++i) {
      ASSERT_TRUE(
          (*prod)->produce("delivery", i % 2, std::nullopt, fmt::format(R"({{"seq":{}}})", i)));
      if (i % 200 == 199) std::this_thread::sleep_for(20ms);
      if (stop_at < 0 && killed.load()) stop_at = i + 10000;
      ASSERT_LT(i, 10'000'000) << "the runtime never wrote 5,000 records";
    }
    ASSERT_TRUE((*prod)->flush(30s));
    produced.store(stop_at);
  });
  auto out = dir_.file("out.jsonl");
  auto worker = worker_file(broker().plaintext());
  auto connector = connector_file("delivery-sink", "delivery", out, "tasks.max=2\n");
  {
    auto first = run(worker, connector, "first");
    ASSERT_TRUE(eventually([&] { return testing::read_lines(out).size() > 5000; }, 90s))
        << first.process->err();
    first.process->signal(SIGKILL);
    ASSERT_EQ(first.process->wait(10s), 128 + SIGKILL);
    killed.store(true);
  }
  auto second = run(worker, connector, "second");
  producer.join();
  const int total = produced.load();
  ASSERT_GT(total, 0);
  std::set<int> seen;
  ASSERT_TRUE(eventually(
      [&] {
        seen = seqs_in(out);
        return seen.size() == static_cast<size_t>(total);
      },
      120s))
      << "have " << seen.size() << " of " << total << "\n"
      << second.process->err();
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), total - 1);
  second.process->signal(SIGTERM);
  EXPECT_EQ(second.process->wait(30s), 0) << second.process->err();
  EXPECT_EQ(committed("connect-delivery-sink", "delivery", 2), total);
  RecordProperty("records", total);
  RecordProperty("duplicates", static_cast<int>(testing::read_lines(out).size()) - total);
}

// Mutual TLS through the broker's SSL listener (client authentication required): the worker's
// Java-style keys, a PEM truststore and a PEM keystore file (certificate chain and key).
TEST_F(BrokerTest, ConsumesThroughTheSslListenerWithAClientCertificate) {
  create_topic("mtls", 1);
  produce_seq("mtls", 500);
  auto keystore =
      write("client-keystore.pem", testing::read_text(broker().client_certificate_file()) +
                                       testing::read_text(broker().client_key_file()));
  auto worker = worker_file(broker().ssl(), fmt::format("security.protocol=SSL\n"
                                                        "ssl.truststore.type=PEM\n"
                                                        "ssl.truststore.location={}\n"
                                                        "ssl.keystore.type=PEM\n"
                                                        "ssl.keystore.location={}\n",
                                                        broker().ca_file(), keystore));
  auto out = dir_.file("mtls.jsonl");
  auto r = run(worker, connector_file("mtls-sink", "mtls", out), "mtls");
  ASSERT_TRUE(eventually([&] { return seqs_in(out).size() == 500; }, 60s)) << r.process->err();
  EXPECT_TRUE(eventually([&] { return committed("connect-mtls-sink", "mtls", 1) == 500; }, 30s));
  r.process->signal(SIGTERM);
  EXPECT_EQ(r.process->wait(30s), 0) << r.process->err();
}

// SCRAM-SHA-512 over SASL_SSL with a JAAS text, as a Kafka Connect worker file has it. Kafka 4.x
// refuses librdkafka < 2.6.1's SCRAM (the runtime warns then); this build's librdkafka passes.
TEST_F(BrokerTest, ConsumesThroughSaslSslWithScramSha512) {
  create_topic("scram", 1);
  produce_seq("scram", 500);
  auto worker = worker_file(
      broker().sasl_ssl(),
      fmt::format("security.protocol=SASL_SSL\n"
                  "sasl.mechanism=SCRAM-SHA-512\n"
                  "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule "
                  "required username=\"{}\" password=\"{}\";\n"
                  "ssl.truststore.type=PEM\n"
                  "ssl.truststore.location={}\n",
                  broker().user(), broker().password(), broker().ca_file()));
  auto out = dir_.file("scram.jsonl");
  auto r = run(worker, connector_file("scram-sink", "scram", out), "scram");
  ASSERT_TRUE(eventually([&] { return seqs_in(out).size() == 500; }, 60s)) << r.process->err();
  EXPECT_TRUE(eventually([&] { return committed("connect-scram-sink", "scram", 1) == 500; }, 30s));
  EXPECT_EQ(r.process->err().find("repeats the client nonce"), std::string::npos);
  EXPECT_EQ(r.process->output().find(broker().password()), std::string::npos);  // never logged
  r.process->signal(SIGTERM);
  EXPECT_EQ(r.process->wait(30s), 0) << r.process->err();
}

// A wrong password: the broker refuses every connection. The task must not stay RUNNING while
// consuming nothing: after kconnect.auth.failure.grace.ms it is FAILED, with the broker's reason.
TEST_F(BrokerTest, AWrongPasswordFailsTheTaskAfterTheGraceWithTheBrokersReason) {
  create_topic("refused", 1);
  produce_seq("refused", 10);
  auto worker = worker_file(broker().sasl_plaintext(),
                            fmt::format("security.protocol=SASL_PLAINTEXT\n"
                                        "sasl.mechanism=SCRAM-SHA-512\n"
                                        "sasl.jaas.config=org.apache.kafka.common.security.scram."
                                        "ScramLoginModule required username=\"{}\" "
                                        "password=\"not-the-password\";\n",
                                        broker().user()));
  auto out = dir_.file("refused.jsonl");
  auto started = std::chrono::steady_clock::now();
  auto r =
      run(worker,
          connector_file("refused-sink", "refused", out, "kconnect.auth.failure.grace.ms=2000\n"),
          "refused");
  ASSERT_TRUE(r.rest);
  ASSERT_TRUE(eventually([&] { return r.task_state("refused-sink") == "FAILED"; }, 60s))
      << r.status("refused-sink").dump() << "\n"
      << r.process->err();
  auto failed_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  EXPECT_GE(failed_after.count(), 2.0);  // not before the grace
  auto task = r.status("refused-sink")["tasks"][0];
  auto trace = task["trace"].get<std::string>();
  // The broker's own words, kconnect's explanation and the key that sets the grace.
  EXPECT_NE(trace.find("invalid credentials"), std::string::npos) << trace;
  EXPECT_NE(trace.find("SASL SCRAM-SHA-512 authentication was refused"), std::string::npos)
      << trace;
  EXPECT_NE(trace.find("kconnect.auth.failure.grace.ms"), std::string::npos) << trace;
  EXPECT_EQ(r.status("refused-sink").dump().find("not-the-password"), std::string::npos);
  EXPECT_TRUE(testing::read_lines(out).empty());
  RecordProperty("failed_after_seconds", fmt::format("{:.1f}", failed_after.count()));
  r.process->signal(SIGTERM);
  EXPECT_EQ(r.process->wait(30s), 0) << r.process->err();
}

// An ACL denies the user its consumer group: the task fails at once (as in Kafka Connect), with the
// broker's GROUP_AUTHORIZATION_FAILED in the trace.
TEST_F(BrokerTest, AGroupTheUserMayNotUseFailsTheTask) {
  create_topic("denied", 1);
  produce_seq("denied", 10);
  broker().deny_group("connect-denied-sink", "User:" + broker().user());
  auto worker = worker_file(broker().sasl_plaintext(),
                            fmt::format("security.protocol=SASL_PLAINTEXT\n"
                                        "sasl.mechanism=PLAIN\n"
                                        "sasl.jaas.config=org.apache.kafka.common.security.plain."
                                        "PlainLoginModule required username=\"{}\" "
                                        "password=\"{}\";\n",
                                        broker().user(), broker().password()));
  auto out = dir_.file("denied.jsonl");
  auto r = run(worker, connector_file("denied-sink", "denied", out), "denied");
  ASSERT_TRUE(r.rest);
  ASSERT_TRUE(eventually([&] { return r.task_state("denied-sink") == "FAILED"; }, 60s))
      << r.status("denied-sink").dump() << "\n"
      << r.process->err();
  auto trace = r.status("denied-sink")["tasks"][0]["trace"].get<std::string>();
  EXPECT_NE(trace.find("uthoriz"), std::string::npos) << trace;
  EXPECT_TRUE(testing::read_lines(out).empty());
  r.process->signal(SIGTERM);
  EXPECT_EQ(r.process->wait(30s), 0) << r.process->err();
}

// GET, PATCH and DELETE /connectors/{name}/offsets against the group on the broker (KIP-875).
TEST_F(BrokerTest, RestOffsetsEndpointsReadAlterAndDeleteTheGroupsOffsets) {
  create_topic("offsets", 2);
  testing::produce(
      broker().plaintext(), "offsets", 100, [](int i) { return fmt::format(R"({{"seq":{}}})", i); },
      nullptr, 0);
  testing::produce(
      broker().plaintext(), "offsets", 50,
      [](int i) { return fmt::format(R"({{"seq":{}}})", 100 + i); }, nullptr, 1);
  auto out = dir_.file("offsets.jsonl");
  auto r = run(worker_file(broker().plaintext()), connector_file("offsets-sink", "offsets", out),
               "offsets");
  ASSERT_TRUE(r.rest);
  ASSERT_TRUE(eventually([&] { return seqs_in(out).size() == 150; }, 60s)) << r.process->err();
  auto offsets_of = [&] {
    std::map<int, int64_t> m;
    auto body = r.get("/connectors/offsets-sink/offsets");
    if (!body.contains("offsets")) return m;
    for (const auto& o : body["offsets"]) {
      m[o["partition"]["kafka_partition"].get<int>()] = o["offset"]["kafka_offset"].get<int64_t>();
    }
    return m;
  };
  ASSERT_TRUE(eventually(
      [&] {
        return offsets_of() == std::map<int, int64_t>{{0, 100}, {1, 50}};
      },
      30s))
      << r.get("/connectors/offsets-sink/offsets").dump();

  // Altering and deleting need a STOPPED connector (Kafka's rule).
  auto refused = r.rest->request(http::Method::kDelete, "/connectors/offsets-sink/offsets");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  auto stopped = r.rest->request(http::Method::kPut, "/connectors/offsets-sink/stop");
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->status, 204);
  ASSERT_TRUE(
      eventually([&] { return r.status("offsets-sink")["connector"]["state"] == "STOPPED"; }, 30s));

  auto patched = r.rest->request(
      http::Method::kPatch, "/connectors/offsets-sink/offsets",
      R"({"offsets": [{"partition": {"kafka_topic": "offsets", "kafka_partition": 0},
                       "offset": {"kafka_offset": 90}}]})",
      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(committed("connect-offsets-sink", "offsets", 2), 90 + 50);
  EXPECT_EQ((offsets_of()), (std::map<int, int64_t>{{0, 90}, {1, 50}}));

  auto deleted = r.rest->request(http::Method::kDelete, "/connectors/offsets-sink/offsets");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_TRUE(offsets_of().empty()) << r.get("/connectors/offsets-sink/offsets").dump();
  EXPECT_EQ(testing::committed_offsets(broker().plaintext(), "connect-offsets-sink", "offsets", 2),
            (std::map<int32_t, int64_t>{{0, -1001}, {1, -1001}}));

  // Resumed without offsets, the connector starts again from the earliest records.
  auto resumed = r.rest->request(http::Method::kPut, "/connectors/offsets-sink/resume");
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, 202);
  EXPECT_TRUE(eventually([&] { return testing::read_lines(out).size() == 300; }, 60s))
      << testing::read_lines(out).size() << "\n"
      << r.process->err();
  r.process->signal(SIGTERM);
  EXPECT_EQ(r.process->wait(30s), 0) << r.process->err();
}

}  // namespace
}  // namespace kc
