#pragma once

// connector.client.config.override.policy, enforced at validation exactly as Kafka Connect does
// (org.apache.kafka.connect.connector.policy.*, AbstractHerder.validateClientOverrides):
//
//   All        every client override is allowed (Kafka's default since 3.0)
//   None       none is allowed
//   Principal  only sasl.jaas.config, sasl.mechanism and security.protocol
//   Allowlist  only the keys in connector.client.config.override.allowlist (Kafka 4.2, KIP-1188)
//
// The worker names a policy by alias ("All"), class name
// (org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy) or simple
// class name; kconnect accepts them in any case. Overrides are checked as the user wrote them (Java
// names, before translation to librdkafka), each refused key producing its own error, keyed
// "consumer.override.<name>" with Kafka's message: "The 'Principal' policy does not allow
// 'sasl.username' to be overridden in the connector configuration."
//
// Threading: pure functions and an immutable value.

#include <string>
#include <string_view>
#include <vector>

#include "runtime/api/config_def.h"

namespace kc::config {

inline constexpr std::string_view kOverridePolicyKey = "connector.client.config.override.policy";
inline constexpr std::string_view kOverrideAllowlistKey =
    "connector.client.config.override.allowlist";

class OverridePolicy {
 public:
  enum class Kind { kAll, kNone, kPrincipal, kAllowlist };

  static OverridePolicy all() { return OverridePolicy(Kind::kAll, {}); }
  static OverridePolicy none() { return OverridePolicy(Kind::kNone, {}); }
  static OverridePolicy principal() { return OverridePolicy(Kind::kPrincipal, {}); }
  static OverridePolicy allowlist(std::vector<std::string> keys) {
    return OverridePolicy(Kind::kAllowlist, std::move(keys));
  }

  Kind kind() const { return kind_; }
  std::string_view name() const;  // "All", "None", "Principal", "Allowlist" (as in messages)
  bool allows(std::string_view client_key) const;

 private:
  OverridePolicy(Kind kind, std::vector<std::string> allowlist)
      : kind_(kind), allowlist_(std::move(allowlist)) {}
  Kind kind_;
  std::vector<std::string> allowlist_;
};

// The policy a worker configuration selects (default All). An unknown name is an error naming
// connector.client.config.override.policy and the allowed names; the policy is then None, so a
// broken worker configuration never lets overrides through.
OverridePolicy parse_override_policy(const api::RawConfig& worker,
                                     std::vector<api::ConfigIssue>& issues);

// One error per override the policy refuses. `overrides` are the connector's client keys with
// `prefix` ("consumer.override.") removed.
void check_client_overrides(const OverridePolicy& policy, const api::RawConfig& overrides,
                            std::string_view prefix, std::vector<api::ConfigIssue>& issues);

}  // namespace kc::config
