#include "tests/fakes/kafka_edge/scram.h"

#include <vector>

#include "libs/base/strings.h"

namespace kc::fakes::kafka_edge {
namespace {

std::string_view mechanism_of(Digest digest) {
  return mechanism_name(digest == Digest::kSha256 ? SaslMechanism::kScramSha256
                                                  : SaslMechanism::kScramSha512);
}

// One "x=value" attribute of a SCRAM message.
struct Attribute {
  char name = 0;
  std::string_view value;
};

std::optional<Attribute> parse_attribute(std::string_view text) {
  if (text.size() < 2 || text[1] != '=') return std::nullopt;
  char c = text[0];
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return std::nullopt;
  return Attribute{c, text.substr(2)};
}

// saslname (RFC 5802 section 7): ',' and '=' arrive as "=2C" and "=3D"; any other '=' is invalid.
std::optional<std::string> decode_saslname(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out.push_back(text[i]);
      continue;
    }
    auto escape = text.substr(i + 1, 2);
    if (escape == "2C") {
      out.push_back(',');
    } else if (escape == "3D") {
      out.push_back('=');
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// printable = %x21-2B / %x2D-7E  (RFC 5802 section 7: nonce characters, no ',')
bool is_printable_nonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

std::string xor_bytes(std::string_view a, std::string_view b) {
  std::string out(a.size(), '\0');
  for (size_t i = 0; i < a.size(); ++i) {
    out[i] = static_cast<char>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return out;
}

}  // namespace

Result<ScramCredential> make_scram_credential(Digest digest, std::string_view password,
                                              std::string_view salt, int iterations) {
  if (iterations < kScramMinIterations || iterations > kScramMaxIterations) {
    return make_error(Errc::kInvalidArgument, "SCRAM iteration count {} outside [{}, {}]",
                      iterations, kScramMinIterations, kScramMaxIterations);
  }
  ScramCredential cred;
  cred.salt = std::string(salt);
  cred.iterations = iterations;
  // SaltedPassword := Hi(Normalize(password), salt, i). Normalize is SASLprep (RFC 4013); like
  // Kafka's Java implementation, the edge uses the UTF-8 bytes as given.
  KC_ASSIGN_OR_RETURN(std::string salted, pbkdf2(digest, password, salt, iterations));
  KC_ASSIGN_OR_RETURN(std::string client_key, hmac(digest, salted, "Client Key"));
  KC_ASSIGN_OR_RETURN(cred.stored_key, hash(digest, client_key));
  KC_ASSIGN_OR_RETURN(cred.server_key, hmac(digest, salted, "Server Key"));
  return cred;
}

Result<std::string> new_server_nonce() {
  KC_ASSIGN_OR_RETURN(std::string raw, random_bytes(24));
  return base64_encode(raw);
}

ScramServer::ScramServer(Digest digest, Lookup lookup, std::string server_nonce)
    : digest_(digest), lookup_(std::move(lookup)), server_nonce_(std::move(server_nonce)) {}

tl::unexpected<Error> ScramServer::fail(std::string_view reason) {
  state_ = State::kFailed;
  return make_error(Errc::kPermissionDenied, "Authentication failed: {}", reason);
}

Result<std::string> ScramServer::evaluate(std::string_view client_message) {
  switch (state_) {
    case State::kClientFirst:
      return client_first(client_message);
    case State::kClientFinal:
      return client_final(client_message);
    case State::kComplete:
      return fail("SCRAM exchange already complete");
    case State::kFailed:
      break;
  }
  return fail("SCRAM exchange already failed");
}

Result<std::string> ScramServer::client_first(std::string_view message) {
  // client-first-message = gs2-header client-first-message-bare
  // gs2-header = gs2-cbind-flag "," [ authzid ] ","
  auto first_comma = message.find(',');
  auto second_comma =
      first_comma == std::string_view::npos ? first_comma : message.find(',', first_comma + 1);
  if (second_comma == std::string_view::npos) return fail("malformed SCRAM client-first-message");
  std::string_view cbind_flag = message.substr(0, first_comma);
  std::string_view authzid = message.substr(first_comma + 1, second_comma - first_comma - 1);
  if (cbind_flag != "n" && cbind_flag != "y") {
    return fail("SCRAM channel binding is not supported");
  }
  gs2_header_ = std::string(message.substr(0, second_comma + 1));
  client_first_bare_ = std::string(message.substr(second_comma + 1));

  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  auto fields = strings::split(client_first_bare_, ',');
  if (fields.size() < 2) return fail("malformed SCRAM client-first-message");
  auto name = parse_attribute(fields[0]);
  if (name && name->name == 'm') return fail("unsupported mandatory SCRAM extension");
  auto nonce = parse_attribute(fields[1]);
  if (!name || name->name != 'n' || !nonce || nonce->name != 'r' ||
      !is_printable_nonce(nonce->value)) {
    return fail("malformed SCRAM client-first-message");
  }
  auto user = decode_saslname(name->value);
  if (!user) return fail("invalid SCRAM username");
  // Further attributes are extensions (Kafka knows "tokenauth" for delegation tokens); the edge
  // has no use for them and ignores them.
  if (!authzid.empty()) {
    auto authz = parse_attribute(authzid);
    auto authz_user = authz && authz->name == 'a' ? decode_saslname(authz->value) : std::nullopt;
    if (!authz_user || *authz_user != *user) {
      return fail("Client requested an authorization id that is different from username");
    }
  }
  user_ = std::move(*user);
  client_nonce_ = std::string(nonce->value);
  credential_ = lookup_ ? lookup_(user_) : nullptr;
  if (credential_ == nullptr) {
    // As Kafka's ScramSaslServer does: an unknown user fails here, with the same message a wrong
    // password gets at the end.
    return fail(fmt::format("invalid credentials with SASL mechanism {}", mechanism_of(digest_)));
  }
  server_first_ = fmt::format("r={}{},s={},i={}", client_nonce_, server_nonce_,
                              base64_encode(credential_->salt), credential_->iterations);
  state_ = State::kClientFinal;
  return server_first_;
}

Result<std::string> ScramServer::client_final(std::string_view message) {
  const std::string invalid_credentials =
      fmt::format("invalid credentials with SASL mechanism {}", mechanism_of(digest_));
  // client-final-message = client-final-message-without-proof "," proof
  auto proof_at = message.rfind(",p=");
  if (proof_at == std::string_view::npos) return fail("malformed SCRAM client-final-message");
  std::string_view without_proof = message.substr(0, proof_at);
  auto proof = base64_decode(message.substr(proof_at + 3));
  if (!proof || proof->size() != digest_size(digest_)) {
    return fail("malformed SCRAM client proof");
  }

  // client-final-message-without-proof = channel-binding "," nonce ["," extensions]
  auto fields = strings::split(without_proof, ',');
  auto binding = fields.size() >= 2 ? parse_attribute(fields[0]) : std::nullopt;
  auto nonce = fields.size() >= 2 ? parse_attribute(fields[1]) : std::nullopt;
  if (!binding || binding->name != 'c' || !nonce || nonce->name != 'r') {
    return fail("malformed SCRAM client-final-message");
  }
  // Without channel binding, c= is the base64 of the gs2-header ("biws" for "n,,").
  if (binding->value != base64_encode(gs2_header_)) {
    return fail("SCRAM channel binding does not match the gs2-header");
  }
  // The nonce. RFC 5802 wants exactly the nonce of the server-first-message, <cnonce><snonce>.
  // librdkafka before 2.6.1 -- 2.0.2 included -- builds client-final-message-without-proof as
  // "c=biws,r=" + <cnonce> + <nonce from server-first>, i.e. <cnonce><cnonce><snonce> (see
  // rd_kafka_sasl_scram_build_client_final_message_wo_proof in src/rdkafka_sasl_scram.c; fixed by
  // librdkafka PR #4895 in 2.6.1). It signs that same text in its AuthMessage, so the proof still
  // verifies. Kafka 3.8.1-3.9 brokers accept that form, 4.x reject it. To test with the librdkafka
  // on these machines, the edge accepts exactly those two forms and refuses any other nonce.
  const std::string combined_nonce = client_nonce_ + server_nonce_;
  if (nonce->value != combined_nonce && nonce->value != client_nonce_ + combined_nonce) {
    return fail("SCRAM nonce does not match the server-first-message");
  }

  // AuthMessage := client-first-message-bare + "," + server-first-message + ","
  //                + client-final-message-without-proof
  std::string auth_message =
      fmt::format("{},{},{}", client_first_bare_, server_first_, without_proof);
  KC_ASSIGN_OR_RETURN(std::string client_signature,
                      hmac(digest_, credential_->stored_key, auth_message));
  // ClientKey := ClientProof XOR ClientSignature; the proof holds when H(ClientKey) == StoredKey.
  KC_ASSIGN_OR_RETURN(std::string stored_key, hash(digest_, xor_bytes(*proof, client_signature)));
  if (!constant_time_equal(stored_key, credential_->stored_key)) {
    return fail(invalid_credentials);
  }
  KC_ASSIGN_OR_RETURN(std::string server_signature,
                      hmac(digest_, credential_->server_key, auth_message));
  state_ = State::kComplete;
  return "v=" + base64_encode(server_signature);
}

}  // namespace kc::fakes::kafka_edge
