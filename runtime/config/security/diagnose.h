#pragma once

// Turns librdkafka's security failures (from its error callback or a failed rd_kafka_new) into a
// sentence that says which configuration key to look at. librdkafka's own text is kept after it.
//
//   "SSL handshake failed: ... certificate verify failed"
//     -> "the broker's certificate did not verify against the CA certificates in
//         consumer.ssl.truststore.location (/etc/tls/ca.crt); ... (librdkafka: SSL handshake ...)"
//
// Pure; messages name keys and files, never secrets (librdkafka's texts carry none either).

#include <optional>
#include <string>
#include <string_view>

#include "runtime/config/security/settings.h"

namespace kc::config::security {

// A hint for a security failure, or nullopt when `reason` is not one this recognises.
std::optional<std::string> explain_client_error(std::string_view reason,
                                                const SecuritySettings& settings);

}  // namespace kc::config::security
