#pragma once

// The TLS material behind translated security settings, read from the files: checked before a
// consumer is built with it, and the properties only the files can give.
//
// Runtime (not the operator: the files live in worker pods):
//
//   auto checked = security::check_material(consumer.security);          // before connecting
//   if (!checked) -> refuse to start the task with checked.error()
//   props = consumer.properties + checked->properties;                    // e.g. ssl.ca.pem
//   watcher = tls::MaterialWatcher::start(consumer.security.material, {...}, on_event);
//   on kNewMaterial: props = consumer.properties + material_properties(security, *event.material)
//
// Errors (Errc::kInvalidConfig, kPermissionDenied, kUnsupported) name the key the user wrote and
// the file; a Java KeyStore gets the keytool / openssl commands that convert it; a store whose
// content does not match its type says which type to set. Threading: free functions.

#include <memory>
#include <string>
#include <vector>

#include "libs/tls/material.h"
#include "libs/tls/validate.h"
#include "runtime/api/config_def.h"
#include "runtime/config/security/settings.h"

namespace kc::config::security {

struct CheckedMaterial {
  std::shared_ptr<const tls::Material> material;  // null when the settings name no TLS material
  std::vector<std::string> warnings;
  std::vector<Property> properties;  // material_properties() of `material`
};

Result<CheckedMaterial> check_material(const SecuritySettings& settings,
                                       const tls::ValidationOptions& options = {},
                                       const LibrdkafkaBuild& build = librdkafka_build());

// The same check for a validator: appends an error, or the warnings, to `issues`.
void check_material(const SecuritySettings& settings, std::vector<api::ConfigIssue>& issues,
                    const tls::ValidationOptions& options = {});

// Properties that come from the loaded material rather than the configuration: ssl.ca.pem with
// the certificates of a PKCS#12 truststore (librdkafka reads CA certificates from PEM only), and
// ssl.certificate.pem + ssl.key.pem with the chain and key of a PKCS#12 keystore (kconnect reads
// keystores itself: the client gets exactly the validated material, and librdkafka 2.0.2's own
// PKCS#12 loading leaks). ssl.key.pem is a secret. Set them after SecuritySettings::properties.
std::vector<Property> material_properties(const SecuritySettings& settings,
                                          const tls::Material& material);

}  // namespace kc::config::security
