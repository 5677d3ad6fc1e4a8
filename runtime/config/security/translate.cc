#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/security/settings.h"
#include "runtime/config/security/translation.h"

namespace kc::config::security {
namespace detail {

Translation::Translation(std::span<const KeyLayer> layers, std::vector<api::ConfigIssue>& issues,
                         const LibrdkafkaBuild& b, SecuritySettings& o)
    : build(b), out(o), issues_(issues) {
  for (const auto& layer : layers) {
    if (layer.keys == nullptr) continue;
    for (const auto& [key, value] : *layer.keys) {
      if (!is_security_key(key)) continue;
      merged_[key] = Sourced{key, value, fmt::format("{}{}", layer.display_prefix, key)};
    }
  }
}

const Sourced* Translation::take(std::string_view key) {
  auto it = merged_.find(key);
  if (it == merged_.end()) return nullptr;
  it->second.taken = true;
  return &it->second;
}

const Sourced* Translation::peek(std::string_view key) const {
  auto it = merged_.find(key);
  return it == merged_.end() ? nullptr : &it->second;
}

std::vector<Sourced*> Translation::untaken(std::string_view prefix) {
  std::vector<Sourced*> out_keys;
  for (auto& [key, sourced] : merged_) {
    if (!sourced.taken && strings::starts_with(key, prefix)) out_keys.push_back(&sourced);
  }
  return out_keys;
}

void Translation::set(std::string_view name, std::string value, std::string display) {
  for (auto& p : out.properties) {
    if (p.name == name) {
      p.value = std::move(value);
      p.display = std::move(display);
      return;
    }
  }
  out.properties.push_back({std::string(name), std::move(value), std::move(display)});
}

void Translation::issue(api::ConfigIssue::Severity severity, const Sourced& at,
                        std::string message) {
  bool secret = api::is_sensitive_key(at.display);
  issues_.push_back(
      {severity, at.display, secret ? std::string(api::kHidden) : at.value, std::move(message)});
}

void Translation::error(const Sourced& at, std::string message) {
  issue(api::ConfigIssue::Severity::kError, at, std::move(message));
}

void Translation::warning(const Sourced& at, std::string message) {
  issue(api::ConfigIssue::Severity::kWarning, at, std::move(message));
}

std::string_view Translation::prefix_of(const Sourced& s) {
  std::string_view display = s.display;
  return display.substr(0, display.size() - s.key.size());
}

}  // namespace detail

bool is_security_key(std::string_view key) {
  return key == "security.protocol" || strings::starts_with(key, "ssl.") ||
         strings::starts_with(key, "sasl.") || key == "enable.ssl.certificate.verification" ||
         key == "enable.sasl.oauthbearer.unsecure.jwt";
}

api::RawConfig security_keys(const api::RawConfig& keys) {
  api::RawConfig out;
  for (const auto& [key, value] : keys) {
    if (is_security_key(key)) out.emplace(key, value);
  }
  return out;
}

SecuritySettings translate_security(std::span<const KeyLayer> layers,
                                    std::vector<api::ConfigIssue>& issues,
                                    const LibrdkafkaBuild& build) {
  SecuritySettings out;
  detail::Translation t(layers, issues, build, out);

  bool protocol_known = true;
  if (const auto* protocol = t.take("security.protocol")) {
    auto upper = strings::to_upper(strings::trim(protocol->value));
    if (upper == "PLAINTEXT" || upper == "SSL" || upper == "SASL_PLAINTEXT" ||
        upper == "SASL_SSL") {
      out.protocol = strings::to_lower(upper);
      t.set("security.protocol", out.protocol, protocol->display);
    } else {
      protocol_known = false;
      t.error(*protocol,
              "Invalid value: security.protocol must be one of PLAINTEXT, SSL, "
              "SASL_PLAINTEXT, SASL_SSL");
    }
  }

  if (out.uses_tls()) {
    detail::translate_ssl(t);
  }
  if (out.uses_sasl()) {
    detail::translate_sasl(t);
  }

  // What no part consumed: librdkafka's own names pass through when their family is in use (it
  // checks names and values later); otherwise they have no effect, which is worth saying.
  std::string upper_protocol = strings::to_upper(out.protocol);
  for (auto* s : t.untaken("")) {
    bool ssl_key =
        strings::starts_with(s->key, "ssl.") || s->key == "enable.ssl.certificate.verification";
    bool in_use = ssl_key ? out.uses_tls() : out.uses_sasl();
    if (in_use) {
      t.set(s->key, *s);
    } else if (protocol_known) {
      t.warning(*s, fmt::format("ignored: security.protocol is {}, which uses no {}",
                                upper_protocol, ssl_key ? "TLS" : "SASL"));
    }
  }
  return out;
}

}  // namespace kc::config::security
