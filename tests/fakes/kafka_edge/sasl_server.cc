#include "tests/fakes/kafka_edge/sasl_server.h"

#include "libs/base/strings.h"

namespace kc::fakes::kafka_edge {

std::string_view mechanism_name(SaslMechanism mechanism) {
  switch (mechanism) {
    case SaslMechanism::kPlain:
      return "PLAIN";
    case SaslMechanism::kScramSha256:
      return "SCRAM-SHA-256";
    case SaslMechanism::kScramSha512:
      return "SCRAM-SHA-512";
  }
  return "unknown";
}

std::optional<SaslMechanism> parse_mechanism(std::string_view name) {
  for (auto m : {SaslMechanism::kPlain, SaslMechanism::kScramSha256, SaslMechanism::kScramSha512}) {
    if (name == mechanism_name(m)) return m;
  }
  return std::nullopt;
}

Result<std::vector<SaslMechanism>> parse_mechanisms(std::string_view list) {
  std::vector<SaslMechanism> out;
  std::vector<std::string> unknown;
  for (const auto& name : strings::split_list(list)) {
    if (auto m = parse_mechanism(name)) {
      out.push_back(*m);
    } else {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "unknown SASL mechanism(s) {} (known: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)",
                      strings::join(unknown, ", "));
  }
  return out;
}

}  // namespace kc::fakes::kafka_edge
