#pragma once

#include "runtime/api/plugin.h"

namespace kc::converters {

// org.apache.kafka.connect.json.JsonConverter.
//
// schemas.enable=true (the default): every message must be exactly {"schema": ..., "payload": ...};
// the payload is converted as the schema says (Connect's JSON schema format), and type mismatches
// are data errors. schemas.enable=false: any JSON. Objects and arrays are validated (simdjson) but
// not materialized: the value is kRawJson borrowing the message bytes, so a sink that writes JSON
// copies them once. Decimals read with decimal.format=NUMERIC become float64 (documented limit).
api::ConverterPlugin json_converter_plugin();

}  // namespace kc::converters
