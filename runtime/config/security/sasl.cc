// The SASL half of translate_security(): mechanism, Java sasl.* keys, and sasl.jaas.config (whose
// login modules are translated in login_modules.cc). See docs/security.md for the table.

#include <array>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/security/jaas.h"
#include "runtime/config/security/translation.h"

namespace kc::config::security::detail {
namespace {

struct Mechanism {
  std::string_view name;
  std::string_view feature;  // librdkafka builtin.features entry it needs
};
constexpr std::array<Mechanism, 5> kMechanisms = {{{"PLAIN", "sasl_plain"},
                                                   {"SCRAM-SHA-256", "sasl_scram"},
                                                   {"SCRAM-SHA-512", "sasl_scram"},
                                                   {"OAUTHBEARER", "sasl_oauthbearer"},
                                                   {"GSSAPI", "sasl_gssapi"}}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kIgnoredSaslKeys = {{
    {"sasl.kerberos.ticket.renew.jitter",
     "librdkafka renews tickets by running kinit every "
     "sasl.kerberos.min.time.before.relogin"},
    {"sasl.kerberos.ticket.renew.window.factor",
     "librdkafka renews tickets by running kinit "
     "every sasl.kerberos.min.time.before.relogin"},
    {"sasl.login.refresh.window.factor", "librdkafka refreshes tokens at 80% of their lifetime"},
    {"sasl.login.refresh.window.jitter", "librdkafka refreshes tokens at 80% of their lifetime"},
    {"sasl.login.refresh.min.period.seconds",
     "librdkafka refreshes tokens at 80% of their "
     "lifetime"},
    {"sasl.login.refresh.buffer.seconds", "librdkafka refreshes tokens at 80% of their lifetime"},
    {"sasl.login.connect.timeout.ms", "a Java login setting"},
    {"sasl.login.read.timeout.ms", "a Java login setting"},
    {"sasl.login.retry.backoff.ms", "a Java login setting"},
    {"sasl.login.retry.backoff.max.ms", "a Java login setting"},
    {"sasl.oauthbearer.scope.claim.name", "tokens are checked by the broker, not the client"},
    {"sasl.oauthbearer.sub.claim.name", "tokens are checked by the broker, not the client"},
    {"sasl.oauthbearer.clock.skew.seconds", "tokens are checked by the broker, not the client"},
}};

// Java's sasl.kerberos.kinit.cmd is the kinit program; librdkafka's is the whole command line.
std::string kinit_command(std::string_view program) {
  return fmt::format(
      "{0} -R -t \"%{{sasl.kerberos.keytab}}\" -k %{{sasl.kerberos.principal}} || {0} -t "
      "\"%{{sasl.kerberos.keytab}}\" -k %{{sasl.kerberos.principal}}",
      program);
}

void translate_mechanism(Translation& t) {
  const auto* java = t.take("sasl.mechanism");
  const auto* native = t.take("sasl.mechanisms");
  const Sourced* given = native ? native : java;
  if (java && native && strings::to_upper(java->value) != strings::to_upper(native->value)) {
    t.error(*native, fmt::format("differs from {}; set only one", java->display));
  }
  // Java's and librdkafka's default alike.
  std::string name = given ? strings::to_upper(strings::trim(given->value)) : "GSSAPI";
  const Mechanism* mechanism = nullptr;
  for (const auto& m : kMechanisms) {
    if (m.name == name) mechanism = &m;
  }
  if (!mechanism) {
    std::string hint;
    if (name == "AWS_MSK_IAM") {
      hint = " (AWS MSK IAM authentication is Java-only; use SASL/SCRAM or mutual TLS with MSK)";
    }
    t.error(*given, fmt::format("Invalid value: librdkafka supports the SASL mechanisms PLAIN, "
                                "SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER and GSSAPI{}",
                                hint));
    return;
  }
  t.out.mechanism = name;
  std::string display = given ? given->display : "sasl.mechanism";
  if (!t.build.has(mechanism->feature)) {
    std::string message = fmt::format(
        "SASL mechanism {} is not supported by this librdkafka build ({}, builtin.features: {})",
        name, t.build.version, strings::join(t.build.features, ","));
    if (given) {
      t.error(*given, message);
    } else {
      t.error(Sourced{"sasl.mechanism", "GSSAPI", display}, message +
                                                                " (GSSAPI is the default "
                                                                "when sasl.mechanism is not set)");
    }
    return;
  }
  t.set("sasl.mechanisms", name, display);
  if (strings::starts_with(name, "SCRAM-") && t.build.scram_repeats_nonce()) {
    t.warning(given ? *given : Sourced{"sasl.mechanism", name, display},
              fmt::format("librdkafka {} repeats the client nonce in SCRAM's client-final "
                          "message (fixed in 2.6.1, confluentinc/librdkafka#4895): Kafka brokers "
                          "3.8.1 to 3.9 accept it, Kafka 4.x brokers refuse the authentication. "
                          "Against Kafka 4.x use an image with librdkafka 2.6.1 or later",
                          t.build.version));
  }
}

void translate_jaas(Translation& t) {
  const auto* jaas = t.take("sasl.jaas.config");
  if (!jaas) return;
  auto entries = parse_jaas_config(jaas->value);
  if (!entries) {
    t.error(*jaas, entries.error().message());
    return;
  }
  if (entries->size() != 1) {
    t.error(*jaas, fmt::format("JAAS config property contains {} login modules, should be 1 module",
                               entries->size()));
    return;
  }
  translate_login_module(t, entries->front(), *jaas);
}

void translate_java_keys(Translation& t) {
  for (const auto& [key, why] : kIgnoredSaslKeys) {
    if (const auto* s = t.take(key)) t.warning(*s, fmt::format("ignored: {}", why));
  }
  for (std::string_view key : {"sasl.login.class", "sasl.client.callback.handler.class"}) {
    if (const auto* s = t.take(key)) {
      t.error(*s,
              "Java classes cannot run in kconnect: librdkafka implements the login itself "
              "(see docs/security.md for what is supported)");
    }
  }
  if (const auto* kinit = t.take("sasl.kerberos.kinit.cmd")) {
    // A lone program path (Java's form) becomes librdkafka's command line.
    bool program_only = kinit->value.find(' ') == std::string::npos;
    t.set("sasl.kerberos.kinit.cmd", program_only ? kinit_command(kinit->value) : kinit->value,
          kinit->display);
  }
}

// PLAIN and SCRAM need a user and password from somewhere.
void check_credentials(Translation& t) {
  const auto& m = t.out.mechanism;
  if (m != "PLAIN" && !strings::starts_with(m, "SCRAM-")) return;
  if (t.peek("sasl.jaas.config")) return;  // its translation reports what it lacks
  bool user = false, password = false;
  for (const auto& p : t.out.properties) {
    user = user || p.name == "sasl.username";
    password = password || p.name == "sasl.password";
  }
  user = user || t.peek("sasl.username") != nullptr;
  password = password || t.peek("sasl.password") != nullptr;
  if (user && password) return;
  const Sourced* at = t.peek("sasl.mechanism");
  if (!at) at = t.peek("sasl.mechanisms");
  Sourced fallback{"sasl.jaas.config", "", "sasl.jaas.config"};
  t.error(at ? *at : fallback,
          fmt::format("SASL mechanism {} needs a user name and a password: set sasl.jaas.config "
                      "(e.g. {} required username=\"...\" password=\"...\";) or librdkafka's "
                      "sasl.username and sasl.password",
                      m,
                      m == "PLAIN" ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                                   : "org.apache.kafka.common.security.scram.ScramLoginModule"));
}

// OAUTHBEARER needs a way to get a token: a JAAS login module (translated already) or librdkafka's
// own settings. Without one, librdkafka would wait for a token the application never sets.
void check_oauthbearer(Translation& t) {
  if (const auto* handler = t.peek("sasl.login.callback.handler.class");
      handler && !handler->taken) {
    t.error(*t.take(handler->key), "used only with OAuthBearerLoginModule in sasl.jaas.config");
  }
  for (std::string_view key : {"sasl.jaas.config", "sasl.oauthbearer.config",
                               "enable.sasl.oauthbearer.unsecure.jwt", "sasl.oauthbearer.method"}) {
    if (t.peek(key)) return;
  }
  const Sourced* at = t.peek("sasl.mechanism");
  if (!at) at = t.peek("sasl.mechanisms");
  if (!at) return;  // cannot happen: OAUTHBEARER is never the default
  t.error(*at,
          "SASL mechanism OAUTHBEARER needs sasl.jaas.config with OAuthBearerLoginModule "
          "(client credentials with sasl.oauthbearer.token.endpoint.url, or an unsecured JWT "
          "for tests), or librdkafka's sasl.oauthbearer.* settings");
}

}  // namespace

void translate_sasl(Translation& t) {
  translate_mechanism(t);
  translate_java_keys(t);
  if (t.out.mechanism.empty()) {
    t.take("sasl.jaas.config");  // meaningless without a mechanism; its error would be noise
    return;
  }
  translate_jaas(t);
  check_credentials(t);
  if (t.out.mechanism == "OAUTHBEARER") check_oauthbearer(t);
}

}  // namespace kc::config::security::detail
