#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kc::strings {

std::string_view trim(std::string_view s);
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

// Splits on `sep`, keeping empty parts.
std::vector<std::string_view> split(std::string_view s, char sep);
// Kafka's LIST type: comma-separated, each item trimmed, empty items dropped.
std::vector<std::string> split_list(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Whole-string integer parse; nullopt on junk, overflow or empty input.
template <class Int>
std::optional<Int> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  Int value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}
std::optional<double> parse_double(std::string_view s);
// Java's Boolean parsing as ConfigDef does it: "true"/"false", any case.
std::optional<bool> parse_bool(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace kc::strings

namespace kc::strings {
// Copies `s`, replacing each ill-formed UTF-8 sequence with U+FFFD (as Java's String decoding
// does).
std::string sanitize_utf8(std::string_view s);
// Appends `s` as a quoted JSON string (RFC 8259 escapes; control characters as \u00XX).
void append_json_string(std::string& out, std::string_view s);
// Latin-1 (ISO-8859-1) bytes to UTF-8.
std::string latin1_to_utf8(std::string_view s);
}  // namespace kc::strings
