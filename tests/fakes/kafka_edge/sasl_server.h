#pragma once

// The broker side of one SASL exchange, mechanism by mechanism (PLAIN: plain.h, SCRAM: scram.h).
// The Kafka framing around it (SaslHandshake / SaslAuthenticate) lives in sasl_session.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"

namespace kc::fakes::kafka_edge {

enum class SaslMechanism { kPlain, kScramSha256, kScramSha512 };

// "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512": the names SaslHandshake carries.
std::string_view mechanism_name(SaslMechanism mechanism);
// Exact, case-sensitive match as Kafka brokers do it.
std::optional<SaslMechanism> parse_mechanism(std::string_view name);
// Parses a comma-separated list ("PLAIN,SCRAM-SHA-256"); reports every unknown name at once.
Result<std::vector<SaslMechanism>> parse_mechanisms(std::string_view list);

// One authentication attempt on one connection. Not thread-safe; owned by its connection.
class SaslServer {
 public:
  virtual ~SaslServer() = default;

  // Takes the client's next message and returns the server's reply (possibly empty).
  // A failure returns Errc::kPermissionDenied with a message meant for the client (no secrets;
  // the same text for an unknown user as for a wrong password); the exchange is then over.
  virtual Result<std::string> evaluate(std::string_view client_message) = 0;
  // True once the client proved who it is.
  virtual bool complete() const = 0;
  // The authenticated user (valid when complete()).
  virtual const std::string& user() const = 0;
};

}  // namespace kc::fakes::kafka_edge
