#pragma once

// What the librdkafka this process runs on can do, for the security translation: its version, its
// builtin.features, and whether OIDC token retrieval was compiled in. Tests build their own
// LibrdkafkaBuild to check what a different build would say.
//
// Threading: librdkafka_build() is computed once (thread-safe static) and immutable afterwards.

#include <string>
#include <string_view>
#include <vector>

namespace kc::config::security {

struct LibrdkafkaBuild {
  std::string version;                // "2.0.2"
  int version_number = 0;             // rd_kafka_version(): 0xMMmmrrxx
  std::vector<std::string> features;  // builtin.features: "ssl", "sasl_gssapi", ...
  bool oidc = false;  // sasl.oauthbearer.method=oidc is accepted (librdkafka built with libcurl)

  bool has(std::string_view feature) const;
  // librdkafka before 2.6.1 repeats the client nonce in SCRAM's client-final message
  // (confluentinc/librdkafka#4895): Kafka 3.8.1 - 3.9 accept it, Kafka 4.x brokers refuse it.
  bool scram_repeats_nonce() const { return version_number < 0x020601ff; }
};

// The linked librdkafka.
const LibrdkafkaBuild& librdkafka_build();

}  // namespace kc::config::security
