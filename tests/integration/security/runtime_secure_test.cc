// The runtime itself over TLS: a standalone Worker runs a file-sink connector whose consumer
// reaches the mock cluster through the Kafka edge (tests/fakes/kafka_edge) with mutual TLS,
// configured the way users write it for Kafka Connect (consumer.override.* Java keys, PKCS#12
// stores). Everything between the configuration and librdkafka is the runtime's own: the one
// validator (translate_security, the override policy), the worker's check_material and material
// properties, the sink task's consumer and its error callback.

#include <atomic>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "tests/integration/kafka_edge/edge_test_support.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/secret_volume.h"

namespace kc::pipeline {
namespace {

using namespace std::chrono_literals;
using fakes::kafka_edge::KafkaEdge;
using fakes::kafka_edge::testing::make_pki;
using fakes::kafka_edge::testing::Pki;
using fakes::kafka_edge::testing::server_tls;
using kc::testing::eventually;
using ::testing::HasSubstr;

class RuntimeSecureTest : public ::testing::Test {
 protected:
  // One mock cluster for the suite: its first group join is the slow part, not its start.
  static void SetUpTestSuite() {
    auto cluster = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(cluster) << cluster.error().to_string();
    cluster_ = std::move(*cluster).release();
  }
  static void TearDownTestSuite() {
    delete cluster_;  // NOLINT(cppcoreguidelines-owning-memory): suite-wide fixture
    cluster_ = nullptr;
  }

  void SetUp() override {
    fakes::kafka_edge::Options options;
    options.upstream = cluster_->bootstrap_servers();
    options.tls = server_tls(pki_, true);
    auto edge = KafkaEdge::start(std::move(options));
    ASSERT_TRUE(edge) << edge.error().to_string();
    edge_ = std::move(*edge);
  }

  std::string write(const std::string& name, const std::string& content) {
    kc::testing::write_file(dir_.file(name), content);
    return dir_.file(name);
  }

  // A worker whose bootstrap.servers is the edge (plaintext to the edge would fail: TLS only).
  config::WorkerConfig worker_config(api::RawConfig extra = {}) {
    api::RawConfig raw = {{"bootstrap.servers", edge_->bootstrap_servers()},
                          {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                          {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
                          // The mock cluster completes a rebalance session.timeout.ms - 1 s after
                          // a member left (ADR 0003): 3 s keeps a rollover's rejoin at ~2 s.
                          {"consumer.session.timeout.ms", "3000"},
                          {"consumer.heartbeat.interval.ms", "500"},
                          {"consumer.reconnect.backoff.ms", "50"},
                          {"consumer.reconnect.backoff.max.ms", "500"}};
    for (auto& [k, v] : extra) raw[k] = v;
    std::vector<api::ConfigIssue> issues;
    auto worker = config::parse_worker_config(raw, issues);
    for (const auto& i : issues) ADD_FAILURE() << i.to_string();
    return worker;
  }

  // consumer.override.* for mTLS with PKCS#12 stores: librdkafka cannot read a PKCS#12
  // truststore, so this works only if the worker hands the task check_material's properties.
  api::RawConfig mtls_overrides(const kc::testing::CertAndKey& client) {
    return {{"consumer.override.security.protocol", "SSL"},
            {"consumer.override.ssl.truststore.type", "PKCS12"},
            {"consumer.override.ssl.truststore.location",
             write("truststore.p12",
                   kc::testing::make_pkcs12_truststore({pki_.ca.cert_pem()}, "changeit"))},
            {"consumer.override.ssl.truststore.password", "changeit"},
            {"consumer.override.ssl.keystore.type", "PKCS12"},
            {"consumer.override.ssl.keystore.location",
             write("keystore.p12", kc::testing::make_pkcs12(client, pki_.ca.cert_pem(), "pw"))},
            {"consumer.override.ssl.keystore.password", "pw"},
            {"consumer.override.ssl.key.password", "pw"}};
  }

  api::RawConfig file_sink(const std::string& name, const std::string& topic,
                           const api::RawConfig& overrides) {
    api::RawConfig raw = {{"name", name},
                          {"connector.class", "file"},
                          {"topics", topic},
                          {"file", dir_.file(name + ".txt")}};
    for (const auto& [k, v] : overrides) raw[k] = v;
    return raw;
  }

  int64_t committed_total(const std::string& group, const std::string& topic, int partitions) {
    int64_t total = 0;
    for (const auto& [p, offset] :
         kc::testing::committed_offsets(cluster_->bootstrap_servers(), group, topic, partitions)) {
      if (offset > 0) total += offset;
    }
    return total;
  }

  // The connector's only task.
  TaskStatus task_status(Worker& worker, const std::string& name) {
    auto status = worker.status(name);
    EXPECT_TRUE(status);
    if (!status || status->tasks.empty()) return {};
    return status->tasks[0];
  }

  // Every value exactly once in the sink's file, nothing else.
  void expect_exactly_once(const std::string& name, int count) {
    auto lines = kc::testing::read_lines(dir_.file(name + ".txt"));
    std::map<std::string, int> seen;
    for (const auto& l : lines) ++seen[l];
    int missing = 0, duplicated = 0;
    for (int i = 0; i < count; ++i) {
      auto it = seen.find(fmt::format("order-{}", i));
      if (it == seen.end()) {
        ++missing;
      } else if (it->second > 1) {
        duplicated += it->second - 1;
      }
    }
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(duplicated, 0);
    EXPECT_EQ(lines.size(), static_cast<size_t>(count));
  }

  // Publishes pki_'s client certificate in the fixture's Secret volume and starts a file-sink
  // connector whose consumer reads the volume's PEM files (consumer.override.*).
  std::unique_ptr<Worker> start_on_volume(const std::string& name, const std::string& topic) {
    secret_.publish({{"ca.crt", pki_.ca.cert_pem()},
                     {"tls.crt", pki_.client.cert_pem},
                     {"tls.key", pki_.client.key_pem}});
    auto config = validated(
        worker_config(),
        file_sink(name, topic,
                  {{"consumer.override.security.protocol", "SSL"},
                   {"consumer.override.ssl.truststore.type", "PEM"},
                   {"consumer.override.ssl.truststore.location", volume_.file("ca.crt")},
                   {"consumer.override.ssl.certificate.location", volume_.file("tls.crt")},
                   {"consumer.override.ssl.key.location", volume_.file("tls.key")}}));
    if (!config) return nullptr;
    auto worker = make_worker();
    EXPECT_TRUE(worker->add_connector(config));
    return worker;
  }

  static std::unique_ptr<Worker> make_worker() {
    return std::make_unique<Worker>(
        WorkerContext{.worker_id = "w1", .flush_interval = 200ms, .material_debounce = 50ms});
  }

  std::shared_ptr<const config::ConnectorConfig> validated(const config::WorkerConfig& worker,
                                                           const api::RawConfig& raw) {
    auto result = config::validate_connector(worker, raw);
    EXPECT_TRUE(result.ok()) << (result.issues.empty() ? "" : result.issues.front().to_string());
    if (!result.config) return nullptr;
    return std::make_shared<const config::ConnectorConfig>(std::move(*result.config));
  }

  static kafka::EmbeddedCluster* cluster_;
  Pki pki_ = make_pki("runtime-secure");
  kc::testing::TempDir dir_;
  std::unique_ptr<KafkaEdge> edge_;
  kc::testing::TempDir volume_;
  kc::testing::SecretVolume secret_{volume_.path()};
};

kafka::EmbeddedCluster* RuntimeSecureTest::cluster_ = nullptr;

TEST_F(RuntimeSecureTest, AStandaloneWorkerConsumesOverMutualTlsWithConsumerOverrides) {
  const std::string topic = "secure-orders";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  constexpr int kCount = 200;
  kc::testing::produce(cluster_->bootstrap_servers(), topic, kCount,
                       [](int i) { return fmt::format("order-{}", i); });

  auto validated = config::validate_connector(
      worker_config(), file_sink("tls-sink", topic, mtls_overrides(pki_.client)));
  ASSERT_TRUE(validated.ok()) << validated.issues.front().to_string();
  Worker worker({.worker_id = "w1", .flush_interval = 200ms});
  ASSERT_TRUE(worker.add_connector(
      std::make_shared<const config::ConnectorConfig>(std::move(*validated.config))));
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-tls-sink", topic, 2) == kCount; }, 60s));
  auto status = worker.status("tls-sink");
  ASSERT_TRUE(status);
  ASSERT_EQ(status->tasks.size(), 1u);
  EXPECT_EQ(status->tasks[0].state, TaskState::kRunning) << status->tasks[0].trace;
  worker.stop();

  auto lines = kc::testing::read_lines(dir_.file("tls-sink.txt"));
  std::multiset<std::string> seen(lines.begin(), lines.end());
  std::multiset<std::string> expected;
  for (int i = 0; i < kCount; ++i) expected.insert(fmt::format("order-{}", i));
  EXPECT_EQ(seen, expected);
  EXPECT_GT(edge_->counters().connections_accepted, 0u);
  EXPECT_EQ(edge_->counters().tls_handshake_failures, 0u);
}

TEST_F(RuntimeSecureTest, AConnectorWithUnusableMaterialIsRefusedWithTheReason) {
  // Validation reads no file (the operator validates where the files are not); the worker does.
  auto expired = pki_.ca.issue({.common_name = "expired-client",
                                .valid_from_days = -30,
                                .valid_days = 10,
                                .server_auth = false});
  auto validated = config::validate_connector(
      worker_config(), file_sink("expired-sink", "expired-orders", mtls_overrides(expired)));
  ASSERT_TRUE(validated.ok()) << validated.issues.front().to_string();
  Worker worker({.worker_id = "w1", .flush_interval = 200ms});
  auto added = worker.add_connector(
      std::make_shared<const config::ConnectorConfig>(std::move(*validated.config)));
  ASSERT_FALSE(added);
  EXPECT_THAT(added.error().message(), HasSubstr("consumer.override.ssl.keystore.location"));
  EXPECT_THAT(added.error().message(), HasSubstr("expired"));
  EXPECT_FALSE(worker.has_connector("expired-sink"));
}

TEST_F(RuntimeSecureTest, TheWorkerOverridePolicyRefusesSecurityOverridesItDoesNotAllow) {
  auto validated = config::validate_connector(
      worker_config({{"connector.client.config.override.policy", "Principal"}}),
      file_sink("policy-sink", "policy-orders", mtls_overrides(pki_.client)));
  EXPECT_FALSE(validated.ok());
  std::set<std::string> refused;
  for (const auto& i : validated.issues) {
    if (i.severity == api::ConfigIssue::Severity::kError) refused.insert(i.key);
  }
  // Principal allows security.protocol (and sasl.jaas.config, sasl.mechanism) only.
  EXPECT_EQ(
      refused,
      (std::set<std::string>{
          "consumer.override.ssl.key.password", "consumer.override.ssl.keystore.location",
          "consumer.override.ssl.keystore.password", "consumer.override.ssl.keystore.type",
          "consumer.override.ssl.truststore.location", "consumer.override.ssl.truststore.password",
          "consumer.override.ssl.truststore.type"}));
}

// ---- force-commit rollover (docs/decisions/0003-certificate-rollover.md) --------------------

// Produces order-<from>..order-<from+count-1> round-robin over `partitions`, a few records per
// millisecond, so that a rollover happens while records keep arriving.
std::thread produce_in_background(const std::string& bootstrap, const std::string& topic,
                                  int partitions, int from, int count) {
  return std::thread([=] {
    auto producer = kafka::Producer::create({{"bootstrap.servers", bootstrap}, {"linger.ms", "1"}});
    ASSERT_TRUE(producer);
    for (int i = from; i < from + count; ++i) {
      ASSERT_TRUE(
          (*producer)->produce(topic, i % partitions, std::nullopt, fmt::format("order-{}", i)));
      std::this_thread::sleep_for(1ms);  // pacing, not waiting for a condition
    }
    ASSERT_TRUE((*producer)->flush(10s));
  });
}

TEST_F(RuntimeSecureTest, ForceCommitInTheMiddleOfConsumptionDeliversEveryRecordExactlyOnce) {
  const std::string topic = "force-commit-orders";
  constexpr int kCount = 4000;
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  auto config =
      validated(worker_config(), file_sink("fc-sink", topic, mtls_overrides(pki_.client)));
  ASSERT_TRUE(config);
  auto worker = make_worker();
  ASSERT_TRUE(worker->add_connector(config));

  kc::testing::produce(cluster_->bootstrap_servers(), topic, 500,
                       [](int i) { return fmt::format("order-{}", i); });
  ASSERT_TRUE(eventually([&] { return task_status(*worker, "fc-sink").records_written > 0; }, 30s));
  // Records keep arriving (~4 s) while the task flushes, commits and replaces its consumer.
  auto producer = produce_in_background(cluster_->bootstrap_servers(), topic, 2, 500, kCount - 500);
  ASSERT_TRUE(worker->force_commit("fc-sink"));
  auto written_at_request = task_status(*worker, "fc-sink").records_written;
  producer.join();
  EXPECT_LT(written_at_request, static_cast<uint64_t>(kCount));
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-fc-sink", topic, 2) == kCount; }, 60s));
  auto status = task_status(*worker, "fc-sink");
  EXPECT_EQ(status.state, TaskState::kRunning) << status.trace;
  EXPECT_EQ(status.rollovers, 1u);
  EXPECT_EQ(status.rollover_error, "");
  worker->stop();
  expect_exactly_once("fc-sink", kCount);
  EXPECT_EQ(committed_total("connect-fc-sink", topic, 2), kCount);
}

// Static membership (KIP-345), seen in the JoinGroup and LeaveGroup requests passing the edge.
// The mock cluster accepts group.instance.id but has no static membership itself (the new member
// gets the partitions once the old one's session timed out), so this checks what the client
// sends, which is what a real broker acts on.
TEST_F(RuntimeSecureTest, StaticMembersKeepTheirMembershipAcrossARolloverAndLeaveWhenStopped) {
  const std::string topic = "static-orders";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  auto config =
      validated(worker_config(), file_sink("static-sink", topic, mtls_overrides(pki_.client)));
  ASSERT_TRUE(config);
  Worker worker({.worker_id = "pod-a:8083",
                 .flush_interval = 200ms,
                 .material_debounce = 50ms,
                 .static_member_prefix = "pod-a"});
  ASSERT_TRUE(worker.add_connector(config));
  auto value = [](int i) { return fmt::format("order-{}", i); };
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 100, value);
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-static-sink", topic, 2) == 100; }, 60s));
  auto joins = edge_->counters().join_group_instance_ids;
  ASSERT_FALSE(joins.empty());
  for (const auto& id : joins) EXPECT_EQ(id, "pod-a-static-sink-0");
  EXPECT_EQ(edge_->counters().leave_group_requests, 0u);

  // A rollover closes the old consumer without leaving; the new one joins with the same id.
  ASSERT_TRUE(worker.force_commit("static-sink"));
  ASSERT_TRUE(eventually([&] { return task_status(worker, "static-sink").rollovers == 1; }, 30s));
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 100,
                       [&](int i) { return value(100 + i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-static-sink", topic, 2) == 200; }, 60s));
  auto counters = edge_->counters();
  EXPECT_GT(counters.join_group_instance_ids.size(), joins.size());
  for (const auto& id : counters.join_group_instance_ids) EXPECT_EQ(id, "pod-a-static-sink-0");
  EXPECT_EQ(counters.leave_group_requests, 0u);
  EXPECT_EQ(task_status(worker, "static-sink").rollover_error, "");

  // Removing the connector leaves the group, static member or not: librdkafka's close alone
  // would not (KIP-345), and the partitions would stay with a gone member for a session.
  ASSERT_TRUE(worker.remove_connector("static-sink"));
  EXPECT_EQ(edge_->counters().leave_group_requests, 1u);
  expect_exactly_once("static-sink", 200);
}

TEST_F(RuntimeSecureTest, ForceCommitWithUnusableMaterialIsRefusedAndTheOldConsumerKeepsRunning) {
  const std::string topic = "bad-force-commit-orders";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  // PEM files the task reads at start; then the key is replaced by one that does not match.
  auto raw = file_sink(
      "bad-fc-sink", topic,
      {{"consumer.override.security.protocol", "SSL"},
       {"consumer.override.ssl.truststore.type", "PEM"},
       {"consumer.override.ssl.truststore.location", write("bad-ca.crt", pki_.ca.cert_pem())},
       {"consumer.override.ssl.keystore.type", "PEM"},
       {"consumer.override.ssl.keystore.location",
        write("bad-client.pem", pki_.client.cert_pem + pki_.client.key_pem)}});
  auto config = validated(worker_config(), raw);
  ASSERT_TRUE(config);
  auto worker = make_worker();
  ASSERT_TRUE(worker->add_connector(config));
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 100,
                       [](int i) { return fmt::format("order-{}", i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-bad-fc-sink", topic, 2) == 100; }, 30s));

  write("bad-client.pem", pki_.client.cert_pem + kc::testing::new_key_pem());
  auto refused = worker->force_commit("bad-fc-sink");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kConflict);
  EXPECT_THAT(refused.error().message(), HasSubstr("consumer.override.ssl.keystore.location"));
  EXPECT_EQ(worker->force_commit("no-such-connector").error().code(), Errc::kNotFound);

  // Nothing happened: the old consumer goes on.
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 100,
                       [](int i) { return fmt::format("order-{}", 100 + i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-bad-fc-sink", topic, 2) == 200; }, 30s));
  auto status = task_status(*worker, "bad-fc-sink");
  EXPECT_EQ(status.state, TaskState::kRunning);
  EXPECT_EQ(status.rollovers, 0u);
  worker->stop();
  expect_exactly_once("bad-fc-sink", 200);
}

// Certificate rotation end to end: a Kubernetes Secret volume renewed with a client certificate
// from a new CA; the connector's watcher notices, the task rolls over, the edge then stops
// trusting the old CA. Records arrive throughout; every one lands exactly once.
TEST_F(RuntimeSecureTest, RenewedSecretVolumeRollsTheTaskOverWithoutLossOrDuplicates) {
  const std::string topic = "rotated-orders";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  auto new_ca = kc::testing::TestCa::create("rotation-new-ca");
  auto new_client = new_ca.issue({.common_name = "orders", .server_auth = false});
  auto worker = start_on_volume("rotated-sink", topic);
  ASSERT_TRUE(worker);
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 500,
                       [](int i) { return fmt::format("order-{}", i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-rotated-sink", topic, 2) == 500; }, 30s));

  // The brokers accept both CAs while clients move (cert-manager's overlap window).
  auto both = server_tls(pki_, true);
  both.client_ca_pem = pki_.ca.cert_pem() + new_ca.cert_pem();
  ASSERT_TRUE(edge_->swap_tls(both));
  auto producer = produce_in_background(cluster_->bootstrap_servers(), topic, 2, 500, 1500);
  secret_.publish({{"ca.crt", pki_.ca.cert_pem() + new_ca.cert_pem()},
                   {"tls.crt", new_client.cert_pem},
                   {"tls.key", new_client.key_pem}});
  ASSERT_TRUE(eventually([&] { return task_status(*worker, "rotated-sink").rollovers == 1; }, 30s))
      << task_status(*worker, "rotated-sink").rollover_error;
  producer.join();

  // Only the new CA from now on; every connection is dropped and must come back with it.
  auto only_new = server_tls(pki_, true);
  only_new.client_ca_pem = new_ca.cert_pem();
  auto failures_before = edge_->counters().tls_handshake_failures;
  ASSERT_TRUE(edge_->swap_tls(only_new, fakes::kafka_edge::DropConnections::kYes));
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 500,
                       [](int i) { return fmt::format("order-{}", 2000 + i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-rotated-sink", topic, 2) == 2500; }, 60s));
  auto status = task_status(*worker, "rotated-sink");
  EXPECT_EQ(status.state, TaskState::kRunning) << status.trace;
  EXPECT_EQ(status.rollovers, 1u);
  EXPECT_EQ(edge_->counters().tls_handshake_failures, failures_before);
  worker->stop();
  expect_exactly_once("rotated-sink", 2500);
}

// Renewed files that are valid on their own but that the brokers refuse (a CA they do not trust
// yet): the pre-flight catches it, the old consumer keeps running, the reason is in the status.
TEST_F(RuntimeSecureTest, MaterialTheBrokersRefuseAbortsTheRolloverAndKeepsTheOldConsumer) {
  const std::string topic = "preflight-orders";
  ASSERT_TRUE(cluster_->create_topic(topic, 2));
  auto untrusted_ca = kc::testing::TestCa::create("untrusted-ca");
  auto untrusted_client = untrusted_ca.issue({.common_name = "orders", .server_auth = false});
  auto worker = start_on_volume("preflight-sink", topic);
  ASSERT_TRUE(worker);
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 100,
                       [](int i) { return fmt::format("order-{}", i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-preflight-sink", topic, 2) == 100; }, 30s));

  secret_.publish({{"ca.crt", pki_.ca.cert_pem() + untrusted_ca.cert_pem()},
                   {"tls.crt", untrusted_client.cert_pem},
                   {"tls.key", untrusted_client.key_pem}});
  ASSERT_TRUE(eventually(
      [&] { return !task_status(*worker, "preflight-sink").rollover_error.empty(); }, 30s));
  auto status = task_status(*worker, "preflight-sink");
  EXPECT_THAT(status.rollover_error, HasSubstr("could not reach the brokers"));
  // Explained: which file holds the certificate the brokers refused.
  EXPECT_THAT(status.rollover_error, HasSubstr("does not trust the client certificate in "
                                               "consumer.override.ssl.certificate.location"));
  EXPECT_EQ(status.rollovers, 0u);

  kc::testing::produce(cluster_->bootstrap_servers(), topic, 100,
                       [](int i) { return fmt::format("order-{}", 100 + i); });
  ASSERT_TRUE(
      eventually([&] { return committed_total("connect-preflight-sink", topic, 2) == 200; }, 30s));
  EXPECT_EQ(task_status(*worker, "preflight-sink").state, TaskState::kRunning);
  worker->stop();
  expect_exactly_once("preflight-sink", 200);
}

TEST_F(RuntimeSecureTest, UnusableRenewedFilesAreReportedInTheConnectorStatus) {
  const std::string topic = "invalid-renewal-orders";
  ASSERT_TRUE(cluster_->create_topic(topic, 1));
  auto worker = start_on_volume("invalid-renewal-sink", topic);
  ASSERT_TRUE(worker);
  secret_.publish({{"ca.crt", pki_.ca.cert_pem()},
                   {"tls.crt", pki_.client.cert_pem},
                   {"tls.key", kc::testing::new_key_pem()}});
  ASSERT_TRUE(
      eventually([&] { return !worker->status("invalid-renewal-sink")->warnings.empty(); }, 30s));
  EXPECT_THAT(worker->status("invalid-renewal-sink")->warnings.front(),
              HasSubstr("consumer.override.ssl.key.location"));
  kc::testing::produce(cluster_->bootstrap_servers(), topic, 50,
                       [](int i) { return fmt::format("order-{}", i); });
  ASSERT_TRUE(eventually(
      [&] { return committed_total("connect-invalid-renewal-sink", topic, 1) == 50; }, 30s));
  EXPECT_EQ(task_status(*worker, "invalid-renewal-sink").rollovers, 0u);
  worker->stop();
  expect_exactly_once("invalid-renewal-sink", 50);
}

}  // namespace
}  // namespace kc::pipeline
