#pragma once

// A parsed registry schema that turns payloads into Connect data (the record model every
// converter produces: api::Schema + api::Value, with Connect's logical types Decimal = bytes of
// the unscaled big-endian two's complement, Date = int32 days, Time = int32 ms of the day,
// Timestamp = int64 ms since the epoch).
//
// Threading: not thread-safe; one per converter (a task's sink thread). Values never borrow the
// decoder or the payload: a decoder may be evicted while records it made are still in use.
// Errors: Errc::kData saying what is wrong with the payload or the schema (never the data).

#include <memory>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/converter.h"
#include "runtime/converters/schema_registry/registry_client.h"
#include "runtime/converters/schema_registry/settings.h"

namespace kc::schema_registry {

// A schema a decoder cannot use: a data error ("Avro schema: unknown type 'x'").
inline Error schema_error(std::string_view format, std::string message) {
  return Error(Errc::kData, std::string(format) + " schema: " + std::move(message));
}

class Decoder {
 public:
  virtual ~Decoder() = default;
  // `payload` follows the 5-byte header (for Protobuf, with the message indexes still in front).
  virtual Result<api::SchemaAndValue> decode(std::string_view payload) = 0;
};

// Each refuses a schema it cannot parse with Errc::kData.
Result<std::unique_ptr<Decoder>> make_avro_decoder(const RegisteredSchema& schema,
                                                   const ConverterSettings& settings);
Result<std::unique_ptr<Decoder>> make_protobuf_decoder(const RegisteredSchema& schema,
                                                       const ConverterSettings& settings);
Result<std::unique_ptr<Decoder>> make_json_schema_decoder(const RegisteredSchema& schema,
                                                          const ConverterSettings& settings);

}  // namespace kc::schema_registry
