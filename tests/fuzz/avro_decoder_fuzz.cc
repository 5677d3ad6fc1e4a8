// libFuzzer target: the Avro decoder (libavro behind an allocation budget, then the mapping to
// Connect data) on arbitrary payloads of a schema with every Avro type and logical type, and on
// arbitrary schema texts. Checks: no crash, no sanitizer report, errors are data errors.

#include "tests/fuzz/sr_fuzz_support.h"

namespace {

constexpr std::string_view kSchema =
    R"({"type":"record","name":"Everything","namespace":"com.example",
"fields":[{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
{"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"s","type":"string"},
{"name":"raw","type":"bytes"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
{"name":"md5","type":{"type":"fixed","name":"Tag4","size":4}},{"name":"tags","type":{"type":"array","items":"string"}},
{"name":"scores","type":{"type":"map","values":"long"}},{"name":"maybe","type":["null","string"],"default":null},
{"name":"either","type":["int","string"]},{"name":"address","type":{"type":"record","name":"Address",
"fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","int"],"default":null}]}},
{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
{"name":"amount","type":{"type":"fixed","name":"Amount","size":8,"logicalType":"decimal","precision":18,"scale":4}},
{"name":"day","type":{"type":"int","logicalType":"date"}},{"name":"t_ms","type":{"type":"int","logicalType":"time-millis"}},
{"name":"t_us","type":{"type":"long","logicalType":"time-micros"}},{"name":"ts_ms","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"ts_us","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"lts_ms","type":{"type":"long","logicalType":"local-timestamp-millis"}},
{"name":"lts_us","type":{"type":"long","logicalType":"local-timestamp-micros"}},{"name":"uid","type":{"type":"string","logicalType":"uuid"}},
{"name":"home","type":["null","com.example.Address"],"default":null},{"name":"note","type":["null","string"],"default":null}]})";

std::unique_ptr<kc::schema_registry::Decoder> make(const kc::schema_registry::RegisteredSchema& s) {
  auto d = kc::schema_registry::make_avro_decoder(s, {});
  return d ? std::move(*d) : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kc::fuzz::decode_or_parse(data, size, kc::schema_registry::SchemaType::kAvro, kSchema,
                                   make);
}
