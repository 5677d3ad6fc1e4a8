#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kc::base64 {

// Standard alphabet with padding (RFC 4648 section 4), as Java's Base64.getEncoder().
std::string encode(std::string_view bytes);
// Accepts padded or unpadded input; nullopt on characters outside the alphabet.
std::optional<std::string> decode(std::string_view text);

}  // namespace kc::base64
