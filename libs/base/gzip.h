#pragma once

// gzip (RFC 1952) in memory, over zlib: request bodies that a service expects compressed (Azure
// Data Explorer's ingestion blobs and streaming requests).

#include <cstddef>
#include <string>
#include <string_view>

#include "libs/base/error.h"

namespace kc::gzip {

// `data` as one gzip member (zlib's default level unless told otherwise, 1..9).
std::string compress(std::string_view data, int level = 6);

// Every member of `data`, concatenated. Errors: kData for anything that is not gzip, or that
// would inflate to more than `max_bytes`.
Result<std::string> decompress(std::string_view data, size_t max_bytes = size_t{1} << 30);

}  // namespace kc::gzip
