// libFuzzer target: REST request bodies (runtime/rest/json_body.h), the parse every POST/PUT/PATCH
// handler starts with.
//
// Checks beyond "no crash, no sanitizer report": nesting_depth agrees with the parsed document's
// depth whenever the body parses (so the bound cannot be dodged by brackets the scanner
// misreads); a parsed body is never deeper than kMaxBodyDepth; and the parsed document takes at
// most kMaxBytesPerInputByte times the input (ASan's allocator counts the bytes), so a memory
// blow-up is a finding even below -rss_limit_mb (./dev fuzz sets that and -max_len too).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <sanitizer/allocator_interface.h>

#include "runtime/rest/json_body.h"

namespace {

// The worst honest case: "[[],[],...]" costs a 16-byte value, a vector and its spare capacity for
// every 3 input bytes (~25x). The probe that cost ~210 MB for 6 MB was 35x and unbounded in depth.
constexpr size_t kMaxBytesPerInputByte = 40;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

size_t depth(const kc::rest::BodyJson& value) {
  if (!value.is_structured()) return 0;
  size_t deepest = 0;
  for (const auto& item : value) deepest = std::max(deepest, depth(item));
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  size_t before = __sanitizer_get_current_allocated_bytes();
  auto parsed = kc::rest::parse_body(body);
  if (!parsed) return 0;
  size_t held = __sanitizer_get_current_allocated_bytes() - before;
  check(held <= kMaxBytesPerInputByte * size + 4096);
  size_t actual = depth(*parsed);
  check(actual <= kc::rest::kMaxBodyDepth);
  check(kc::rest::nesting_depth(body, kc::rest::kMaxBodyDepth) == actual);
  // What handlers do next: objects of scalars become configs.
  if (parsed->is_object()) {
    for (const auto& [key, value] : parsed->items()) {
      if (value.is_primitive()) (void)value.dump();
    }
  }
  return 0;
}
