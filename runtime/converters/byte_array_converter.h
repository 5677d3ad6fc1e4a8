#pragma once

#include "runtime/api/plugin.h"

namespace kc::converters {

// org.apache.kafka.connect.converters.ByteArrayConverter: bytes pass through untouched, borrowed.
api::ConverterPlugin byte_array_converter_plugin();

}  // namespace kc::converters
