#include "runtime/config/override_policy.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::config {
namespace {

constexpr std::string_view kPolicyPackage = "org.apache.kafka.connect.connector.policy.";
constexpr std::string_view kPolicySuffix = "ConnectorClientConfigOverridePolicy";

// Kafka's PrincipalConnectorClientConfigOverridePolicy.ALLOWED_CONFIG.
constexpr std::string_view kPrincipalKeys[] = {"sasl.jaas.config", "sasl.mechanism",
                                               "security.protocol"};

// "All", "AllConnectorClientConfigOverridePolicy" or the full class name -> "all".
std::string alias_of(std::string_view name) {
  auto n = strings::trim(name);
  if (strings::starts_with(n, kPolicyPackage)) n.remove_prefix(kPolicyPackage.size());
  if (strings::ends_with(n, kPolicySuffix)) n.remove_suffix(kPolicySuffix.size());
  return strings::to_lower(n);
}

}  // namespace

std::string_view OverridePolicy::name() const {
  switch (kind_) {
    case Kind::kAll:
      return "All";
    case Kind::kNone:
      return "None";
    case Kind::kPrincipal:
      return "Principal";
    case Kind::kAllowlist:
      break;
  }
  return "Allowlist";
}

bool OverridePolicy::allows(std::string_view client_key) const {
  switch (kind_) {
    case Kind::kAll:
      return true;
    case Kind::kNone:
      return false;
    case Kind::kPrincipal:
      return std::find(std::begin(kPrincipalKeys), std::end(kPrincipalKeys), client_key) !=
             std::end(kPrincipalKeys);
    case Kind::kAllowlist:
      break;
  }
  return std::find(allowlist_.begin(), allowlist_.end(), client_key) != allowlist_.end();
}

OverridePolicy parse_override_policy(const api::RawConfig& worker,
                                     std::vector<api::ConfigIssue>& issues) {
  auto it = worker.find(kOverridePolicyKey);
  if (it == worker.end()) return OverridePolicy::all();
  auto alias = alias_of(it->second);
  if (alias == "all") return OverridePolicy::all();
  if (alias == "none") return OverridePolicy::none();
  if (alias == "principal") return OverridePolicy::principal();
  if (alias == "allowlist") {
    std::vector<std::string> keys;
    if (auto list = worker.find(kOverrideAllowlistKey); list != worker.end()) {
      keys = strings::split_list(list->second);
    }
    return OverridePolicy::allowlist(std::move(keys));
  }
  issues.push_back({api::ConfigIssue::Severity::kError, std::string(kOverridePolicyKey), it->second,
                    "Invalid value: allowed are All, None, Principal and Allowlist (or their class "
                    "names, e.g. org.apache.kafka.connect.connector.policy."
                    "PrincipalConnectorClientConfigOverridePolicy)"});
  return OverridePolicy::none();
}

void check_client_overrides(const OverridePolicy& policy, const api::RawConfig& overrides,
                            std::string_view prefix, std::vector<api::ConfigIssue>& issues) {
  for (const auto& [key, value] : overrides) {
    if (policy.allows(key)) continue;
    std::string display = fmt::format("{}{}", prefix, key);
    bool secret = api::is_sensitive_key(display);
    issues.push_back({api::ConfigIssue::Severity::kError, display,
                      secret ? std::string(api::kHidden) : value,
                      fmt::format("The '{}' policy does not allow '{}' to be overridden in the "
                                  "connector configuration.",
                                  policy.name(), key)});
  }
}

}  // namespace kc::config
