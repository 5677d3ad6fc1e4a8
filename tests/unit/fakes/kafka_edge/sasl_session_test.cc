#include "tests/fakes/kafka_edge/sasl_session.h"

#include <gtest/gtest.h>

namespace kc::fakes::kafka_edge {
namespace {

using namespace std::string_view_literals;

using Outcome = SaslSession::Outcome;

class SaslSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto users = UserStore::create({{"alice", "secret"}}, 4096);
    ASSERT_TRUE(users) << users.error().to_string();
    users_ = *users;
  }

  SaslSession session() {
    return SaslSession(users_, {SaslMechanism::kPlain, SaslMechanism::kScramSha256});
  }

  static Bytes handshake(int16_t version, int32_t correlation_id, std::string_view mechanism) {
    Writer body;
    body.string(mechanism, false);
    return *encode_request({api::kSaslHandshake, version, correlation_id}, "test", body.data());
  }

  static Bytes authenticate(int16_t version, int32_t correlation_id, std::string_view token) {
    Writer body;
    body.bytes(ByteView(reinterpret_cast<const uint8_t*>(token.data()), token.size()),
               version >= 2);
    if (version >= 2) body.empty_tagged_fields();
    return *encode_request({api::kSaslAuthenticate, version, correlation_id}, "test", body.data());
  }

  struct HandshakeResponse {
    int32_t correlation_id;
    int16_t error;
    std::vector<std::string> mechanisms;
  };
  static HandshakeResponse read_handshake(const Bytes& frame) {
    Reader r(frame);
    HandshakeResponse out{*r.i32(), *r.i16(), {}};
    int32_t n = *r.array_length(false);
    for (int32_t i = 0; i < n; ++i) out.mechanisms.push_back(*r.string(false));
    return out;
  }

  static SaslAuthenticateResponse read_authenticate(const Bytes& frame, int16_t version) {
    const bool flex = version >= 2;
    Reader r(frame);
    EXPECT_TRUE(r.i32());
    if (flex) {
      EXPECT_TRUE(r.skip_tagged_fields());
    }
    SaslAuthenticateResponse out;
    out.error = *r.i16();
    out.error_message = *r.nullable_string(flex);
    out.auth_bytes = *r.bytes(flex);
    if (version >= 1) out.session_lifetime_ms = *r.i64();
    return out;
  }

  std::shared_ptr<const UserStore> users_;
};

TEST_F(SaslSessionTest, PlainOverSaslAuthenticate) {
  auto s = session();
  auto reply = s.handle_request(handshake(1, 1, "PLAIN"));
  EXPECT_EQ(reply.outcome, Outcome::kContinue);
  auto hs = read_handshake(reply.frame);
  EXPECT_EQ(hs.correlation_id, 1);
  EXPECT_EQ(hs.error, error_code::kNone);
  EXPECT_EQ(hs.mechanisms, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256"}));
  EXPECT_FALSE(s.expects_raw_token());

  for (int16_t version : {int16_t{0}, int16_t{1}, int16_t{2}}) {
    SCOPED_TRACE(version);
    auto again = session();
    ASSERT_EQ(again.handle_request(handshake(1, 1, "PLAIN")).outcome, Outcome::kContinue);
    auto auth = again.handle_request(authenticate(version, 2, "\0alice\0secret"sv));
    EXPECT_EQ(auth.outcome, Outcome::kAuthenticated);
    auto response = read_authenticate(auth.frame, version);
    EXPECT_EQ(response.error, error_code::kNone);
    EXPECT_EQ(response.error_message, std::nullopt);
    EXPECT_TRUE(again.authenticated());
    EXPECT_EQ(again.user(), "alice");
  }
}

TEST_F(SaslSessionTest, WrongPasswordIsSaslAuthenticationFailed) {
  auto s = session();
  ASSERT_EQ(s.handle_request(handshake(1, 1, "PLAIN")).outcome, Outcome::kContinue);
  auto auth = s.handle_request(authenticate(1, 2, "\0alice\0nope"sv));
  EXPECT_EQ(auth.outcome, Outcome::kFailed);
  auto response = read_authenticate(auth.frame, 1);
  EXPECT_EQ(response.error, error_code::kSaslAuthenticationFailed);
  EXPECT_EQ(response.error_message, "Authentication failed: Invalid username or password");
  EXPECT_FALSE(s.authenticated());
}

TEST_F(SaslSessionTest, UnsupportedMechanismListsTheEnabledOnes) {
  auto s = session();
  auto reply = s.handle_request(handshake(1, 7, "SCRAM-SHA-512"));
  EXPECT_EQ(reply.outcome, Outcome::kFailed);
  auto hs = read_handshake(reply.frame);
  EXPECT_EQ(hs.error, error_code::kUnsupportedSaslMechanism);
  EXPECT_EQ(hs.mechanisms, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256"}));
  EXPECT_NE(reply.reason.find("SCRAM-SHA-512"), std::string::npos);
}

TEST_F(SaslSessionTest, AuthenticateBeforeHandshakeIsIllegalSaslState) {
  auto s = session();
  auto reply = s.handle_request(authenticate(1, 3, "x"));
  EXPECT_EQ(reply.outcome, Outcome::kFailed);
  auto response = read_authenticate(reply.frame, 1);
  EXPECT_EQ(response.error, error_code::kIllegalSaslState);
  EXPECT_EQ(response.error_message, "Unexpected SaslAuthenticate request before SaslHandshake");
}

TEST_F(SaslSessionTest, SecondHandshakeIsIllegalSaslState) {
  auto s = session();
  ASSERT_EQ(s.handle_request(handshake(1, 1, "PLAIN")).outcome, Outcome::kContinue);
  auto reply = s.handle_request(handshake(1, 2, "PLAIN"));
  EXPECT_EQ(reply.outcome, Outcome::kFailed);
  EXPECT_EQ(read_handshake(reply.frame).error, error_code::kIllegalSaslState);
}

TEST_F(SaslSessionTest, ScramOverSaslAuthenticateReachesTheServerFirstMessage) {
  auto s = session();
  ASSERT_EQ(s.handle_request(handshake(1, 1, "SCRAM-SHA-256")).outcome, Outcome::kContinue);
  auto reply = s.handle_request(authenticate(2, 2, "n,,n=alice,r=abcdef"));
  EXPECT_EQ(reply.outcome, Outcome::kContinue);
  auto response = read_authenticate(reply.frame, 2);
  EXPECT_EQ(response.error, error_code::kNone);
  std::string first(response.auth_bytes.begin(), response.auth_bytes.end());
  EXPECT_EQ(first.substr(0, 8), "r=abcdef");
  EXPECT_NE(first.find(",i=4096"), std::string::npos);
}

TEST_F(SaslSessionTest, HandshakeV0CarriesRawTokens) {
  auto s = session();
  auto reply = s.handle_request(handshake(0, 1, "PLAIN"));
  EXPECT_EQ(reply.outcome, Outcome::kContinue);
  EXPECT_TRUE(s.expects_raw_token());
  std::string_view token("\0alice\0secret", 13);
  auto auth =
      s.handle_raw_token(ByteView(reinterpret_cast<const uint8_t*>(token.data()), token.size()));
  EXPECT_EQ(auth.outcome, Outcome::kAuthenticated);
  EXPECT_TRUE(auth.frame.empty()) << "PLAIN answers with an empty token";

  auto bad = session();
  ASSERT_EQ(bad.handle_request(handshake(0, 1, "PLAIN")).outcome, Outcome::kContinue);
  std::string_view wrong("\0alice\0nope", 11);
  auto failed =
      bad.handle_raw_token(ByteView(reinterpret_cast<const uint8_t*>(wrong.data()), wrong.size()));
  EXPECT_EQ(failed.outcome, Outcome::kFailed);
  EXPECT_TRUE(failed.frame.empty()) << "v0 has no error field: the connection just closes";
}

TEST(SaslMechanismTest, ParsesListsAndReportsUnknownNames) {
  auto ok = parse_mechanisms("PLAIN, SCRAM-SHA-512");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, (std::vector<SaslMechanism>{SaslMechanism::kPlain, SaslMechanism::kScramSha512}));
  auto bad = parse_mechanisms("PLAIN,GSSAPI,scram-sha-256");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("GSSAPI, scram-sha-256"), std::string::npos);
}

}  // namespace
}  // namespace kc::fakes::kafka_edge
