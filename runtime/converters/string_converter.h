#pragma once

#include "runtime/api/plugin.h"

namespace kc::converters {

// org.apache.kafka.connect.storage.StringConverter: bytes are text in `converter.encoding`
// (UTF-8, ISO-8859-1 or US-ASCII). Like Java, ill-formed input is not an error: each bad sequence
// becomes U+FFFD. Valid UTF-8 is borrowed, not copied.
api::ConverterPlugin string_converter_plugin();

}  // namespace kc::converters
