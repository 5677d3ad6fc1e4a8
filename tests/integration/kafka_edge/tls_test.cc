// The edge over TLS and mutual TLS, with the real librdkafka client.

#include <gtest/gtest.h>

#include "tests/integration/kafka_edge/edge_test_support.h"

namespace kc::fakes::kafka_edge::testing {
namespace {

class EdgeTlsTest : public ::testing::Test {
 protected:
  void start(int brokers, bool require_client_cert) {
    auto cluster = kafka::EmbeddedCluster::start(brokers);
    ASSERT_TRUE(cluster) << cluster.error().to_string();
    cluster_ = std::move(*cluster);
    auto edge = KafkaEdge::start(
        {.upstream = cluster_->bootstrap_servers(), .tls = server_tls(pki_, require_client_cert)});
    ASSERT_TRUE(edge) << edge.error().to_string();
    edge_ = std::move(*edge);
  }

  // Starts a producer that keeps trying to reach the edge; its errors land in `errors`.
  kafka::KafkaPtr connecting_producer(const kafka::Properties& props, ClientErrors& errors) {
    auto producer = make_client(RD_KAFKA_PRODUCER, props, errors);
    EXPECT_TRUE(producer) << producer.error().to_string();
    return producer ? std::move(*producer) : nullptr;
  }

  Pki pki_ = make_pki("edge-tls");
  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  std::unique_ptr<KafkaEdge> edge_;
};

TEST_F(EdgeTlsTest, ProducesAndConsumesWithAGroupOverTls) {
  start(1, false);
  round_trip(*cluster_, ssl_properties(edge_->bootstrap_servers(), pki_.ca.cert_pem()), "tls", 2,
             "tls-group");
  auto c = edge_->counters();
  EXPECT_GT(c.metadata_rewrites, 0u);
  EXPECT_GT(c.find_coordinator_rewrites, 0u);
  EXPECT_EQ(c.tls_handshake_failures, 0u);
  EXPECT_EQ(c.unmapped_addresses, 0u);
  EXPECT_EQ(c.protocol_errors, 0u);
}

TEST_F(EdgeTlsTest, ProducesAndConsumesWithAGroupOverMutualTls) {
  start(1, true);
  round_trip(*cluster_,
             ssl_properties(edge_->bootstrap_servers(), pki_.ca.cert_pem(), &pki_.client), "mtls",
             2, "mtls-group");
  auto c = edge_->counters();
  EXPECT_GT(c.find_coordinator_rewrites, 0u);
  EXPECT_EQ(c.tls_handshake_failures, 0u);
}

TEST_F(EdgeTlsTest, RewritesMetadataForEveryBrokerOfAThreeBrokerCluster) {
  start(3, true);
  ASSERT_EQ(edge_->ports().size(), 3u);
  // Six partitions spread their leaders over the three brokers, so producing and fetching needs a
  // connection to each broker, which only the rewritten addresses give over TLS.
  round_trip(*cluster_,
             ssl_properties(edge_->bootstrap_servers(), pki_.ca.cert_pem(), &pki_.client),
             "three-brokers", 6, "three-brokers-group", 60);
  auto c = edge_->counters();
  ASSERT_EQ(c.accepted_per_broker.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_GT(c.accepted_per_broker[i], 0u) << "broker " << i;
  EXPECT_EQ(c.unmapped_addresses, 0u);
  EXPECT_EQ(c.tls_handshake_failures, 0u);
}

TEST_F(EdgeTlsTest, ClientRefusesAServerCertificateFromAnUntrustedCa) {
  start(1, false);
  auto other = kc::testing::TestCa::create("someone-else");
  ClientErrors errors;
  auto producer =
      connecting_producer(ssl_properties(edge_->bootstrap_servers(), other.cert_pem()), errors);
  EXPECT_TRUE(errors.wait_for(producer.get(), RD_KAFKA_RESP_ERR__SSL, "certificate verify failed"))
      << errors.describe();
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.tls_handshake_failures > 0; }, 10s));
}

TEST_F(EdgeTlsTest, EdgeRefusesAClientWithoutACertificateWhenOneIsRequired) {
  start(1, true);
  ClientErrors errors;
  auto producer =
      connecting_producer(ssl_properties(edge_->bootstrap_servers(), pki_.ca.cert_pem()), errors);
  // TLS 1.3: the client finishes its side of the handshake before the edge checks the client's
  // (missing) certificate, so the edge's alert (certificate_required, 116) arrives on the first
  // read and librdkafka reports a transport error on its ApiVersions request.
  EXPECT_TRUE(errors.wait_for(producer.get(), RD_KAFKA_RESP_ERR__TRANSPORT,
                              "tlsv13 alert certificate required"))
      << errors.describe();
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.tls_handshake_failures > 0; }, 10s));
}

TEST_F(EdgeTlsTest, EdgeRefusesAnExpiredClientCertificate) {
  start(1, true);
  auto expired = pki_.ca.issue({.common_name = "expired-client",
                                .valid_from_days = -10,
                                .valid_days = 5,
                                .server_auth = false});
  ClientErrors errors;
  auto producer = connecting_producer(
      ssl_properties(edge_->bootstrap_servers(), pki_.ca.cert_pem(), &expired), errors);
  // As above, the alert (certificate_expired, 45) reaches the client on its first read.
  EXPECT_TRUE(errors.wait_for(producer.get(), RD_KAFKA_RESP_ERR__TRANSPORT,
                              "sslv3 alert certificate expired"))
      << errors.describe();
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.tls_handshake_failures > 0; }, 10s));
}

TEST_F(EdgeTlsTest, LibrdkafkaRefusesAClientKeyThatDoesNotMatchItsCertificate) {
  start(1, true);
  kc::testing::CertAndKey mismatched{pki_.client.cert_pem, kc::testing::new_key_pem()};
  ClientErrors errors;
  auto producer = make_client(
      RD_KAFKA_PRODUCER,
      ssl_properties(edge_->bootstrap_servers(), pki_.ca.cert_pem(), &mismatched), errors);
  ASSERT_FALSE(producer) << "librdkafka accepted a key that does not match the certificate";
  EXPECT_NE(producer.error().message().find("key values mismatch"), std::string::npos)
      << producer.error().message();
  EXPECT_EQ(edge_->counters().connections_accepted, 0u);
}

}  // namespace
}  // namespace kc::fakes::kafka_edge::testing
