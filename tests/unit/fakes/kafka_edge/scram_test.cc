#include "tests/fakes/kafka_edge/scram.h"

#include <gtest/gtest.h>

#include "tests/fakes/kafka_edge/crypto.h"
#include "tests/fakes/kafka_edge/plain.h"

namespace kc::fakes::kafka_edge {
namespace {

using namespace std::string_view_literals;

// RFC 7677 section 3: the SCRAM-SHA-256 example exchange.
constexpr std::string_view kRfcClientNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kRfcServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kRfcSalt = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr std::string_view kRfcClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kRfcServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kRfcClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kRfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

class ScramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto salt = base64_decode(kRfcSalt);
    ASSERT_TRUE(salt);
    salt_ = *salt;
    for (auto digest : {Digest::kSha256, Digest::kSha512}) {
      auto cred = make_scram_credential(digest, "pencil", salt_, 4096);
      ASSERT_TRUE(cred) << cred.error().to_string();
      (digest == Digest::kSha256 ? sha256_ : sha512_) = *cred;
    }
  }

  ScramServer server(Digest digest, std::string_view nonce = kRfcServerNonce) {
    const ScramCredential* cred = digest == Digest::kSha256 ? &sha256_ : &sha512_;
    return ScramServer(
        digest,
        [cred](std::string_view user) -> const ScramCredential* {
          return user == "user" ? cred : nullptr;
        },
        std::string(nonce));
  }

  // The client side of RFC 5802, to drive the server with messages the RFC does not list.
  std::string client_final(Digest digest, std::string_view password,
                           std::string_view client_first_bare, std::string_view server_first,
                           std::string_view without_proof) {
    auto salted = pbkdf2(digest, password, salt_, 4096);
    auto client_key = hmac(digest, *salted, "Client Key");
    auto stored_key = hash(digest, *client_key);
    std::string auth_message =
        fmt::format("{},{},{}", client_first_bare, server_first, without_proof);
    auto signature = hmac(digest, *stored_key, auth_message);
    std::string proof(client_key->size(), '\0');
    for (size_t i = 0; i < proof.size(); ++i) {
      proof[i] = static_cast<char>((*client_key)[i] ^ (*signature)[i]);
    }
    return fmt::format("{},p={}", without_proof, base64_encode(proof));
  }

  std::string salt_;
  ScramCredential sha256_;
  ScramCredential sha512_;
};

TEST_F(ScramTest, Rfc7677Sha256TestVector) {
  auto s = server(Digest::kSha256);
  auto first = s.evaluate(kRfcClientFirst);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(*first, kRfcServerFirst);
  EXPECT_FALSE(s.complete());
  auto final_message = s.evaluate(kRfcClientFinal);
  ASSERT_TRUE(final_message) << final_message.error().to_string();
  EXPECT_EQ(*final_message, kRfcServerFinal);
  EXPECT_TRUE(s.complete());
  EXPECT_EQ(s.user(), "user");
}

TEST_F(ScramTest, CredentialKeepsNoPasswordButTheRfcKeys) {
  // From the RFC 7677 exchange: ServerSignature verifies with the stored ServerKey.
  EXPECT_EQ(sha256_.salt.size(), 16u);
  EXPECT_EQ(sha256_.stored_key.size(), 32u);
  EXPECT_EQ(sha512_.stored_key.size(), 64u);
  EXPECT_FALSE(make_scram_credential(Digest::kSha256, "pencil", salt_, 4095));
  EXPECT_FALSE(make_scram_credential(Digest::kSha256, "pencil", salt_, 16385));
}

TEST_F(ScramTest, WrongProofFailsWithInvalidCredentials) {
  auto s = server(Digest::kSha256);
  ASSERT_TRUE(s.evaluate(kRfcClientFirst));
  std::string bare = std::string(kRfcClientFirst.substr(3));
  auto final_message = client_final(Digest::kSha256, "not-pencil", bare, kRfcServerFirst,
                                    fmt::format("c=biws,r={}{}", kRfcClientNonce, kRfcServerNonce));
  auto result = s.evaluate(final_message);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), Errc::kPermissionDenied);
  EXPECT_EQ(result.error().message(),
            "Authentication failed: invalid credentials with SASL mechanism SCRAM-SHA-256");
  EXPECT_FALSE(s.complete());
  EXPECT_FALSE(s.evaluate(kRfcClientFinal)) << "a failed exchange stays failed";
}

TEST_F(ScramTest, UnknownUserFailsAtClientFirstWithTheSameMessage) {
  auto s = server(Digest::kSha256);
  auto result = s.evaluate("n,,n=mallory,r=abc");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "Authentication failed: invalid credentials with SASL mechanism SCRAM-SHA-256");
}

TEST_F(ScramTest, AcceptsTheRepeatedClientNonceOfLibrdkafkaBefore261) {
  // librdkafka < 2.6.1 sends r=<cnonce><cnonce><snonce> and signs exactly that.
  auto s = server(Digest::kSha512, "SERVERNONCE");
  auto first = s.evaluate("n,,n=user,r=CLIENTNONCE");
  ASSERT_TRUE(first) << first.error().to_string();
  std::string without_proof = "c=biws,r=CLIENTNONCECLIENTNONCESERVERNONCE";
  auto result = s.evaluate(
      client_final(Digest::kSha512, "pencil", "n=user,r=CLIENTNONCE", *first, without_proof));
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_TRUE(s.complete());
  EXPECT_EQ(result->substr(0, 2), "v=");
}

TEST_F(ScramTest, Sha512ExchangeWithTheRfcNonce) {
  auto s = server(Digest::kSha512, "SERVERNONCE");
  auto first = s.evaluate("n,,n=user,r=CLIENTNONCE");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, fmt::format("r=CLIENTNONCESERVERNONCE,s={},i=4096", kRfcSalt));
  auto result = s.evaluate(client_final(Digest::kSha512, "pencil", "n=user,r=CLIENTNONCE", *first,
                                        "c=biws,r=CLIENTNONCESERVERNONCE"));
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_TRUE(s.complete());
}

TEST_F(ScramTest, RefusesAnyOtherNonce) {
  for (std::string nonce : {"CLIENTNONCE", "CLIENTNONCESERVERNONCEX", "XCLIENTNONCESERVERNONCE",
                            "SERVERNONCECLIENTNONCE"}) {
    auto s = server(Digest::kSha256, "SERVERNONCE");
    auto first = s.evaluate("n,,n=user,r=CLIENTNONCE");
    ASSERT_TRUE(first);
    auto result = s.evaluate(client_final(Digest::kSha256, "pencil", "n=user,r=CLIENTNONCE", *first,
                                          "c=biws,r=" + nonce));
    ASSERT_FALSE(result) << nonce;
    EXPECT_EQ(result.error().message(),
              "Authentication failed: SCRAM nonce does not match the server-first-message");
  }
}

TEST_F(ScramTest, RefusesChannelBindingAndMalformedMessages) {
  for (std::string message : {"p=tls-unique,,n=user,r=abc", "n,,r=abc", "n,,n=user", "n,n=user",
                              "n,,m=ext,n=user,r=abc", "n,,n=us=er,r=abc", "n,,n=user,r="}) {
    auto s = server(Digest::kSha256);
    EXPECT_FALSE(s.evaluate(message)) << message;
  }
  auto s = server(Digest::kSha256);
  ASSERT_TRUE(s.evaluate(kRfcClientFirst));
  // c= must be base64("n,,"); here it claims channel binding data.
  auto result = s.evaluate(
      client_final(Digest::kSha256, "pencil", kRfcClientFirst.substr(3), kRfcServerFirst,
                   fmt::format("c=cD10bHMtdW5pcXVlLCw=,r={}{}", kRfcClientNonce, kRfcServerNonce)));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "Authentication failed: SCRAM channel binding does not match the gs2-header");
}

TEST_F(ScramTest, DecodesEscapedUserNamesAndChecksAuthzid) {
  ScramCredential cred = sha256_;
  auto make = [&] {
    return ScramServer(
        Digest::kSha256,
        [&cred](std::string_view user) -> const ScramCredential* {
          return user == "a,b=c" ? &cred : nullptr;
        },
        "S");
  };
  auto s = make();
  EXPECT_TRUE(s.evaluate("n,,n=a=2Cb=3Dc,r=C"));
  auto other = make();
  auto result = other.evaluate("n,a=someone-else,n=a=2Cb=3Dc,r=C");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "Authentication failed: Client requested an authorization id that is different from "
            "username");
}

TEST(PlainServerTest, ChecksUserAndPassword) {
  auto verify = [](std::string_view user, std::string_view password) {
    return user == "alice" && password == "secret";
  };
  {
    PlainServer s(verify);
    auto r = s.evaluate("\0alice\0secret"sv);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(r->empty());
    EXPECT_TRUE(s.complete());
    EXPECT_EQ(s.user(), "alice");
  }
  {
    PlainServer s(verify);
    EXPECT_TRUE(s.evaluate("alice\0alice\0secret"sv));
  }
  struct Case {
    std::string_view message;
    std::string_view error;
  };
  for (const auto& c : std::vector<Case>{
           {"\0alice\0wrong"sv, "Authentication failed: Invalid username or password"},
           {"\0bob\0secret"sv, "Authentication failed: Invalid username or password"},
           {"bob\0alice\0secret"sv,
            "Authentication failed: Client requested an authorization id that is different from "
            "username"},
           {"\0\0secret"sv, "Authentication failed: username or password not specified"},
           {"alice", "Authentication failed: PLAIN message must be authzid NUL authcid NUL passwd"},
       }) {
    PlainServer s(verify);
    auto r = s.evaluate(c.message);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), c.error);
    EXPECT_FALSE(s.complete());
  }
}

TEST(CryptoTest, Base64IsStrict) {
  EXPECT_EQ(base64_encode("pencil"), "cGVuY2ls");
  EXPECT_EQ(base64_encode("n,,"), "biws");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(*base64_decode("cGVuY2lsMQ=="), "pencil1");
  EXPECT_EQ(*base64_decode("cGVuY2lsMTI="), "pencil12");
  for (std::string_view bad : {"cGVuY2ls=", "cGV=Y2ls", "cGVuY2l$", "cGVuY2lsM===", "=AAA"}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
}

TEST(CryptoTest, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace kc::fakes::kafka_edge
