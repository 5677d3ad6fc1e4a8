#pragma once

// Shared by the Schema Registry decoder fuzz targets: the schemas the seed corpora were encoded
// with (the same as tests/peers/schema_registry/encode.js), and the check every target makes.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "runtime/api/json.h"
#include "runtime/converters/schema_registry/decoder.h"

namespace kc::fuzz {

// Input layout: byte 0 even -> the rest is a payload for `schema`; odd -> the rest is a schema
// text of `type` (a hostile registry), then a payload-less decode of an empty message.
inline int decode_or_parse(
    const uint8_t* data, size_t size, schema_registry::SchemaType type, std::string_view schema,
    std::unique_ptr<schema_registry::Decoder> (*make)(const schema_registry::RegisteredSchema&)) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  static auto fixed = make({.id = 1, .type = type, .text = std::string(schema)});
  if (!fixed) std::abort();  // the fixed schema must parse
  schema_registry::Decoder* decoder = fixed.get();
  std::unique_ptr<schema_registry::Decoder> parsed;
  if (data[0] & 1) {
    parsed = make({.id = 2, .type = type, .text = std::string(rest)});
    if (!parsed) return 0;
    decoder = parsed.get();
    rest = {};
  }
  auto decoded = decoder->decode(rest);
  if (!decoded) {
    if (decoded.error().code() != Errc::kData) __builtin_trap();
    return 0;
  }
  std::string out;
  api::json::write(decoded->value, out);
  return 0;
}

}  // namespace kc::fuzz
