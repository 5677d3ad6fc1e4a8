#pragma once

// Internal to runtime/config/security: the state of one translate_security() call, shared by the
// SSL, SASL and login-module parts. Not for use elsewhere.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config/security/jaas.h"
#include "runtime/config/security/settings.h"

namespace kc::config::security::detail {

// A merged Java key: its value, the key as the user wrote it, and whether a part consumed it.
struct Sourced {
  std::string key;  // without prefix: "ssl.keystore.location"
  std::string value;
  std::string display;  // with its layer's prefix: "consumer.override.ssl.keystore.location"
  bool taken = false;
};

class Translation {
 public:
  Translation(std::span<const KeyLayer> layers, std::vector<api::ConfigIssue>& issues,
              const LibrdkafkaBuild& build, SecuritySettings& out);

  // The merged key, marked as consumed; nullptr when not set.
  const Sourced* take(std::string_view key);
  const Sourced* peek(std::string_view key) const;
  // Keys starting with `prefix` that no part consumed, in key order.
  std::vector<Sourced*> untaken(std::string_view prefix);

  // Sets a librdkafka property (a later set of the same name replaces it).
  void set(std::string_view name, std::string value, std::string display);
  void set(std::string_view name, const Sourced& from) { set(name, from.value, from.display); }

  void error(const Sourced& at, std::string message);
  void warning(const Sourced& at, std::string message);
  // The display prefix of a merged key ("consumer.override."), for naming sibling keys.
  static std::string_view prefix_of(const Sourced& s);

  const LibrdkafkaBuild& build;
  SecuritySettings& out;

 private:
  void issue(api::ConfigIssue::Severity severity, const Sourced& at, std::string message);

  std::map<std::string, Sourced, std::less<>> merged_;
  std::vector<api::ConfigIssue>& issues_;
};

void translate_ssl(Translation& t);
void translate_sasl(Translation& t);
// sasl.jaas.config's one login module to librdkafka properties (login_modules.cc).
void translate_login_module(Translation& t, const JaasEntry& entry, const Sourced& jaas);

}  // namespace kc::config::security::detail
