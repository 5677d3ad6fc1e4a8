#pragma once

#include "runtime/api/plugin.h"

namespace kc::converters {

// org.apache.kafka.connect.storage.SimpleHeaderConverter, the default header.converter.
// Serialized headers are UTF-8 text; valid UTF-8 becomes a string value, anything else bytes.
// (Kafka additionally infers numbers, booleans, maps and lists from the text; kconnect does not:
// transforms that need a typed header value convert it explicitly.)
api::ConverterPlugin simple_header_converter_plugin();

}  // namespace kc::converters
