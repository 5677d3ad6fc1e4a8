// libFuzzer target: the JSON Schema decoder on arbitrary payloads of a schema with every mapped
// type, and on arbitrary schema texts ($ref loops included). Checks: no crash, no sanitizer
// report, data errors only.

#include "tests/fuzz/sr_fuzz_support.h"

namespace {

constexpr std::string_view kSchema = R"({"type":"object","title":"Person",
"definitions":{"Addr":{"type":"object","properties":{"city":{"type":"string"}}}},
"properties":{"name":{"type":"string"},"age":{"type":"integer","connect.type":"int32"},
"small":{"type":"integer","connect.type":"int8"},"score":{"type":"number"},
"f":{"type":"number","connect.type":"float32"},"raw":{"type":"string","connect.type":"bytes"},
"tags":{"type":"array","items":{"type":"string"}},"nick":{"oneOf":[{"type":"null"},{"type":"string"}]},
"attrs":{"type":"object","additionalProperties":{"type":"integer"}},"ok":{"type":"boolean"},
"home":{"$ref":"#/definitions/Addr"}},"required":["name","age"]})";

std::unique_ptr<kc::schema_registry::Decoder> make(const kc::schema_registry::RegisteredSchema& s) {
  auto d = kc::schema_registry::make_json_schema_decoder(s, {});
  return d ? std::move(*d) : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kc::fuzz::decode_or_parse(data, size, kc::schema_registry::SchemaType::kJson, kSchema,
                                   make);
}
