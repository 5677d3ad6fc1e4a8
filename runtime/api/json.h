#pragma once

// JSON for Connect values: the writer sinks use to serialize values, and the schemaless reader
// transforms use to look inside raw JSON (Value kRawJson). Parsing uses simdjson.

#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/value.h"

namespace kc::api::json {

// Appends `value` as compact JSON, the way Kafka's JsonConverter encodes schemaless data: bytes as
// base64 strings, maps with string keys as objects and other maps as arrays of [key, value]
// pairs, structs as objects. Raw JSON is copied as is, minified if it spans several lines.
void write(const Value& value, std::string& out);
std::string to_json(const Value& value);
void write_string(std::string_view text, std::string& out);  // a quoted, escaped JSON string

// Parses JSON text into a schemaless Value: objects become kMap (string keys, document order),
// integral numbers kInt64, other numbers kFloat64. Errors are Errc::kData.
Result<Value> parse(std::string_view text);
// kRawJson values are parsed; any other value is returned unchanged.
Result<Value> materialize(const Value& value);
// Removes insignificant whitespace. Errors are Errc::kData.
Result<std::string> minify(std::string_view text);

}  // namespace kc::api::json
