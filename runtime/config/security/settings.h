#pragma once

// Kafka client security settings, as users write them for the Java client, translated to
// librdkafka properties — plus the TLS material inputs to check and watch.
//
// Call it once per consumer with every layer of Java keys, lowest precedence first, and set the
// resulting properties after the other consumer properties:
//
//   const security::KeyLayer layers[] = {{&worker_top_level_security, ""},
//                                        {&worker_consumer, "consumer."},
//                                        {&overrides, "consumer.override."}};
//   auto security = security::translate_security(layers, issues);
//   // ...the non-security keys (skip security::is_security_key) as before...
//   for (const auto& p : security.properties) set(p.name, p.value, p.display);
//
// Layers are merged first (later wins, key by key, as Kafka Connect merges the consumer config)
// and the merged set is translated as a whole, because Java security keys depend on each other
// (ssl.keystore.type decides what ssl.keystore.location means; sasl.mechanism what the JAAS
// login module must be).
//
// Pure: no file is read (the operator validates connectors whose files only exist in worker
// pods). What needs the files — parsing, validation, the PKCS#12 truststore that librdkafka
// cannot read itself — is in material.h. docs/security.md has the full mapping table.
//
// Issues name the key as the user wrote it (with its layer's prefix); values of sensitive keys are
// shown as [hidden]. Threading: pure functions.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libs/tls/material.h"
#include "runtime/api/config_def.h"
#include "runtime/config/security/librdkafka_build.h"

namespace kc::config::security {

// One set of Java client keys (prefix removed) and the prefix the user wrote them under.
struct KeyLayer {
  const api::RawConfig* keys = nullptr;
  std::string_view display_prefix;  // "", "consumer.", "consumer.override."
};

// A librdkafka property and the key the user wrote, for messages.
struct Property {
  std::string name;
  std::string value;
  std::string display;
};

struct SecuritySettings {
  std::string protocol = "plaintext";  // librdkafka's security.protocol, lower case
  std::string mechanism;               // SASL mechanism, upper case; empty without SASL
  std::vector<Property> properties;    // librdkafka names, including security.protocol
  // TLS inputs (labels are the keys the user wrote). A PKCS#12 truststore appears only here:
  // librdkafka cannot read one, material_properties() turns it into ssl.ca.pem.
  tls::MaterialSource material;

  bool uses_tls() const { return protocol == "ssl" || protocol == "sasl_ssl"; }
  bool uses_sasl() const { return protocol == "sasl_plaintext" || protocol == "sasl_ssl"; }
};

// Keys the translation owns: security.protocol, ssl.*, sasl.*, and librdkafka's
// enable.ssl.certificate.verification and enable.sasl.oauthbearer.unsecure.jwt. The consumer
// property builder must leave these to translate_security().
bool is_security_key(std::string_view key);

// The security keys of `keys`, e.g. a worker's top-level security.protocol / ssl.* / sasl.*.
api::RawConfig security_keys(const api::RawConfig& keys);

SecuritySettings translate_security(std::span<const KeyLayer> layers,
                                    std::vector<api::ConfigIssue>& issues,
                                    const LibrdkafkaBuild& build = librdkafka_build());

}  // namespace kc::config::security
