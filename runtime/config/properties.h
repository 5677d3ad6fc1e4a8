#pragma once

// Java .properties parsing (java.util.Properties#load): `key=value`, `key: value`, `key value`;
// `#` and `!` comments; backslash line continuation; escapes \t \n \r \f \uXXXX and \<char>.
// Later duplicates win, as in Java.

#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"

namespace kc::config {

// Errors (Errc::kInvalidConfig) name the line: "line 7: malformed \uxxxx encoding".
Result<api::RawConfig> parse_properties(std::string_view text);

}  // namespace kc::config
