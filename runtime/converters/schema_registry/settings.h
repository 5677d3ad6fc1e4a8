#pragma once

// The Schema Registry converters' configuration: Confluent's keys (AbstractKafkaSchemaSerDeConfig,
// AvroConverterConfig, ProtobufDataConfig, JsonSchemaDataConfig), as they appear under
// `key.converter.` / `value.converter.` (or the worker's defaults), parsed into what the client and
// the decoders need. docs/converters.md lists every key and what kconnect does with it.
//
// Secrets (basic.auth.user.info, bearer.auth.token, passwords, private keys, credentials in a
// URL) are kept here and in the client only; messages name keys, never values.
// Threading: pure functions, except load_settings() which reads the TLS files.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/api/config_def.h"
#include "runtime/converters/schema_registry/registry_client.h"

namespace kc::schema_registry {

enum class Format { kAvro, kProtobuf, kJson };

struct ConverterSettings {
  ClientSettings client;
  size_t registry_cache_capacity = 1000;  // max.schemas.per.subject: registered schemas by id
  size_t decoder_cache_capacity = 1000;   // schemas.cache.config: parsed schemas per converter
  bool connect_meta_data = true;          // connect.meta.data
  bool enhanced_schema_support = false;   // enhanced.avro/protobuf.schema.support
  bool scrub_invalid_names = false;       // scrub.invalid.names
  // Protobuf
  bool int_for_enums = false;              // int.for.enums
  bool wrapper_for_raw_primitives = true;  // wrapper.for.raw.primitives
  bool generate_index_for_unions = true;   // generate.index.for.unions
  // JSON Schema
  bool json_fail_invalid_schema = false;  // json.fail.invalid.schema
};

const api::ConfigDef& converter_config_def(Format format);

// Checks that need several keys at once (credential sources, TLS keys as the Kafka client's
// are checked) and warns about keys that are accepted without effect. Does not read files.
// `prefix` is how the user wrote the keys ("value.converter.").
void validate_settings(const api::Config& config, std::string_view prefix,
                       std::vector<api::ConfigIssue>& issues);

// The settings of a converter about to run: also reads and checks the TLS files.
// Errors: Errc::kInvalidConfig (or the TLS checks' codes) naming the key as the user wrote it.
Result<ConverterSettings> load_settings(const api::Config& config, Format format,
                                        std::string_view prefix);

// A URL as it may be shown: "https://registry:8081" without "user:password@".
std::string display_url(std::string_view url);

}  // namespace kc::schema_registry
