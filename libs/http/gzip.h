#pragma once

// gzip (RFC 1952) bodies for "Content-Encoding: gzip" (RFC 9110 section 8.4.1.3), over zlib.
// Pure functions, thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "libs/base/error.h"

namespace kc::http {

// `data` as one gzip member. `level`: zlib's 1 (fastest) .. 9 (smallest); -1 its default (6).
std::string gzip_compress(std::string_view data, int level = -1);

// The data of one or more concatenated gzip members. Errors (kData): not gzip, truncated or
// corrupt, or more than `max_bytes` once decompressed.
Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes);

}  // namespace kc::http
