#include "runtime/rest/json_body.h"

#include <algorithm>

namespace kc::rest {

size_t nesting_depth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size() && deepest <= limit; ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<BodyJson> parse_body(std::string_view body) {
  if (nesting_depth(body, kMaxBodyDepth) > kMaxBodyDepth) {
    return make_error(Errc::kInvalidArgument,
                      "Request body is nested deeper than {} levels of arrays and objects",
                      kMaxBodyDepth);
  }
  // nlohmann's lexer takes a NUL byte for the end of input and would accept whatever follows it;
  // valid JSON has none (not even in strings, where control characters must be escaped).
  auto parsed = body.find('\0') == std::string_view::npos ? BodyJson::parse(body, nullptr, false)
                                                          : BodyJson(BodyJson::value_t::discarded);
  if (parsed.is_discarded()) {
    return make_error(Errc::kInvalidArgument, "Request body is not valid JSON{}",
                      body.empty() ? " (it is empty)" : "");
  }
  return parsed;
}

}  // namespace kc::rest
