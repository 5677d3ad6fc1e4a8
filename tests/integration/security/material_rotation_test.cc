// The libraries a certificate rollover is built from, end to end over real TLS: a Kubernetes
// Secret volume is renewed with material from a new CA, the MaterialWatcher delivers it, the old
// consumer commits and closes, a new consumer built from the same settings plus the new material
// takes over, and the edge stops trusting the old CA. Every record is consumed exactly once.
// (The rollover inside the sink task is docs/decisions/0003-certificate-rollover.md; this test
// pins down the pieces it relies on.)

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/tls/watcher.h"
#include "runtime/config/security/material.h"
#include "runtime/config/security/settings.h"
#include "runtime/kafka/consumer.h"
#include "tests/integration/kafka_edge/edge_test_support.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"

namespace kc::config::security {
namespace {

using namespace std::chrono_literals;
using fakes::kafka_edge::DropConnections;
using fakes::kafka_edge::KafkaEdge;
using fakes::kafka_edge::TlsMaterial;
namespace fs = std::filesystem;

class NoRebalanceListener : public kafka::RebalanceListener {
 public:
  void on_assigned(const std::vector<api::TopicPartition>&) override {}
  void on_revoked(const std::vector<api::TopicPartition>&, bool) override {}
};

// The kubelet's AtomicWriter, as in tests/unit/libs/tls/watcher_test.cc.
void publish(const std::string& root, int generation,
             const std::map<std::string, std::string>& files) {
  auto version = fmt::format("..2026_01_01_00_00_{:02}.{}", generation, generation);
  for (const auto& [name, content] : files)
    kc::testing::write_file(root + "/" + version + "/" + name, content);
  fs::create_directory_symlink(version, root + "/..data_tmp");
  fs::rename(root + "/..data_tmp", root + "/..data");
  for (const auto& [name, content] : files) {
    if (!fs::is_symlink(root + "/" + name)) fs::create_symlink("..data/" + name, root + "/" + name);
  }
  if (generation > 0) {
    fs::remove_all(root + "/" +
                   fmt::format("..2026_01_01_00_00_{:02}.{}", generation - 1, generation - 1));
  }
}

// Consumes until `count` records arrived or a deadline passes, then commits what it consumed.
std::vector<std::string> consume_and_commit(kafka::Consumer& consumer, const std::string& topic,
                                            size_t count) {
  std::vector<std::string> values;
  std::map<int32_t, int64_t> next;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (values.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::vector<kafka::MessagePtr> batch;
    EXPECT_TRUE(consumer.poll_batch(batch, 100, 200ms));
    for (const auto& m : batch) {
      values.emplace_back(static_cast<const char*>(m->payload), m->len);
      next[m->partition] = m->offset + 1;
    }
  }
  kafka::OffsetMap offsets;
  for (const auto& [partition, offset] : next) offsets.push_back({{topic, partition}, offset});
  auto committed = consumer.commit_sync(offsets);
  EXPECT_TRUE(committed) << committed.error().to_string();
  return values;
}

TEST(MaterialRotationTest, RenewedSecretVolumeIsDeliveredAndANewConsumerTakesOverExactlyOnce) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster) << cluster.error().to_string();
  const std::string topic = "rotated-orders";
  ASSERT_TRUE((*cluster)->create_topic(topic, 2));

  auto old_ca = kc::testing::TestCa::create("old-ca");
  auto new_ca = kc::testing::TestCa::create("new-ca");
  auto old_server = old_ca.issue({.common_name = "broker", .ip_sans = {"127.0.0.1"}});
  auto new_server = new_ca.issue({.common_name = "broker", .ip_sans = {"127.0.0.1"}});
  auto old_client = old_ca.issue({.common_name = "orders", .server_auth = false});
  auto new_client = new_ca.issue({.common_name = "orders", .server_auth = false});

  auto edge = KafkaEdge::start(
      {.upstream = (*cluster)->bootstrap_servers(),
       .tls = TlsMaterial{old_server.cert_pem, old_server.key_pem, old_ca.cert_pem(), true}});
  ASSERT_TRUE(edge) << edge.error().to_string();

  // A cert-manager Secret mounted as a volume, named with librdkafka's keys in consumer.*.
  kc::testing::TempDir volume;
  publish(volume.path(), 0,
          {{"ca.crt", old_ca.cert_pem()},
           {"tls.crt", old_client.cert_pem},
           {"tls.key", old_client.key_pem}});
  api::RawConfig worker_consumer = {{"security.protocol", "SSL"},
                                    {"ssl.truststore.type", "PEM"},
                                    {"ssl.truststore.location", volume.file("ca.crt")},
                                    {"ssl.certificate.location", volume.file("tls.crt")},
                                    {"ssl.key.location", volume.file("tls.key")}};
  std::vector<api::ConfigIssue> issues;
  const KeyLayer layers[] = {{&worker_consumer, "consumer."}};
  auto settings = translate_security(layers, issues);
  ASSERT_TRUE(issues.empty()) << issues.front().to_string();
  auto checked = check_material(settings);
  ASSERT_TRUE(checked) << checked.error().to_string();

  kafka::Properties base = {{"bootstrap.servers", (*edge)->bootstrap_servers()},
                            {"group.id", "connect-orders"},
                            // No group.instance.id here: librdkafka 2.0.2's mock cluster
                            // ignores it, so the new member would wait for the old one's session
                            // to time out as well (6-11 s measured with 6 s sessions). Without
                            // it, the handover takes session.timeout.ms - 1 s on the mock (its
                            // rebalance window): 2 s with these settings.
                            {"session.timeout.ms", "3000"},
                            {"heartbeat.interval.ms", "500"},
                            {"auto.offset.reset", "earliest"},
                            {"enable.auto.commit", "false"},
                            {"reconnect.backoff.ms", "50"},
                            {"reconnect.backoff.max.ms", "500"}};
  auto properties = [&](const tls::Material& material) {
    auto props = base;
    for (const auto& p : settings.properties) props.emplace_back(p.name, p.value);
    for (const auto& p : material_properties(settings, material))
      props.emplace_back(p.name, p.value);
    return props;
  };

  std::mutex mu;
  std::condition_variable cv;
  std::vector<tls::MaterialWatcher::Event> events;
  auto watcher = tls::MaterialWatcher::start(
      settings.material, {.connector = "orders", .debounce = 50ms, .registry = nullptr},
      [&](const tls::MaterialWatcher::Event& e) {
        std::lock_guard lock(mu);
        events.push_back(e);
        cv.notify_all();
      });
  ASSERT_TRUE(watcher) << watcher.error().to_string();

  // Before the renewal: the first half, consumed and committed with the old material.
  auto value = [](int i) { return fmt::format("order-{}", i); };
  kc::testing::produce((*cluster)->bootstrap_servers(), topic, 10, value);
  NoRebalanceListener listener;
  auto first = kafka::Consumer::create(properties(*(*watcher)->current()), &listener);
  ASSERT_TRUE(first) << first.error().to_string();
  ASSERT_TRUE((*first)->subscribe({topic}, ""));
  auto before = consume_and_commit(**first, topic, 10);

  // cert-manager renews: a new CA in the bundle (the old one stays while brokers move), a client
  // certificate from the new CA.
  publish(volume.path(), 1,
          {{"ca.crt", old_ca.cert_pem() + new_ca.cert_pem()},
           {"tls.crt", new_client.cert_pem},
           {"tls.key", new_client.key_pem}});
  std::shared_ptr<const tls::Material> renewed;
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return !events.empty(); }));
    ASSERT_EQ(events[0].kind, tls::MaterialWatcher::EventKind::kNewMaterial) << events[0].reason;
    renewed = events[0].material;
  }
  EXPECT_EQ(renewed->chain.front().issuer(), "CN=new-ca");

  // The rollover's order: the first consumer has committed; it closes, and the new one opens with
  // the renewed material. Then the brokers stop trusting the old CA.
  EXPECT_TRUE((*first)->close());
  first->reset();
  ASSERT_TRUE((*edge)->swap_tls({new_server.cert_pem, new_server.key_pem, new_ca.cert_pem(), true},
                                DropConnections::kYes));
  kc::testing::produce((*cluster)->bootstrap_servers(), topic, 10,
                       [&](int i) { return value(10 + i); });
  auto second = kafka::Consumer::create(properties(*renewed), &listener);
  ASSERT_TRUE(second) << second.error().to_string();
  ASSERT_TRUE((*second)->subscribe({topic}, ""));
  auto after = consume_and_commit(**second, topic, 10);
  EXPECT_TRUE((*second)->close());

  std::multiset<std::string> all(before.begin(), before.end());
  all.insert(after.begin(), after.end());
  std::multiset<std::string> expected;
  for (int i = 0; i < 20; ++i) expected.insert(value(i));
  EXPECT_EQ(all, expected);  // nothing lost, nothing twice
  EXPECT_EQ((*edge)->counters().tls_handshake_failures, 0u);
}

}  // namespace
}  // namespace kc::config::security
