#pragma once

// SCRAM-SHA-256 / SCRAM-SHA-512, server side: RFC 5802 (SCRAM), RFC 7677 (SCRAM-SHA-256), and
// Kafka's use of them (KIP-84). No channel binding (the "-PLUS" variants), as in Kafka.
//
//   client-first  "n,,n=user,r=<cnonce>"
//   server-first  "r=<cnonce><snonce>,s=<base64 salt>,i=<iterations>"
//   client-final  "c=biws,r=<cnonce><snonce>,p=<base64 ClientProof>"
//   server-final  "v=<base64 ServerSignature>"
//
// Caveat, on purpose: librdkafka before 2.6.1 sends a non-conforming client-final nonce; see
// ScramServer::evaluate in scram.cc for what is accepted and why.

#include <functional>
#include <string>
#include <string_view>

#include "tests/fakes/kafka_edge/crypto.h"
#include "tests/fakes/kafka_edge/sasl_server.h"

namespace kc::fakes::kafka_edge {

// What a server keeps per user and mechanism (RFC 5802 section 3), never the password itself.
struct ScramCredential {
  std::string salt;  // raw bytes
  int iterations = 4096;
  std::string stored_key;  // H(HMAC(SaltedPassword, "Client Key"))
  std::string server_key;  // HMAC(SaltedPassword, "Server Key")
};

// The lowest iteration count the edge accepts: RFC 7677 section 4 and Kafka's minimum.
inline constexpr int kScramMinIterations = 4096;
// Kafka's maximum (ScramMechanism.maxIterations); librdkafka itself refuses > 1,000,000.
inline constexpr int kScramMaxIterations = 16384;

Result<ScramCredential> make_scram_credential(Digest digest, std::string_view password,
                                              std::string_view salt, int iterations);

class ScramServer final : public SaslServer {
 public:
  // Returns the user's credential for this mechanism, or nullptr for an unknown user.
  // The pointer must stay valid for the life of the ScramServer.
  using Lookup = std::function<const ScramCredential*(std::string_view user)>;

  // `server_nonce` is this server's part of the nonce: printable ASCII without ','. Pass fresh
  // random text per exchange (see new_server_nonce); tests pass fixed values from RFC 7677.
  ScramServer(Digest digest, Lookup lookup, std::string server_nonce);

  Result<std::string> evaluate(std::string_view client_message) override;
  bool complete() const override { return state_ == State::kComplete; }
  const std::string& user() const override { return user_; }

 private:
  enum class State { kClientFirst, kClientFinal, kComplete, kFailed };
  Result<std::string> client_first(std::string_view message);
  Result<std::string> client_final(std::string_view message);
  tl::unexpected<Error> fail(std::string_view reason);

  Digest digest_;
  Lookup lookup_;
  std::string server_nonce_;
  State state_ = State::kClientFirst;
  std::string user_;
  std::string gs2_header_;  // "n,," or "n,a=user,"
  std::string client_first_bare_;
  std::string client_nonce_;
  std::string server_first_;
  const ScramCredential* credential_ = nullptr;
};

// 24 random bytes, base64: a server nonce without ','.
Result<std::string> new_server_nonce();

}  // namespace kc::fakes::kafka_edge
