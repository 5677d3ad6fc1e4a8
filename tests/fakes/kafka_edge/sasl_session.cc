#include "tests/fakes/kafka_edge/sasl_session.h"

#include <algorithm>

#include "libs/base/strings.h"

namespace kc::fakes::kafka_edge {

SaslSession::SaslSession(std::shared_ptr<const UserStore> users, std::vector<SaslMechanism> enabled)
    : users_(std::move(users)), enabled_(std::move(enabled)) {
  for (auto m : enabled_) enabled_names_.emplace_back(mechanism_name(m));
}

const std::string& SaslSession::user() const {
  static const std::string kNone;
  return server_ ? server_->user() : kNone;
}

std::string_view SaslSession::mechanism() const {
  return mechanism_ ? mechanism_name(*mechanism_) : std::string_view();
}

SaslSession::Reply SaslSession::failed(Bytes frame, std::string reason) {
  state_ = State::kFailed;
  return Reply{std::move(frame), Outcome::kFailed, std::move(reason)};
}

SaslSession::Reply SaslSession::handle_request(ByteView frame) {
  Reader r(frame);
  auto header = read_request_header(r);
  if (!header) return failed({}, header.error().message());
  if (header->ids.api_key == api::kSaslHandshake) return handshake(*header, r);
  if (header->ids.api_key == api::kSaslAuthenticate) return authenticate(*header, r);
  return failed({}, fmt::format("API key {} is not a SASL request", header->ids.api_key));
}

SaslSession::Reply SaslSession::handshake(const RequestHeader& header, Reader& body) {
  const auto& ids = header.ids;
  if (ids.api_version > kSaslHandshakeVersions.max_version) {
    return failed(encode_sasl_handshake_response(ids.correlation_id, 0,
                                                 error_code::kUnsupportedVersion, enabled_names_),
                  fmt::format("SaslHandshake v{} is not supported", ids.api_version));
  }
  if (state_ != State::kHandshake) {
    return failed(encode_sasl_handshake_response(ids.correlation_id, ids.api_version,
                                                 error_code::kIllegalSaslState, enabled_names_),
                  "SaslHandshake after the mechanism was chosen (re-authentication is not "
                  "supported)");
  }
  auto requested = read_sasl_handshake_request(body);
  if (!requested) return failed({}, requested.error().message());
  auto mechanism = parse_mechanism(*requested);
  if (!mechanism || std::find(enabled_.begin(), enabled_.end(), *mechanism) == enabled_.end()) {
    return failed(
        encode_sasl_handshake_response(ids.correlation_id, ids.api_version,
                                       error_code::kUnsupportedSaslMechanism, enabled_names_),
        fmt::format("client requested unsupported SASL mechanism {} (enabled: {})", *requested,
                    strings::join(enabled_names_, ", ")));
  }
  auto server = users_->new_server(*mechanism);
  if (!server) return failed({}, server.error().message());
  server_ = std::move(*server);
  mechanism_ = *mechanism;
  state_ = ids.api_version == 0 ? State::kRawTokens : State::kAuthenticateRequests;
  return Reply{encode_sasl_handshake_response(ids.correlation_id, ids.api_version,
                                              error_code::kNone, enabled_names_),
               Outcome::kContinue,
               {}};
}

SaslSession::Reply SaslSession::authenticate(const RequestHeader& header, Reader& body) {
  const auto& ids = header.ids;
  auto respond_error = [&](int16_t error, std::string message) {
    auto version = std::min(ids.api_version, kSaslAuthenticateVersions.max_version);
    SaslAuthenticateResponse response{.error = error, .error_message = message};
    return failed(encode_sasl_authenticate_response(ids.correlation_id, version, response),
                  std::move(message));
  };
  if (ids.api_version > kSaslAuthenticateVersions.max_version) {
    return respond_error(error_code::kUnsupportedVersion,
                         fmt::format("SaslAuthenticate v{} is not supported", ids.api_version));
  }
  if (state_ != State::kAuthenticateRequests) {
    return respond_error(error_code::kIllegalSaslState,
                         state_ == State::kHandshake
                             ? "Unexpected SaslAuthenticate request before SaslHandshake"
                             : "Unexpected SaslAuthenticate request in this SASL state");
  }
  auto token = read_sasl_authenticate_request(body, ids.api_version);
  if (!token) return respond_error(error_code::kIllegalSaslState, token.error().message());
  auto answer = server_->evaluate(
      std::string_view(reinterpret_cast<const char*>(token->data()), token->size()));
  if (!answer)
    return respond_error(error_code::kSaslAuthenticationFailed, answer.error().message());
  SaslAuthenticateResponse response{.auth_bytes = Bytes(answer->begin(), answer->end())};
  Bytes frame = encode_sasl_authenticate_response(ids.correlation_id, ids.api_version, response);
  if (server_->complete()) {
    state_ = State::kAuthenticated;
    return Reply{std::move(frame), Outcome::kAuthenticated, {}};
  }
  return Reply{std::move(frame), Outcome::kContinue, {}};
}

SaslSession::Reply SaslSession::handle_raw_token(ByteView token) {
  if (state_ != State::kRawTokens) return failed({}, "unexpected raw SASL token");
  auto answer = server_->evaluate(
      std::string_view(reinterpret_cast<const char*>(token.data()), token.size()));
  // Handshake v0 has no error field: a failed exchange just closes the connection.
  if (!answer) return failed({}, answer.error().message());
  Bytes frame(answer->begin(), answer->end());
  if (server_->complete()) {
    state_ = State::kAuthenticated;
    return Reply{std::move(frame), Outcome::kAuthenticated, {}};
  }
  return Reply{std::move(frame), Outcome::kContinue, {}};
}

}  // namespace kc::fakes::kafka_edge
