// The libraries a certificate rollover is built from, end to end over real TLS: a Kubernetes
// Secret volume is renewed with material from a new CA, the MaterialWatcher delivers it, the old
// consumer commits and closes, a new consumer built from the same settings plus the new material
// takes over, and the edge stops trusting the old CA. Every record is consumed exactly once.
// (The rollover inside the sink task is docs/decisions/0003-certificate-rollover.md; this test
// pins down the pieces it relies on.)

#include <condition_variable>
#include <mutex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/tls/watcher.h"
#include "runtime/config/security/material.h"
#include "runtime/config/security/settings.h"
#include "runtime/kafka/consumer.h"
#include "tests/integration/kafka_edge/edge_test_support.h"
#include "tests/integration/security/consume_support.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/secret_volume.h"

namespace kc::config::security {
namespace {

using namespace std::chrono_literals;
using fakes::kafka_edge::DropConnections;
using fakes::kafka_edge::KafkaEdge;
using fakes::kafka_edge::TlsMaterial;
using testing::consume_and_commit;
using testing::NoRebalanceListener;

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
  kc::testing::SecretVolume secret(volume.path());
  secret.publish({{"ca.crt", old_ca.cert_pem()},
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
  secret.publish({{"ca.crt", old_ca.cert_pem() + new_ca.cert_pem()},
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
