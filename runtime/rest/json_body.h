#pragma once

// REST request bodies parsed with bounds: a body's nesting is checked before parsing (nlohmann's
// memory grows with the depth: 6 MB of '[' cost ~210 MB), and objects parse into a sorted map
// rather than ordered_json, whose key lookup is a linear search (n keys would cost n²).
// Pure functions; any thread.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "libs/base/error.h"

namespace kc::rest {

using BodyJson = nlohmann::json;

// Request bodies nest at most this deep (Kafka Connect's deepest, an offsets body, is 4).
constexpr size_t kMaxBodyDepth = 32;

// The deepest nesting of arrays and objects in `text`, scanning no further once it exceeds
// `limit`; brackets inside strings do not count. Malformed input is left to the parser.
size_t nesting_depth(std::string_view text, size_t limit);

// The request body as JSON; kInvalidArgument with the parser's reason when it is not, or when it
// nests deeper than kMaxBodyDepth. Time and memory are linear in the body's size.
Result<BodyJson> parse_body(std::string_view body);

}  // namespace kc::rest
