// sasl.jaas.config's login module to librdkafka properties: PlainLoginModule, ScramLoginModule,
// OAuthBearerLoginModule (unsecured JWT and OIDC client credentials) and Krb5LoginModule. Anything
// else cannot be translated and is refused with a message that says so.

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/security/translation.h"

namespace kc::config::security::detail {
namespace {

// The mechanism each login module serves, for the mismatch message.
std::string_view expected_mechanisms(std::string_view module) {
  if (module == "PlainLoginModule") return "PLAIN";
  if (module == "ScramLoginModule") return "SCRAM-SHA-256 or SCRAM-SHA-512";
  if (module == "OAuthBearerLoginModule") return "OAUTHBEARER";
  return "GSSAPI";
}

bool module_serves(std::string_view module, std::string_view mechanism) {
  if (module == "PlainLoginModule") return mechanism == "PLAIN";
  if (module == "ScramLoginModule") return strings::starts_with(mechanism, "SCRAM-");
  if (module == "OAuthBearerLoginModule") return mechanism == "OAUTHBEARER";
  return mechanism == "GSSAPI";
}

class ModuleTranslation {
 public:
  ModuleTranslation(Translation& t, const JaasEntry& entry, const Sourced& jaas)
      : t_(t), entry_(entry), jaas_(jaas) {}

  const std::string* option(std::string_view name) {
    used_.emplace_back(name);
    return entry_.option(name);
  }
  // A required option; reports it missing.
  const std::string* require(std::string_view name) {
    const auto* value = option(name);
    if (!value) {
      t_.error(jaas_, fmt::format("{} needs the option {}", entry_.simple_name(), name));
    }
    return value;
  }
  void set(std::string_view property, std::string value) {
    // An explicitly set librdkafka property of the same name would silently win later.
    if (const auto* explicit_value = t_.peek(property)) {
      t_.error(*explicit_value, fmt::format("conflicts with {}: set only one", jaas_.display));
      return;
    }
    t_.set(property, std::move(value), jaas_.display);
  }
  // Sets `property` unless the user set it explicitly (which then wins, as in Kafka).
  void set_default(std::string_view property, std::string value) {
    if (!t_.peek(property)) t_.set(property, std::move(value), jaas_.display);
  }
  void error(std::string message) { t_.error(jaas_, std::move(message)); }
  void warning(std::string message) { t_.warning(jaas_, std::move(message)); }
  bool used(std::string_view name) const {
    return std::find(used_.begin(), used_.end(), name) != used_.end();
  }
  // Options nobody asked for (and that are not in `harmless`) are ignored with a warning.
  void warn_unused(std::initializer_list<std::string_view> harmless = {}) {
    for (const auto& [name, value] : entry_.options) {
      if (used(name) || std::find(harmless.begin(), harmless.end(), name) != harmless.end()) {
        continue;
      }
      warning(fmt::format("option {} of {} is ignored: librdkafka has no equivalent", name,
                          entry_.simple_name()));
    }
  }

  Translation& t() { return t_; }
  const JaasEntry& entry() const { return entry_; }

 private:
  Translation& t_;
  const JaasEntry& entry_;
  const Sourced& jaas_;
  std::vector<std::string> used_;
};

void user_and_password(ModuleTranslation& m) {
  const auto* user = m.require("username");
  const auto* password = m.require("password");
  if (user) m.set("sasl.username", *user);
  if (password) m.set("sasl.password", *password);
}

void scram(ModuleTranslation& m) {
  user_and_password(m);
  if (const auto* token = m.option("tokenauth"); token && strings::iequals(*token, "true")) {
    m.error(
        "ScramLoginModule with tokenauth=true (delegation tokens) is not supported by "
        "librdkafka");
  }
  m.warn_unused();
}

// Java's unsecured JWT options (OAuthBearerUnsecuredLoginCallbackHandler) to librdkafka's
// sasl.oauthbearer.config ("principal=... scope=... lifeSeconds=... extension_k=v").
void unsecured_jwt(ModuleTranslation& m) {
  std::string principal_claim = "sub";
  if (const auto* name = m.option("unsecuredLoginPrincipalClaimName")) principal_claim = *name;
  std::string scope_claim = "scope";
  if (const auto* name = m.option("unsecuredLoginScopeClaimName")) scope_claim = *name;
  std::vector<std::string> parts;
  auto add = [&](std::string_view key, std::string_view value, std::string_view option) {
    if (value.find_first_of(" \t") != std::string_view::npos) {
      m.error(
          fmt::format("option {} must not contain spaces: librdkafka's "
                      "sasl.oauthbearer.config separates its fields with spaces",
                      option));
      return;
    }
    parts.push_back(fmt::format("{}={}", key, value));
  };

  auto principal_option = "unsecuredLoginStringClaim_" + principal_claim;
  const auto* principal = m.option(principal_option);
  if (!principal) {
    m.error(fmt::format("OAuthBearerLoginModule (unsecured JWT) needs the option {}",
                        principal_option));
    return;
  }
  add("principal", *principal, principal_option);
  if (principal_claim != "sub")
    add("principalClaimName", principal_claim, "unsecuredLoginPrincipalClaimName");
  auto scope_option = "unsecuredLoginListClaim_" + scope_claim;
  if (const auto* scope = m.option(scope_option); scope && !scope->empty()) {
    // Java: the first character is the list's delimiter (",read,write").
    char delimiter = scope->front();
    std::vector<std::string> items;
    for (auto item : strings::split(std::string_view(*scope).substr(1), delimiter)) {
      if (!item.empty()) items.emplace_back(item);
    }
    add("scope", strings::join(items, ","), scope_option);
    if (scope_claim != "scope") add("scopeClaimName", scope_claim, "unsecuredLoginScopeClaimName");
  }
  if (const auto* life = m.option("unsecuredLoginLifetimeSeconds")) {
    add("lifeSeconds", *life, "unsecuredLoginLifetimeSeconds");
  }
  for (const auto& [name, value] : m.entry().options) {
    if (strings::starts_with(name, "unsecuredLoginExtension_")) {
      m.option(name);
      add("extension_" + name.substr(std::string_view("unsecuredLoginExtension_").size()), value,
          name);
    } else if (strings::starts_with(name, "unsecuredLogin") && !m.used(name)) {
      m.error(
          fmt::format("option {} cannot be translated: librdkafka's unsecured JWT carries "
                      "only the principal, scope, lifetime and extensions",
                      name));
      m.option(name);
    }
  }
  m.set("enable.sasl.oauthbearer.unsecure.jwt", "true");
  m.set("sasl.oauthbearer.config", strings::join(parts, " "));
  m.warn_unused();
}

// KIP-768: OAuth 2 client credentials against a token endpoint, done by librdkafka itself.
void oidc(ModuleTranslation& m, const Sourced* endpoint) {
  auto& t = m.t();
  if (!t.build.oidc) {
    m.error(
        fmt::format("OAUTHBEARER with a token endpoint (OIDC) is not supported by this "
                    "librdkafka build ({}): it was built without libcurl. Use an image whose "
                    "librdkafka has OIDC, or an unsecured JWT for tests",
                    t.build.version));
    return;
  }
  if (!endpoint) {
    m.error(
        "OAUTHBEARER with OAuthBearerLoginCallbackHandler needs "
        "sasl.oauthbearer.token.endpoint.url");
    return;
  }
  m.set("sasl.oauthbearer.method", "oidc");
  t.set("sasl.oauthbearer.token.endpoint.url", *endpoint);
  if (const auto* id = m.require("clientId")) m.set("sasl.oauthbearer.client.id", *id);
  if (const auto* secret = m.require("clientSecret"))
    m.set("sasl.oauthbearer.client.secret", *secret);
  if (const auto* scope = m.option("scope")) m.set("sasl.oauthbearer.scope", *scope);
  std::vector<std::string> extensions;
  for (const auto& [name, value] : m.entry().options) {
    if (strings::starts_with(name, "extension_")) {
      m.option(name);
      extensions.push_back(fmt::format("{}={}", name.substr(10), value));
    }
  }
  if (!extensions.empty()) m.set("sasl.oauthbearer.extensions", strings::join(extensions, ","));
  m.warn_unused();
}

void oauthbearer(ModuleTranslation& m) {
  auto& t = m.t();
  const auto* handler = t.take("sasl.login.callback.handler.class");
  const auto* endpoint = t.take("sasl.oauthbearer.token.endpoint.url");
  if (handler && !strings::ends_with(handler->value, "OAuthBearerLoginCallbackHandler")) {
    t.error(*handler,
            "Java callback handlers cannot run in kconnect; the supported one is "
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler "
            "(OIDC client credentials)");
    return;
  }
  if (handler || endpoint) {
    oidc(m, endpoint);
  } else {
    unsecured_jwt(m);
  }
}

void kerberos(ModuleTranslation& m) {
  auto& t = m.t();
  const auto* principal = m.option("principal");
  const auto* keytab = m.option("keyTab");
  const auto* use_keytab = m.option("useKeyTab");
  const auto* use_ticket_cache = m.option("useTicketCache");
  bool keytab_login = use_keytab && strings::iequals(*use_keytab, "true");
  if (keytab_login && !keytab)
    m.error("Krb5LoginModule with useKeyTab=true needs the option keyTab");
  if (keytab) m.set("sasl.kerberos.keytab", *keytab);
  if (principal) m.set("sasl.kerberos.principal", *principal);
  if (const auto* service = m.option("serviceName")) {
    m.set_default("sasl.kerberos.service.name", *service);
  }
  bool ticket_cache = use_ticket_cache && strings::iequals(*use_ticket_cache, "true");
  if (ticket_cache && !keytab_login && !t.peek("sasl.kerberos.kinit.cmd")) {
    m.error(
        "Krb5LoginModule with useTicketCache=true and no keytab cannot be translated: "
        "librdkafka renews tickets by running kinit with a keytab. Use useKeyTab=true with "
        "keyTab and principal, or set sasl.kerberos.kinit.cmd to the command that keeps the "
        "ticket cache fresh");
  }
  m.warn_unused({"storeKey", "debug", "doNotPrompt", "refreshKrb5Config", "isInitiator", "renewTGT",
                 "useTicketCache", "useKeyTab"});
}

}  // namespace

void translate_login_module(Translation& t, const JaasEntry& entry, const Sourced& jaas) {
  auto module = entry.simple_name();
  const auto& mechanism = t.out.mechanism;
  bool known = module == "PlainLoginModule" || module == "ScramLoginModule" ||
               module == "OAuthBearerLoginModule" || module == "Krb5LoginModule";
  if (!known) {
    std::string hint;
    if (module == "IAMLoginModule") {
      hint = " (AWS MSK IAM authentication is Java-only; use SASL/SCRAM or mutual TLS with MSK)";
    }
    t.error(jaas, fmt::format("login module {} cannot be translated to librdkafka settings "
                              "(supported: PlainLoginModule, ScramLoginModule, "
                              "OAuthBearerLoginModule, Krb5LoginModule){}",
                              entry.login_module, hint));
    return;
  }
  if (!module_serves(module, mechanism)) {
    bool defaulted = !t.peek("sasl.mechanism") && !t.peek("sasl.mechanisms");
    t.error(jaas, fmt::format("{} is for SASL mechanism {}, but the mechanism is {}{}: set "
                              "{}sasl.mechanism",
                              module, expected_mechanisms(module), mechanism,
                              defaulted ? " (the default, as sasl.mechanism is not set)" : "",
                              Translation::prefix_of(jaas)));
    return;
  }
  ModuleTranslation m(t, entry, jaas);
  if (module == "PlainLoginModule") {
    user_and_password(m);
    m.warn_unused();
  } else if (module == "ScramLoginModule") {
    scram(m);
  } else if (module == "OAuthBearerLoginModule") {
    oauthbearer(m);
  } else {
    kerberos(m);
  }
}

}  // namespace kc::config::security::detail
