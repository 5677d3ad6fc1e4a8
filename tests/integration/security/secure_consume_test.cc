// Consuming over TLS, mutual TLS and SASL_SSL through the real librdkafka client and the Kafka
// edge (tests/fakes/kafka_edge), with the configuration written the way users write it for Kafka
// Connect (Java keys, JAAS strings, PKCS#12 and PEM stores, inline PEM). The consumer properties
// are built as the runtime builds them: translate_security(), check_material() before connecting,
// then kafka::Consumer. Failures must be clear and specific, and caught before connecting where
// the files alone tell (expired certificate, key that does not match).

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/consumer_properties.h"
#include "runtime/config/override_policy.h"
#include "runtime/config/security/diagnose.h"
#include "runtime/config/security/material.h"
#include "runtime/config/security/settings.h"
#include "runtime/kafka/consumer.h"
#include "tests/integration/kafka_edge/edge_test_support.h"
#include "tests/integration/security/consume_support.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"

namespace kc::config::security {
namespace {

using namespace std::chrono_literals;
using fakes::kafka_edge::Counters;
using fakes::kafka_edge::KafkaEdge;
using fakes::kafka_edge::SaslMechanism;
using fakes::kafka_edge::testing::ClientErrors;
using fakes::kafka_edge::testing::make_client;
using fakes::kafka_edge::testing::make_pki;
using fakes::kafka_edge::testing::Pki;
using fakes::kafka_edge::testing::server_tls;
using testing::consume_and_commit;
using ::testing::HasSubstr;
using testing::NoRebalanceListener;

class SecureConsumeTest : public ::testing::Test {
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

  void start_edge(bool tls, bool require_client_cert, std::map<std::string, std::string> users = {},
                  std::vector<SaslMechanism> mechanisms = {}) {
    fakes::kafka_edge::Options options{
        .upstream = cluster_->bootstrap_servers(),
        .sasl = {.mechanisms = std::move(mechanisms), .users = std::move(users)}};
    if (tls) options.tls = server_tls(pki_, require_client_cert);
    auto edge = KafkaEdge::start(std::move(options));
    ASSERT_TRUE(edge) << edge.error().to_string();
    edge_ = std::move(*edge);
  }

  std::string write(const std::string& name, const std::string& content) {
    kc::testing::write_file(dir_.file(name), content);
    return dir_.file(name);
  }

  // The worker's consumer.* and the connector's consumer.override.* security keys, translated and
  // checked as the runtime does before it creates a task's consumer.
  Result<kafka::Properties> consumer_properties(const api::RawConfig& worker_consumer,
                                                const api::RawConfig& overrides,
                                                const std::string& group) {
    std::vector<api::ConfigIssue> issues;
    const KeyLayer layers[] = {{&worker_consumer, "consumer."}, {&overrides, "consumer.override."}};
    settings_ = translate_security(layers, issues);
    kafka::Properties props = {{"bootstrap.servers", edge_->bootstrap_servers()},
                               {"group.id", group},
                               {"auto.offset.reset", "earliest"},
                               {"enable.auto.commit", "false"},
                               {"reconnect.backoff.ms", "50"},
                               {"reconnect.backoff.max.ms", "500"}};
    for (const auto& p : settings_.properties) props.emplace_back(p.name, p.value);
    // What the validator does with the result: librdkafka accepts every name and value.
    std::vector<std::string> display;
    for (const auto& [name, value] : props) display.push_back(name);
    check_with_librdkafka(props, display, issues);
    for (const auto& issue : issues) {
      if (issue.severity == api::ConfigIssue::Severity::kError) {
        return make_error(Errc::kInvalidConfig, "{}", issue.to_string());
      }
    }
    KC_ASSIGN_OR_RETURN(auto checked, check_material(settings_));
    for (const auto& p : checked.properties) props.emplace_back(p.name, p.value);
    return props;
  }

  // Produces `count` records straight into the mock cluster, consumes them through the edge with
  // kafka::Consumer in group `group`, commits, and checks the commit reached the cluster.
  void consume(const kafka::Properties& props, const std::string& topic, const std::string& group,
               int count = 20) {
    ASSERT_TRUE(cluster_->create_topic(topic, 2));
    auto value = [&](int i) { return fmt::format("{}-{}", topic, i); };
    kc::testing::produce(cluster_->bootstrap_servers(), topic, count, value);

    NoRebalanceListener listener;
    auto consumer = kafka::Consumer::create(props, &listener);
    ASSERT_TRUE(consumer) << consumer.error().to_string();
    ASSERT_TRUE((*consumer)->subscribe({topic}, ""));
    auto values = consume_and_commit(**consumer, topic, static_cast<size_t>(count));
    std::multiset<std::string> seen(values.begin(), values.end());
    std::multiset<std::string> expected;
    for (int i = 0; i < count; ++i) expected.insert(value(i));
    EXPECT_EQ(seen, expected);
    EXPECT_TRUE((*consumer)->close());
    int64_t total = 0;
    for (const auto& [p, offset] :
         kc::testing::committed_offsets(cluster_->bootstrap_servers(), group, topic, 2)) {
      total += offset < 0 ? 0 : offset;
    }
    EXPECT_EQ(total, count);
  }

  // A client through the edge that keeps retrying (a producer: it connects without a group);
  // returns the first librdkafka error containing `text`, explained for the user. The error code
  // varies (a failed verification is reported as _SSL or as _TRANSPORT), the text does not.
  std::string client_error(const kafka::Properties& props, const std::string& text) {
    ClientErrors errors;
    kafka::Properties producer_props;
    for (const auto& [name, value] : props) {
      if (name != "group.id" && name != "auto.offset.reset" && name != "enable.auto.commit") {
        producer_props.emplace_back(name, value);
      }
    }
    auto producer = make_client(RD_KAFKA_PRODUCER, producer_props, errors);
    EXPECT_TRUE(producer) << producer.error().to_string();
    if (!producer) return "";
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      rd_kafka_poll(producer->get(), 100);  // serves the error callback
      for (const auto& e : errors.entries()) {
        if (e.reason.find(text) != std::string::npos) {
          return explain_client_error(e.reason, settings_).value_or(e.reason);
        }
      }
    }
    ADD_FAILURE() << "no client error containing '" << text << "':" << errors.describe();
    return "";
  }

  static kafka::EmbeddedCluster* cluster_;
  Pki pki_ = make_pki("secure-consume");
  kc::testing::TempDir dir_;
  std::unique_ptr<KafkaEdge> edge_;
  SecuritySettings settings_;
};

kafka::EmbeddedCluster* SecureConsumeTest::cluster_ = nullptr;

TEST_F(SecureConsumeTest, ConsumesOverTlsWithAPemTruststore) {
  start_edge(true, false);
  auto props =
      consumer_properties({{"security.protocol", "SSL"},
                           {"ssl.truststore.type", "PEM"},
                           {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())},
                           {"ssl.endpoint.identification.algorithm", "https"}},
                          {}, "connect-tls");
  ASSERT_TRUE(props) << props.error().to_string();
  consume(*props, "tls-orders", "connect-tls");
  EXPECT_EQ(edge_->counters().tls_handshake_failures, 0u);
}

TEST_F(SecureConsumeTest, ConsumesOverMutualTlsWithAnEncryptedPemKeystore) {
  start_edge(true, true);
  auto key = kc::testing::encrypt_key_pem(pki_.client.key_pem, "key-secret");
  auto props = consumer_properties(
      {{"security.protocol", "SSL"},
       {"ssl.truststore.location", write("ca.crt", pki_.ca.cert_pem())},
       {"ssl.keystore.type", "PEM"},
       {"ssl.keystore.location", write("client.pem", pki_.client.cert_pem + key)},
       {"ssl.key.password", "key-secret"}},
      {}, "connect-mtls-pem");
  ASSERT_TRUE(props) << props.error().to_string();
  consume(*props, "mtls-pem-orders", "connect-mtls-pem");
}

TEST_F(SecureConsumeTest, ConsumesOverMutualTlsWithPkcs12KeystoreAndTruststore) {
  start_edge(true, true);
  auto props = consumer_properties(
      {{"security.protocol", "SSL"},
       {"ssl.truststore.type", "PKCS12"},
       {"ssl.truststore.location", write("truststore.p12", kc::testing::make_pkcs12_truststore(
                                                               {pki_.ca.cert_pem()}, "changeit"))},
       {"ssl.truststore.password", "changeit"},
       {"ssl.keystore.type", "PKCS12"},
       {"ssl.keystore.location",
        write("keystore.p12",
              kc::testing::make_pkcs12(pki_.client, pki_.ca.cert_pem(), "storepass"))},
       {"ssl.keystore.password", "storepass"},
       {"ssl.key.password", "storepass"}},
      {}, "connect-mtls-p12");
  ASSERT_TRUE(props) << props.error().to_string();
  consume(*props, "mtls-p12-orders", "connect-mtls-p12");
}

TEST_F(SecureConsumeTest, ConsumesOverMutualTlsWithInlinePemInTheConnectorOverrides) {
  start_edge(true, true);
  // The worker says SSL; the connector brings its own identity, as Kafka's PEM keystore keys.
  auto props = consumer_properties(
      {{"security.protocol", "SSL"}, {"ssl.truststore.certificates", pki_.ca.cert_pem()}},
      {{"ssl.keystore.type", "PEM"},
       {"ssl.keystore.certificate.chain", pki_.client.cert_pem},
       {"ssl.keystore.key", pki_.client.key_pem}},
      "connect-mtls-inline");
  ASSERT_TRUE(props) << props.error().to_string();
  consume(*props, "mtls-inline-orders", "connect-mtls-inline");
}

class SecureConsumeSaslTest : public SecureConsumeTest,
                              public ::testing::WithParamInterface<std::string> {};

TEST_P(SecureConsumeSaslTest, ConsumesOverSaslSslWithAPrincipalPerConnector) {
  start_edge(true, false, {{"orders-connector", "orders-secret"}},
             {SaslMechanism::kPlain, SaslMechanism::kScramSha256, SaslMechanism::kScramSha512});
  const std::string& mechanism = GetParam();
  std::string module = mechanism == "PLAIN"
                           ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                           : "org.apache.kafka.common.security.scram.ScramLoginModule";
  api::RawConfig overrides = {
      {"sasl.mechanism", mechanism},
      {"sasl.jaas.config",
       module + " required username=\"orders-connector\" password=\"orders-secret\";"}};
  // Under the Principal policy a connector may bring exactly these keys.
  std::vector<api::ConfigIssue> refused;
  check_client_overrides(OverridePolicy::principal(), overrides, "consumer.override.", refused);
  EXPECT_TRUE(refused.empty());

  std::string group = "connect-sasl-" + mechanism;
  auto props =
      consumer_properties({{"security.protocol", "SASL_SSL"},
                           {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())}},
                          overrides, group);
  ASSERT_TRUE(props) << props.error().to_string();
  consume(*props, "sasl-orders-" + mechanism, group);
  auto c = edge_->counters();
  EXPECT_GT(c.auth_successes, 0u);
  EXPECT_EQ(c.auth_failures, 0u);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, SecureConsumeSaslTest,
                         ::testing::Values("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (auto& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST_F(SecureConsumeTest, AzureEventHubsConnectionStringAuthenticatesWithPlain) {
  const std::string connection =
      "Endpoint=sb://kconnect.servicebus.windows.net/"
      ";SharedAccessKeyName=RootManageSharedAccessKey;"
      "SharedAccessKey=c2VjcmV0LWtleQ==";
  start_edge(true, false, {{"$ConnectionString", connection}}, {SaslMechanism::kPlain});
  auto props =
      consumer_properties({{"security.protocol", "SASL_SSL"},
                           {"sasl.mechanism", "PLAIN"},
                           {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())},
                           {"sasl.jaas.config",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            "username=\"$ConnectionString\" password=\"" +
                                connection + "\";"}},
                          {}, "connect-eventhubs");
  ASSERT_TRUE(props) << props.error().to_string();
  consume(*props, "eventhubs-orders", "connect-eventhubs");
}

TEST_F(SecureConsumeTest, WrongSaslPasswordIsAnAuthenticationErrorNamingTheJaasKey) {
  start_edge(true, false, {{"alice", "alice-secret"}}, {SaslMechanism::kScramSha256});
  auto props = consumer_properties(
      {{"security.protocol", "SASL_SSL"},
       {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())}},
      {{"sasl.mechanism", "SCRAM-SHA-256"},
       {"sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
        "password=\"not-her-password\";"}},
      "connect-wrong-password");
  ASSERT_TRUE(props) << props.error().to_string();  // nothing in the files can tell
  auto error = client_error(*props, "Authentication failed");
  EXPECT_THAT(error, HasSubstr("SASL SCRAM-SHA-256 authentication was refused: check the user "
                               "name and password in consumer.override.sasl.jaas.config"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("not-her-password")));
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.auth_failures > 0; }, 10s));
}

TEST_F(SecureConsumeTest, UntrustedBrokerCaFailsVerificationNamingTheTruststore) {
  start_edge(true, false);
  auto other = kc::testing::TestCa::create("someone-else");
  auto truststore = write("other-ca.pem", other.cert_pem());
  auto props =
      consumer_properties({{"security.protocol", "SSL"}, {"ssl.truststore.location", truststore}},
                          {}, "connect-untrusted");
  ASSERT_TRUE(props) << props.error().to_string();
  auto error = client_error(*props, "certificate verify failed");
  EXPECT_THAT(error, HasSubstr("the broker's certificate did not verify against "
                               "consumer.ssl.truststore.location (" +
                               truststore + "): the truststore must hold the CA that issued"));
}

TEST_F(SecureConsumeTest, MissingClientCertificateIsRefusedByTheBroker) {
  start_edge(true, true);
  auto props =
      consumer_properties({{"security.protocol", "SSL"},
                           {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())}},
                          {}, "connect-no-cert");
  ASSERT_TRUE(props) << props.error().to_string();
  auto error = client_error(*props, "certificate required");
  EXPECT_THAT(error, HasSubstr("the broker requires a client certificate (mutual TLS)"));
}

TEST_F(SecureConsumeTest, ExpiredClientCertificateIsCaughtBeforeConnecting) {
  start_edge(true, true);
  auto expired = pki_.ca.issue({.common_name = "expired-client",
                                .valid_from_days = -10,
                                .valid_days = 5,
                                .server_auth = false});
  auto props = consumer_properties(
      {{"security.protocol", "SSL"},
       {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())},
       {"ssl.keystore.location", write("expired.p12", kc::testing::make_pkcs12(expired, "", "pw"))},
       {"ssl.keystore.password", "pw"}},
      {}, "connect-expired");
  ASSERT_FALSE(props);
  EXPECT_THAT(props.error().message(),
              HasSubstr("consumer.ssl.keystore.location (" + dir_.file("expired.p12") +
                        "): certificate 'CN=expired-client' expired at"));
  EXPECT_EQ(edge_->counters().connections_accepted, 0u);
}

TEST_F(SecureConsumeTest, KeyThatDoesNotMatchItsCertificateIsCaughtBeforeConnecting) {
  start_edge(true, true);
  api::RawConfig keys = {{"security.protocol", "SSL"},
                         {"ssl.truststore.location", write("ca.pem", pki_.ca.cert_pem())},
                         {"ssl.keystore.type", "PEM"},
                         {"ssl.keystore.location",
                          write("client.pem", pki_.client.cert_pem + kc::testing::new_key_pem())}};
  auto props = consumer_properties(keys, {}, "connect-mismatch");
  ASSERT_FALSE(props);
  EXPECT_THAT(
      props.error().message(),
      HasSubstr("consumer.ssl.keystore.location (" + dir_.file("client.pem") +
                "): the private key does not match certificate 'CN=secure-consume-client'"));
  // librdkafka agrees, if it were asked.
  kafka::Properties raw = {{"bootstrap.servers", edge_->bootstrap_servers()}};
  for (const auto& p : settings_.properties) raw.emplace_back(p.name, p.value);
  ClientErrors errors;
  auto client = make_client(RD_KAFKA_CONSUMER, raw, errors);
  ASSERT_FALSE(client);
  EXPECT_THAT(explain_client_error(client.error().message(), settings_).value_or(""),
              HasSubstr("the private key does not match the client certificate in "
                        "consumer.ssl.keystore.location"));
  EXPECT_EQ(edge_->counters().connections_accepted, 0u);
}

}  // namespace
}  // namespace kc::config::security
