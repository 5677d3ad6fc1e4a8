// The SSL half of translate_security(): Java's ssl.* keys to librdkafka's, and the TLS material
// inputs. See docs/security.md for the table.

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include "libs/base/strings.h"
#include "runtime/config/security/jks.h"
#include "runtime/config/security/translation.h"

namespace kc::config::security::detail {
namespace {

// Java-only (JSSE) settings, and broker-side ones a client configuration sometimes carries.
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kIgnoredSslKeys = {{
    {"ssl.protocol",
     "librdkafka negotiates the newest TLS version both sides support (TLS 1.2 "
     "or 1.3 with OpenSSL 3)"},
    {"ssl.enabled.protocols",
     "librdkafka negotiates the newest TLS version both sides support "
     "(TLS 1.2 or 1.3 with OpenSSL 3)"},
    {"ssl.provider", "a Java security provider; librdkafka uses OpenSSL"},
    {"ssl.keymanager.algorithm", "a Java (JSSE) setting; librdkafka uses OpenSSL"},
    {"ssl.trustmanager.algorithm", "a Java (JSSE) setting; librdkafka uses OpenSSL"},
    {"ssl.secure.random.implementation", "a Java (JSSE) setting; librdkafka uses OpenSSL"},
    {"ssl.engine.factory.class", "Java SSL engines do not apply; librdkafka uses OpenSSL"},
    {"ssl.client.auth", "a broker setting"},
    {"ssl.principal.mapping.rules", "a broker setting"},
    {"ssl.allow.dn.changes", "a broker setting"},
    {"ssl.allow.san.changes", "a broker setting"},
}};

// TLS 1.3 suites: OpenSSL configures them apart from the cipher list librdkafka sets.
constexpr std::array<std::string_view, 5> kTls13Suites = {
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"};

enum class Store { kPem, kPkcs12, kJks, kOther };

// Kafka's DefaultSslEngineFactory says the same.
constexpr std::string_view kPemStorePassword =
    "SSL key store password cannot be specified with PEM format, only key password may be "
    "specified";

// A store type from ssl.*store.type, or guessed from the file name when the type is not set
// (Java's default, JKS, cannot be meant: librdkafka cannot read it).
Store store_type(const Sourced* type, const Sourced* location, Store unnamed) {
  if (type) {
    auto upper = strings::to_upper(strings::trim(type->value));
    if (upper == "PEM") return Store::kPem;
    if (upper == "PKCS12") return Store::kPkcs12;
    if (upper == "JKS" || upper == "JCEKS") return Store::kJks;
    return Store::kOther;
  }
  if (location) {
    auto lower = strings::to_lower(location->value);
    for (std::string_view ext : {".pem", ".crt", ".cer", ".key"}) {
      if (strings::ends_with(lower, ext)) return Store::kPem;
    }
    for (std::string_view ext : {".p12", ".pfx", ".pkcs12"}) {
      if (strings::ends_with(lower, ext)) return Store::kPkcs12;
    }
    for (std::string_view ext : {".jks", ".jceks"}) {
      if (strings::ends_with(lower, ext)) return Store::kJks;
    }
  }
  return unnamed;
}

// Refuses when both of two alternatives are set; returns true when at most one is.
bool exclusive(Translation& t, const Sourced* a, const Sourced* b) {
  if (!a || !b) return true;
  t.error(*b, fmt::format("{} and {} are alternatives; set only one", a->display, b->display));
  return false;
}

size_t count_certificates(std::string_view pem) {
  size_t n = 0;
  for (auto pos = pem.find("-----BEGIN CERTIFICATE-----"); pos != std::string_view::npos;
       pos = pem.find("-----BEGIN CERTIFICATE-----", pos + 1)) {
    ++n;
  }
  return n;
}

// A store type librdkafka cannot use: JKS gets the commands that convert it, anything else the
// types that work.
void refuse_store(Translation& t, Store store, const Sourced* type, const Sourced& location,
                  StoreRole role) {
  if (store == Store::kJks) {
    t.error(type ? *type : location, jks_conversion_help(role, location.display, location.value));
    return;
  }
  t.error(type ? *type : location,
          fmt::format("Invalid value: the {} type must be {} (JKS stores must be converted)",
                      role == StoreRole::kTruststore ? "truststore" : "keystore",
                      role == StoreRole::kTruststore ? "PEM or PKCS12" : "PKCS12 or PEM"));
}

void translate_truststore(Translation& t) {
  const auto* type = t.take("ssl.truststore.type");
  const auto* location = t.take("ssl.truststore.location");
  const auto* password = t.take("ssl.truststore.password");
  const auto* inline_pem = t.take("ssl.truststore.certificates");
  const auto* ca_location = t.take("ssl.ca.location");
  const auto* ca_pem = t.take("ssl.ca.pem");
  if (!exclusive(t, location, inline_pem) || !exclusive(t, location, ca_location) ||
      !exclusive(t, location, ca_pem) || !exclusive(t, inline_pem, ca_location) ||
      !exclusive(t, inline_pem, ca_pem) || !exclusive(t, ca_location, ca_pem)) {
    return;
  }
  auto& trust = t.out.material.trust;
  if (ca_location) {  // librdkafka's own: a PEM file (or a directory, which is not watched)
    t.set("ssl.ca.location", *ca_location);
    if (ca_location->value != "probe") {
      trust = {.label = ca_location->display, .file = ca_location->value};
      t.out.material.trust_type = tls::StoreType::kPem;
    }
  }
  if (ca_pem || inline_pem) {
    const auto& from = ca_pem ? *ca_pem : *inline_pem;
    t.set("ssl.ca.pem", from);
    trust = {.label = from.display, .text = from.value};
    t.out.material.trust_type = tls::StoreType::kPem;
    if (type && store_type(type, nullptr, Store::kPem) != Store::kPem) {
      t.error(*type, "ssl.truststore.certificates holds PEM text: the type must be PEM");
    }
  }
  if (!location) {
    if (password && !inline_pem) t.warning(*password, "ignored: no ssl.truststore.location is set");
    return;
  }
  auto store = store_type(type, location, Store::kPem);
  switch (store) {
    case Store::kPem:
      t.set("ssl.ca.location", *location);
      trust = {.label = location->display, .file = location->value};
      t.out.material.trust_type = tls::StoreType::kPem;
      if (password) {
        t.error(*password, "SSL trust store password cannot be specified for PEM format");
      }
      break;
    case Store::kPkcs12:
      // librdkafka reads CA certificates from PEM only: the runtime reads the store and hands
      // librdkafka its certificates as ssl.ca.pem (material_properties()).
      trust = {.label = location->display, .file = location->value};
      t.out.material.trust_type = tls::StoreType::kPkcs12;
      if (password) t.out.material.trust_password = password->value;
      break;
    case Store::kJks:
    case Store::kOther:
      refuse_store(t, store, type, *location, StoreRole::kTruststore);
      break;
  }
}

void translate_keystore(Translation& t) {
  const auto* type = t.take("ssl.keystore.type");
  const auto* location = t.take("ssl.keystore.location");
  const auto* store_password = t.take("ssl.keystore.password");
  const auto* key_password = t.take("ssl.key.password");
  const auto* chain = t.take("ssl.keystore.certificate.chain");
  const auto* key = t.take("ssl.keystore.key");
  const auto* cert_location = t.take("ssl.certificate.location");
  const auto* key_location = t.take("ssl.key.location");
  const auto* cert_pem = t.take("ssl.certificate.pem");
  const auto* key_pem = t.take("ssl.key.pem");
  auto& m = t.out.material;

  if (!exclusive(t, location, chain) || !exclusive(t, location, cert_location) ||
      !exclusive(t, location, cert_pem) || !exclusive(t, chain, cert_location) ||
      !exclusive(t, chain, cert_pem) || !exclusive(t, cert_location, cert_pem) ||
      !exclusive(t, key, key_location) || !exclusive(t, key, key_pem) ||
      !exclusive(t, key_location, key_pem)) {
    return;
  }
  // ssl.key.password opens an encrypted PEM key; a PKCS#12 key opens with the store password.
  auto use_key_password = [&] {
    if (!key_password) return;
    t.set("ssl.key.password", *key_password);
    m.key_password = key_password->value;
  };

  // Inline PEM (Java's ssl.keystore.certificate.chain / ssl.keystore.key, librdkafka's
  // ssl.certificate.pem / ssl.key.pem) and librdkafka's file locations.
  const Sourced* cert = chain ? chain : cert_pem;
  const Sourced* private_key = key ? key : key_pem;
  if (cert || cert_location || private_key || key_location) {
    if (cert) {
      t.set("ssl.certificate.pem", *cert);
      m.certificate = {.label = cert->display, .text = cert->value};
      if (count_certificates(cert->value) > 1 && t.build.version_number < 0x020800ff) {
        t.warning(*cert,
                  fmt::format("librdkafka {} sends only the first certificate of an inline chain "
                              "(fixed in 2.8.0, confluentinc/librdkafka#4894): the broker must "
                              "trust the intermediates, or use a PEM file (ssl.keystore.type=PEM "
                              "with ssl.keystore.location), whose whole chain is sent",
                              t.build.version));
      }
    }
    if (cert_location) {
      t.set("ssl.certificate.location", *cert_location);
      m.certificate = {.label = cert_location->display, .file = cert_location->value};
    }
    if (private_key) {
      t.set("ssl.key.pem", *private_key);
      m.key = {.label = private_key->display, .text = private_key->value};
    }
    if (key_location) {
      t.set("ssl.key.location", *key_location);
      m.key = {.label = key_location->display, .file = key_location->value};
    }
    use_key_password();
    const Sourced* given = cert            ? cert
                           : cert_location ? cert_location
                           : private_key   ? private_key
                                           : key_location;
    if (!m.certificate.given() || !m.key.given()) {
      t.error(*given,
              "a client certificate needs its private key and a key its certificate: set "
              "both (ssl.keystore.certificate.chain with ssl.keystore.key, or "
              "ssl.certificate.location with ssl.key.location)");
    }
    if (location) t.error(*location, "set either a keystore or a certificate and key, not both");
    if (store_password) {
      t.error(*store_password, std::string(kPemStorePassword));
    }
    return;
  }

  if (!location) {
    if (store_password) t.warning(*store_password, "ignored: no ssl.keystore.location is set");
    if (key_password) t.warning(*key_password, "ignored: no client key is configured");
    return;
  }
  auto store = store_type(type, location, Store::kPkcs12);
  switch (store) {
    case Store::kPkcs12:
      // kconnect reads the store and hands librdkafka the certificate chain and key it validated
      // as ssl.certificate.pem / ssl.key.pem (material_properties()). librdkafka's own PKCS#12
      // loading (ssl.keystore.location) leaks two OpenSSL objects per client in 2.0.2 (found by
      // ASan) and, before 2.8.0, drops the chain just the same.
      m.keystore = {.label = location->display, .file = location->value};
      if (store_password) m.keystore_password = store_password->value;
      if (key_password && (!store_password || key_password->value != store_password->value)) {
        t.warning(*key_password,
                  "ignored: a PKCS#12 keystore and its key open with ssl.keystore.password "
                  "(re-export the store with one password if they differ)");
      }
      break;
    case Store::kPem:
      // One file holding the certificate chain and the private key.
      t.set("ssl.certificate.location", *location);
      t.set("ssl.key.location", location->value, location->display);
      m.certificate = {.label = location->display, .file = location->value};
      m.key = {.label = location->display, .file = location->value};
      use_key_password();
      if (store_password) {
        t.error(*store_password, std::string(kPemStorePassword));
      }
      break;
    case Store::kJks:
    case Store::kOther:
      refuse_store(t, store, type, *location, StoreRole::kKeystore);
      break;
  }
}

void translate_endpoint_identification(Translation& t) {
  const auto* algorithm = t.take("ssl.endpoint.identification.algorithm");
  if (!algorithm) return;  // librdkafka's default (since 2.0) is https, as Java's
  auto lower = strings::to_lower(strings::trim(algorithm->value));
  if (lower.empty() || lower == "none") {
    t.set("ssl.endpoint.identification.algorithm", "none", algorithm->display);
  } else if (lower == "https") {
    t.set("ssl.endpoint.identification.algorithm", "https", algorithm->display);
  } else {
    t.error(*algorithm,
            "Invalid value: allowed are https (verify the broker's host name) or an "
            "empty value / none (do not)");
  }
}

// Java's IANA suite names (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) to OpenSSL's
// (ECDHE-RSA-AES256-GCM-SHA384). A value already in OpenSSL's format passes unchanged.
void translate_cipher_suites(Translation& t) {
  const auto* suites = t.take("ssl.cipher.suites");
  if (!suites) return;
  auto items = strings::split_list(suites->value);
  bool iana = !items.empty() && suites->value.find(':') == std::string::npos;
  for (const auto& item : items) {
    iana = iana && (strings::starts_with(item, "TLS_") || strings::starts_with(item, "SSL_"));
  }
  if (!iana) {
    t.set("ssl.cipher.suites", *suites);
    return;
  }
  std::vector<std::string> openssl_names;
  std::vector<std::string> tls13;
  for (const auto& item : items) {
    if (std::find(kTls13Suites.begin(), kTls13Suites.end(), item) != kTls13Suites.end()) {
      tls13.push_back(item);
      continue;
    }
    std::string name = OPENSSL_cipher_name(item.c_str());
    if (name.empty() || name == "(NONE)") {
      t.error(*suites, fmt::format("unknown cipher suite '{}' (not one OpenSSL knows)", item));
      return;
    }
    openssl_names.push_back(std::move(name));
  }
  if (!tls13.empty()) {
    t.warning(*suites, fmt::format("TLS 1.3 suites ({}) cannot be restricted through librdkafka; "
                                   "OpenSSL's TLS 1.3 defaults apply",
                                   strings::join(tls13, ", ")));
  }
  if (!openssl_names.empty()) {
    t.set("ssl.cipher.suites", strings::join(openssl_names, ":"), suites->display);
  }
}

}  // namespace

void translate_ssl(Translation& t) {
  for (const auto& [key, why] : kIgnoredSslKeys) {
    if (const auto* s = t.take(key)) t.warning(*s, fmt::format("ignored: {}", why));
  }
  translate_truststore(t);
  translate_keystore(t);
  translate_endpoint_identification(t);
  translate_cipher_suites(t);
}

}  // namespace kc::config::security::detail
