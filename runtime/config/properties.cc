#include "runtime/config/properties.h"

#include <optional>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::config {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Splits text into logical lines, joining continuations; records each logical line's first line.
struct LogicalLine {
  std::string text;  // with continuation backslashes and following leading whitespace removed
  int line_number;
};

std::vector<LogicalLine> logical_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  int line_number = 0;
  size_t pos = 0;
  std::string current;
  int current_start = 0;
  bool continuing = false;
  while (pos <= text.size()) {
    if (pos == text.size() && !continuing) break;
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view natural = text.substr(pos, end - pos);
    ++line_number;
    pos = end;
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    size_t i = 0;
    while (i < natural.size() && is_space(natural[i])) ++i;
    natural.remove_prefix(i);
    if (!continuing) {
      if (natural.empty() || natural.front() == '#' || natural.front() == '!') {
        if (end == text.size()) break;
        continue;
      }
      current.clear();
      current_start = line_number;
    }
    // An odd number of trailing backslashes continues the line.
    size_t backslashes = 0;
    while (backslashes < natural.size() && natural[natural.size() - 1 - backslashes] == '\\')
      ++backslashes;
    bool continues = backslashes % 2 == 1;
    if (continues) natural.remove_suffix(1);
    current.append(natural);
    if (continues && end < text.size()) {
      continuing = true;
      continue;
    }
    continuing = false;
    out.push_back({current, current_start});
    if (end == text.size()) break;
  }
  return out;
}

// Four hex digits at s[pos..pos+3], if they are there.
std::optional<uint32_t> hex4(std::string_view s, size_t pos) {
  if (pos + 4 > s.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t k = pos; k < pos + 4; ++k) {
    char h = s[k];
    v <<= 4;
    if (h >= '0' && h <= '9') {
      v |= static_cast<uint32_t>(h - '0');
    } else if (h >= 'a' && h <= 'f') {
      v |= static_cast<uint32_t>(h - 'a' + 10);
    } else if (h >= 'A' && h <= 'F') {
      v |= static_cast<uint32_t>(h - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return v;
}

Result<std::string> unescape(std::string_view s, int line) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) {
      out.push_back(c);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        auto unit = hex4(s, i + 1);
        if (!unit)
          return make_error(Errc::kInvalidConfig, "line {}: malformed \\uxxxx encoding", line);
        uint32_t cp = *unit;
        i += 4;
        // A surrogate pair written as two escapes is one code point.
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          auto low = hex4(s, i + 3);
          if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          }
        }
        strings::append_utf8(cp, out);
        break;
      }
      default:
        out.push_back(e);
    }
  }
  return out;
}

}  // namespace

Result<api::RawConfig> parse_properties(std::string_view text) {
  api::RawConfig out;
  for (const auto& line : logical_lines(text)) {
    std::string_view s = line.text;
    // The key ends at the first unescaped '=', ':' or whitespace.
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || is_space(c)) break;
      ++i;
    }
    size_t key_end = std::min(i, s.size());
    while (i < s.size() && is_space(s[i])) ++i;
    if (i < s.size() && (s[i] == '=' || s[i] == ':')) ++i;
    while (i < s.size() && is_space(s[i])) ++i;
    KC_ASSIGN_OR_RETURN(auto key, unescape(s.substr(0, key_end), line.line_number));
    KC_ASSIGN_OR_RETURN(auto value, unescape(s.substr(std::min(i, s.size())), line.line_number));
    out[std::move(key)] = std::move(value);
  }
  return out;
}

}  // namespace kc::config
