// SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) through the edge, over TLS and plaintext, with the
// real librdkafka client; plus what a raw client sees before authenticating.

#include <ostream>

#include <gtest/gtest.h>

#include "tests/fakes/kafka_edge/asio.h"
#include "tests/fakes/kafka_edge/codec.h"
#include "tests/integration/kafka_edge/edge_test_support.h"

namespace kc::fakes::kafka_edge {
// Names the parameter in test output ("GetParam() = SCRAM-SHA-256").
void PrintTo(SaslMechanism mechanism, std::ostream* os) { *os << mechanism_name(mechanism); }
}  // namespace kc::fakes::kafka_edge

namespace kc::fakes::kafka_edge::testing {
namespace {

// "SCRAM-SHA-256" -> "SCRAM_SHA_256": usable in test names.
std::string identifier(std::string_view name) {
  std::string out(name);
  for (auto& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

const std::map<std::string, std::string> kUsers = {{"alice", "alice-secret"},
                                                   {"bob", "bob-secret"}};

class EdgeSaslTest : public ::testing::Test {
 protected:
  void start(bool tls, std::vector<SaslMechanism> mechanisms) {
    auto cluster = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(cluster) << cluster.error().to_string();
    cluster_ = std::move(*cluster);
    Options options{.upstream = cluster_->bootstrap_servers(),
                    .sasl = {.mechanisms = std::move(mechanisms), .users = kUsers}};
    if (tls) options.tls = server_tls(pki_);
    auto edge = KafkaEdge::start(std::move(options));
    ASSERT_TRUE(edge) << edge.error().to_string();
    edge_ = std::move(*edge);
  }

  std::string ca() const { return pki_.ca.cert_pem(); }

  // A producer that keeps (re)trying to authenticate; returns once `code` + `text` was reported.
  void expect_client_error(const kafka::Properties& props, rd_kafka_resp_err_t code,
                           const std::string& text) {
    ClientErrors errors;
    auto producer = make_client(RD_KAFKA_PRODUCER, props, errors);
    ASSERT_TRUE(producer) << producer.error().to_string();
    EXPECT_TRUE(errors.wait_for(producer->get(), code, text)) << errors.describe();
  }

  Pki pki_ = make_pki("edge-sasl");
  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  std::unique_ptr<KafkaEdge> edge_;
};

const std::vector<SaslMechanism> kAllMechanisms = {
    SaslMechanism::kPlain, SaslMechanism::kScramSha256, SaslMechanism::kScramSha512};

class EdgeSaslSslTest : public EdgeSaslTest, public ::testing::WithParamInterface<SaslMechanism> {};

TEST_P(EdgeSaslSslTest, ProducesAndConsumesWithAGroupOverSaslSsl) {
  start(true, kAllMechanisms);
  std::string mechanism(mechanism_name(GetParam()));
  std::string suffix = identifier(mechanism);
  round_trip(*cluster_,
             sasl_properties(edge_->bootstrap_servers(), ca(), mechanism, "alice", "alice-secret"),
             "sasl-ssl-" + suffix, 2, "sasl-ssl-group-" + suffix);
  auto c = edge_->counters();
  EXPECT_GT(c.auth_successes, 0u);
  EXPECT_EQ(c.auth_failures, 0u);
  EXPECT_EQ(c.requests_refused, 0u);
  EXPECT_GT(c.find_coordinator_rewrites, 0u);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, EdgeSaslSslTest, ::testing::ValuesIn(kAllMechanisms),
                         [](const auto& param_info) {
                           return identifier(mechanism_name(param_info.param));
                         });

TEST_F(EdgeSaslTest, ProducesAndConsumesWithAGroupOverSaslPlaintextScramSha512) {
  start(false, {SaslMechanism::kScramSha512});
  round_trip(*cluster_,
             sasl_properties(edge_->bootstrap_servers(), "", "SCRAM-SHA-512", "bob", "bob-secret"),
             "sasl-plaintext", 2, "sasl-plaintext-group");
  auto c = edge_->counters();
  EXPECT_GT(c.auth_successes, 0u);
  EXPECT_EQ(c.auth_failures, 0u);
}

TEST_F(EdgeSaslTest, WrongScramPasswordIsReportedAsAnAuthenticationError) {
  start(true, kAllMechanisms);
  expect_client_error(
      sasl_properties(edge_->bootstrap_servers(), ca(), "SCRAM-SHA-256", "alice", "wrong"),
      RD_KAFKA_RESP_ERR__AUTHENTICATION,
      "SASL authentication error: Authentication failed: invalid credentials with SASL mechanism "
      "SCRAM-SHA-256");
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.auth_failures > 0; }, 10s));
  EXPECT_EQ(edge_->counters().auth_successes, 0u);
}

TEST_F(EdgeSaslTest, WrongPlainPasswordIsReportedAsAnAuthenticationError) {
  start(true, kAllMechanisms);
  expect_client_error(sasl_properties(edge_->bootstrap_servers(), ca(), "PLAIN", "alice", "wrong"),
                      RD_KAFKA_RESP_ERR__AUTHENTICATION,
                      "SASL authentication error: Authentication failed: Invalid username or "
                      "password");
}

TEST_F(EdgeSaslTest, UnknownUserIsReportedAsAnAuthenticationError) {
  start(false, kAllMechanisms);
  expect_client_error(
      sasl_properties(edge_->bootstrap_servers(), "", "SCRAM-SHA-512", "mallory", "whatever"),
      RD_KAFKA_RESP_ERR__AUTHENTICATION,
      "SASL authentication error: Authentication failed: invalid credentials with SASL mechanism "
      "SCRAM-SHA-512");
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.auth_failures > 0; }, 10s));
}

TEST_F(EdgeSaslTest, MechanismTheEdgeDoesNotOfferIsUnsupportedSaslMechanism) {
  start(false, {SaslMechanism::kPlain});
  expect_client_error(
      sasl_properties(edge_->bootstrap_servers(), "", "SCRAM-SHA-256", "alice", "alice-secret"),
      RD_KAFKA_RESP_ERR__AUTHENTICATION,
      "SASL SCRAM-SHA-256 mechanism handshake failed: Broker: Unsupported SASL mechanism: broker's "
      "supported mechanisms: PLAIN");
}

// A bare TCP client, to see exactly what the edge answers before authentication.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : socket_(io_) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  void send(int16_t api_key, int16_t api_version, int32_t correlation_id, const Bytes& body) {
    auto frame = encode_request({api_key, api_version, correlation_id}, "raw", body);
    ASSERT_TRUE(frame) << frame.error().to_string();
    Writer size;
    size.i32(static_cast<int32_t>(frame->size()));
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(size.data()), ec);
    boost::asio::write(socket_, boost::asio::buffer(*frame), ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  // The next response frame, or nullopt when the edge closed the connection.
  std::optional<Bytes> receive() {
    std::array<uint8_t, 4> size{};
    boost::system::error_code ec;
    boost::asio::read(socket_, boost::asio::buffer(size), ec);
    if (ec) return std::nullopt;
    Bytes frame(*Reader(size).i32() < 0 ? 0 : static_cast<size_t>(*Reader(size).i32()));
    boost::asio::read(socket_, boost::asio::buffer(frame), ec);
    if (ec) return std::nullopt;
    return frame;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
};

TEST_F(EdgeSaslTest, AdvertisesSaslApisAndRefusesOtherRequestsBeforeAuthentication) {
  start(false, kAllMechanisms);
  RawClient client(edge_->ports()[0]);
  client.send(api::kApiVersions, 0, 1, {});
  auto response = client.receive();
  ASSERT_TRUE(response);
  auto apis = read_api_versions(*response, 0);
  ASSERT_TRUE(apis) << apis.error().to_string();
  auto find = [&](int16_t key) -> std::optional<ApiVersionRange> {
    for (const auto& a : *apis) {
      if (a.api_key == key) return a;
    }
    return std::nullopt;
  };
  ASSERT_TRUE(find(api::kSaslHandshake));
  EXPECT_EQ(find(api::kSaslHandshake)->max_version, 1);
  ASSERT_TRUE(find(api::kSaslAuthenticate));
  EXPECT_EQ(find(api::kSaslAuthenticate)->max_version, 2);
  EXPECT_TRUE(find(api::kMetadata)) << "the mock's own APIs stay listed";

  // Metadata v1 with a null topic array, before any SASL: the edge closes the connection.
  Writer body;
  body.array_length(-1, false);
  client.send(api::kMetadata, 1, 2, body.data());
  EXPECT_EQ(client.receive(), std::nullopt);
  EXPECT_TRUE(edge_->wait_for([](const Counters& c) { return c.requests_refused == 1; }, 10s));
  EXPECT_EQ(edge_->counters().metadata_rewrites, 0u);
}

TEST_F(EdgeSaslTest, SaslAuthenticateBeforeHandshakeIsIllegalSaslState) {
  start(false, kAllMechanisms);
  RawClient client(edge_->ports()[0]);
  Writer body;
  body.bytes(Bytes{'x'}, false);
  client.send(api::kSaslAuthenticate, 1, 5, body.data());
  auto response = client.receive();
  ASSERT_TRUE(response);
  Reader r(*response);
  EXPECT_EQ(*r.i32(), 5);
  EXPECT_EQ(*r.i16(), error_code::kIllegalSaslState);
  EXPECT_EQ(*r.nullable_string(false), "Unexpected SaslAuthenticate request before SaslHandshake");
  EXPECT_EQ(client.receive(), std::nullopt) << "the edge closes after a SASL failure";
}

}  // namespace
}  // namespace kc::fakes::kafka_edge::testing
