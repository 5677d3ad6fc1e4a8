#pragma once

// The few OpenSSL primitives SCRAM and PLAIN need, on binary-safe std::strings.
// Threading: free functions, safe from any thread. Errors: OpenSSL failures return Errc::kInternal;
// malformed base64 returns Errc::kInvalidArgument.

#include <cstddef>
#include <string>
#include <string_view>

#include "libs/base/error.h"

namespace kc::fakes::kafka_edge {

enum class Digest { kSha256, kSha512 };

// Output size of the digest in bytes (32 or 64).
size_t digest_size(Digest digest);
Result<std::string> hash(Digest digest, std::string_view data);
Result<std::string> hmac(Digest digest, std::string_view key, std::string_view data);
// PBKDF2 with HMAC over `digest` (RFC 8018), producing digest_size(digest) bytes: SCRAM's Hi().
Result<std::string> pbkdf2(Digest digest, std::string_view password, std::string_view salt,
                           int iterations);
Result<std::string> random_bytes(size_t n);

// Standard base64 (RFC 4648 section 4) with padding.
std::string base64_encode(std::string_view data);
// Strict: refuses characters outside the alphabet, bad padding and lengths not a multiple of 4.
Result<std::string> base64_decode(std::string_view text);

// Compares in time that depends only on the lengths (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kc::fakes::kafka_edge
