#pragma once

// What to tell someone whose keystore or truststore is a Java KeyStore (JKS/JCEKS), which
// librdkafka and OpenSSL cannot read: the keytool / openssl commands that convert it, and the keys
// to set afterwards.

#include <string>
#include <string_view>

namespace kc::config::security {

enum class StoreRole { kKeystore, kTruststore };

// `display_key` is the location key as the user wrote it
// ("consumer.override.ssl.truststore.location"), `path` its value.
std::string jks_conversion_help(StoreRole role, std::string_view display_key,
                                std::string_view path);

}  // namespace kc::config::security
