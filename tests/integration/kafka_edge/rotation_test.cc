// Certificate rotation: after swap_tls to material from a new CA and dropping connections, a
// client holding a certificate from the old CA can no longer connect; one from the new CA can.

#include <gtest/gtest.h>

#include "tests/integration/kafka_edge/edge_test_support.h"

namespace kc::fakes::kafka_edge::testing {
namespace {

// Asks for cluster metadata through `client`: succeeds only over a working connection.
rd_kafka_resp_err_t fetch_metadata(rd_kafka_t* client, int timeout_ms = 5000) {
  const rd_kafka_metadata_t* metadata = nullptr;
  auto err = rd_kafka_metadata(client, 1, nullptr, &metadata, timeout_ms);
  if (metadata) rd_kafka_metadata_destroy(metadata);
  return err;
}

TEST(EdgeRotationTest, OldClientCertificatesFailAfterSwapToANewCa) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster) << cluster.error().to_string();
  Pki old_pki = make_pki("rotation-old");
  Pki new_pki = make_pki("rotation-new");
  auto edge = KafkaEdge::start(
      {.upstream = (*cluster)->bootstrap_servers(), .tls = server_tls(old_pki, true)});
  ASSERT_TRUE(edge) << edge.error().to_string();
  const std::string bootstrap = (*edge)->bootstrap_servers();

  // The old client trusts both CAs, so after the swap only its own certificate can be the problem.
  const std::string both_cas = old_pki.ca.cert_pem() + new_pki.ca.cert_pem();
  ClientErrors old_errors;
  auto old_client = make_client(RD_KAFKA_PRODUCER,
                                ssl_properties(bootstrap, both_cas, &old_pki.client), old_errors);
  ASSERT_TRUE(old_client) << old_client.error().to_string();
  ASSERT_EQ(fetch_metadata(old_client->get()), RD_KAFKA_RESP_ERR_NO_ERROR) << old_errors.describe();

  auto swapped = (*edge)->swap_tls(server_tls(new_pki, true), DropConnections::kYes);
  ASSERT_TRUE(swapped) << swapped.error().to_string();
  const auto failures_before = (*edge)->counters().tls_handshake_failures;

  // The old client reconnects and the edge now refuses its certificate (unknown CA).
  EXPECT_TRUE((*edge)->wait_for(
      [&](const Counters& c) { return c.tls_handshake_failures > failures_before; }, 20s));
  // TLS 1.3: the edge's alert arrives on the client's first read. librdkafka 2.8 sends no
  // certificate whose issuer the server's CertificateRequest does not list, so the edge answers
  // certificate_required (116); 2.0.2 sent it and got unknown_ca (48).
  EXPECT_TRUE(old_errors.wait_for(old_client->get(), RD_KAFKA_RESP_ERR__TRANSPORT,
                                  "alert certificate required"))
      << old_errors.describe();
  EXPECT_EQ(fetch_metadata(old_client->get(), 500), RD_KAFKA_RESP_ERR__TRANSPORT);

  // A client with a certificate from the new CA works, end to end with a group.
  round_trip(**cluster, ssl_properties(bootstrap, new_pki.ca.cert_pem(), &new_pki.client),
             "rotated", 2, "rotated-group");
}

TEST(EdgeRotationTest, SwapKeepsOpenConnectionsUnlessAskedAndRefusesBadMaterial) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster) << cluster.error().to_string();
  Pki pki = make_pki("rotation-keep");
  auto edge =
      KafkaEdge::start({.upstream = (*cluster)->bootstrap_servers(), .tls = server_tls(pki)});
  ASSERT_TRUE(edge) << edge.error().to_string();

  ClientErrors errors;
  auto client = make_client(
      RD_KAFKA_PRODUCER, ssl_properties((*edge)->bootstrap_servers(), pki.ca.cert_pem()), errors);
  ASSERT_TRUE(client) << client.error().to_string();
  ASSERT_EQ(fetch_metadata(client->get()), RD_KAFKA_RESP_ERR_NO_ERROR) << errors.describe();
  const auto accepted = (*edge)->counters().connections_accepted;

  // A key that does not match the certificate is refused; the current material stays.
  TlsMaterial bad = server_tls(pki);
  bad.key_pem = kc::testing::new_key_pem();
  auto refused = (*edge)->swap_tls(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("does not match"), std::string::npos);

  // A good swap without dropping: the open connection keeps working, no reconnect happens.
  ASSERT_TRUE((*edge)->swap_tls(server_tls(pki)));
  ASSERT_EQ(fetch_metadata(client->get()), RD_KAFKA_RESP_ERR_NO_ERROR) << errors.describe();
  EXPECT_EQ((*edge)->counters().connections_accepted, accepted);

  // Without TLS there is nothing to swap.
  auto plain = KafkaEdge::start({.upstream = (*cluster)->bootstrap_servers()});
  ASSERT_TRUE(plain);
  EXPECT_EQ((*plain)->swap_tls(server_tls(pki)).error().code(), Errc::kConflict);
}

}  // namespace
}  // namespace kc::fakes::kafka_edge::testing
