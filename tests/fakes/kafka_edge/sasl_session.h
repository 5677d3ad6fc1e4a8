#pragma once

// SASL on one client connection, run the way a Kafka broker runs it:
//   - SaslHandshake (API key 17, KIP-43) picks the mechanism. Version 1 means SaslAuthenticate
//     requests (API key 36, KIP-152) carry the SASL tokens; version 0 means the tokens follow as
//     bare size-prefixed frames with no Kafka header.
//   - A failure is answered (UNSUPPORTED_SASL_MECHANISM 33, ILLEGAL_SASL_STATE 34,
//     SASL_AUTHENTICATION_FAILED 58, with an error message) and then the connection is closed, as
//     Kafka does. In the v0 raw mode there is no error field: the connection is just closed.
//   - No re-authentication (KIP-368): SessionLifetimeMs is always 0.
// Which requests may pass before authentication is the connection's decision (kafka_edge.cc).
//
// Threading: one instance per connection, used only from that connection's thread.

#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/kafka_edge/codec.h"
#include "tests/fakes/kafka_edge/sasl_server.h"
#include "tests/fakes/kafka_edge/user_store.h"

namespace kc::fakes::kafka_edge {

// The versions the edge answers, added to the upstream's ApiVersions response.
inline constexpr ApiVersionRange kSaslHandshakeVersions{api::kSaslHandshake, 0, 1};
inline constexpr ApiVersionRange kSaslAuthenticateVersions{api::kSaslAuthenticate, 0, 2};

class SaslSession {
 public:
  SaslSession(std::shared_ptr<const UserStore> users, std::vector<SaslMechanism> enabled);

  enum class Outcome {
    kContinue,       // send `frame`, keep going
    kAuthenticated,  // send `frame`; the client may now use every API
    kFailed,         // send `frame` if not empty, then close the connection
  };
  struct Reply {
    Bytes frame;  // response payload (without the size prefix)
    Outcome outcome = Outcome::kContinue;
    std::string reason;  // for logs when kFailed
  };

  // A SaslHandshake or SaslAuthenticate request frame.
  Reply handle_request(ByteView frame);
  // After a v0 SaslHandshake: the next frame is a bare SASL token.
  bool expects_raw_token() const { return state_ == State::kRawTokens; }
  Reply handle_raw_token(ByteView token);

  bool authenticated() const { return state_ == State::kAuthenticated; }
  const std::string& user() const;
  std::string_view mechanism() const;

 private:
  enum class State { kHandshake, kAuthenticateRequests, kRawTokens, kAuthenticated, kFailed };
  Reply handshake(const RequestHeader& header, Reader& body);
  Reply authenticate(const RequestHeader& header, Reader& body);
  Reply failed(Bytes frame, std::string reason);

  std::shared_ptr<const UserStore> users_;
  std::vector<SaslMechanism> enabled_;
  std::vector<std::string> enabled_names_;
  State state_ = State::kHandshake;
  std::optional<SaslMechanism> mechanism_;
  std::unique_ptr<SaslServer> server_;
};

}  // namespace kc::fakes::kafka_edge
