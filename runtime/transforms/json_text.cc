#include "runtime/transforms/json_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "libs/base/strings.h"

namespace kc::transforms::json_text {
namespace {

using api::Type;
using api::Value;

inline const char* skip_space(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  return p;
}

// At an opening quote: past the closing quote, or nullptr.
inline const char* skip_string(const char* p, const char* end, bool& escaped) {
  ++p;
  while (p < end) {
    char c = *p;
    if (c == '"') return p + 1;
    if (c == '\\') {
      escaped = true;
      p += 2;
    } else {
      ++p;
    }
  }
  return nullptr;
}

// After a member's value: 1 when a comma follows (`p` moves past it), 0 when the object closes
// there and nothing but whitespace follows, -1 otherwise.
int after_member(const char*& p, const char* end) {
  p = skip_space(p, end);
  if (p >= end) return -1;
  if (*p == ',') {
    p = skip_space(p + 1, end);
    return 1;
  }
  if (*p != '}') return -1;
  return skip_space(p + 1, end) == end ? 0 : -1;
}

// Past one value, or nullptr.
const char* skip_value(const char* p, const char* end) {
  if (p >= end) return nullptr;
  char c = *p;
  if (c == '"') {
    bool escaped = false;
    return skip_string(p, end, escaped);
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    while (p < end) {
      c = *p;
      if (c == '"') {
        bool escaped = false;
        p = skip_string(p, end, escaped);
        if (!p) return nullptr;
        continue;
      }
      ++p;
      if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return p;
      }
    }
    return nullptr;
  }
  const char* start = p;
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' &&
         *p != '\t') {
    ++p;
  }
  return p == start ? nullptr : p;
}

// A hand-written parser for one level of JSON: the text has been validated by simdjson already
// (kRawJson's contract), but every step still checks bounds and reports malformed input instead
// of trusting it. Hot path for schemaless transforms, so no Result<> per value: the first error is
// kept in `error_` and parsing stops.
class Parser {
 public:
  Parser(std::string_view text, bool borrow)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), borrow_(borrow) {}

  Result<Value> top() {
    skip_ws();
    Value v;
    if (p_ < end_ && *p_ == '{') {
      v = object();
    } else if (p_ < end_ && *p_ == '[') {
      v = array();
    } else {
      v = scalar_or_nested(/*nested=*/false);
    }
    skip_ws();
    if (!error_ && p_ != end_) fail("unexpected text after the value");
    if (error_) {
      return make_error(Errc::kData, "invalid JSON: {} at offset {}", error_,
                        static_cast<size_t>(error_at_ - begin_));
    }
    return v;
  }

 private:
  void fail(const char* what) {
    if (!error_) {
      error_ = what;
      error_at_ = p_;
    }
    p_ = end_;
  }

  void skip_ws() { p_ = skip_space(p_, end_); }

  // At an opening quote: the raw contents; sets `escaped` when they contain a backslash.
  std::string_view raw_string(bool& escaped) {
    const char* start = p_ + 1;
    escaped = false;
    const char* after = skip_string(p_, end_, escaped);
    if (!after) {
      fail("unterminated string");
      return {};
    }
    p_ = after;
    return {start, static_cast<size_t>(after - 1 - start)};
  }

  static bool hex4(std::string_view raw, size_t at, uint32_t& v) {
    if (at + 4 > raw.size()) return false;
    auto [ptr, ec] = std::from_chars(raw.data() + at, raw.data() + at + 4, v, 16);
    return ec == std::errc() && ptr == raw.data() + at + 4;
  }

  std::string unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (++i >= raw.size()) {
        fail("bad escape");
        return out;
      }
      // The one-character escapes and what they stand for.
      constexpr std::string_view kEscape = "\"\\/bfnrt";
      constexpr std::string_view kMeaning = "\"\\/\b\f\n\r\t";
      if (size_t k = kEscape.find(raw[i]); k != std::string_view::npos) {
        out.push_back(kMeaning[k]);
        continue;
      }
      uint32_t code = 0;
      if (raw[i] != 'u' || !hex4(raw, i + 1, code)) {
        fail("bad escape");
        return out;
      }
      i += 4;
      uint32_t low = 0;
      if (code >= 0xD800 && code <= 0xDBFF && i + 2 < raw.size() && raw[i + 1] == '\\' &&
          raw[i + 2] == 'u' && hex4(raw, i + 3, low) && low >= 0xDC00 && low <= 0xDFFF) {
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        i += 6;
      }
      if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;  // unpaired surrogate
      strings::append_utf8(code, out);
    }
    return out;
  }

  Value string_value() {
    bool escaped = false;
    std::string_view raw = raw_string(escaped);
    if (!escaped) return borrow_ ? Value::string_view(raw) : Value::string(std::string(raw));
    return Value::string(unescape(raw));
  }

  // Skips a nested object or array, returning its text.
  std::string_view container_span() {
    const char* start = p_;
    const char* after = skip_value(p_, end_);
    if (!after) {
      fail("unterminated object or array");
      return {};
    }
    p_ = after;
    return {start, static_cast<size_t>(after - start)};
  }

  Value number() {
    const char* start = p_;
    bool integral = true;
    while (p_ < end_) {
      char c = *p_;
      if (c >= '0' && c <= '9') {
        ++p_;
      } else if (c == '-' || c == '+') {
        ++p_;
      } else if (c == '.' || c == 'e' || c == 'E') {
        integral = false;
        ++p_;
      } else {
        break;
      }
    }
    if (start == p_) {
      fail("unexpected character");
      return {};
    }
    if (integral) {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(start, p_, n);
      if (ec == std::errc() && ptr == p_) return Value::int64(n);
    }
    double d = 0;
    auto [ptr, ec] = std::from_chars(start, p_, d);
    if (ptr != p_ || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      fail("bad number");
      return {};
    }
    return Value::float64(d);
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  Value scalar_or_nested(bool nested) {
    if (p_ >= end_) {
      fail("unexpected end");
      return {};
    }
    switch (*p_) {
      case '{':
      case '[': {
        if (!nested) return *p_ == '{' ? object() : array();
        std::string_view span = container_span();
        return borrow_ ? Value::raw_json_view(span) : Value::raw_json(std::string(span));
      }
      case '"':
        return string_value();
      case 't':
        if (literal("true")) return Value::boolean(true);
        break;
      case 'f':
        if (literal("false")) return Value::boolean(false);
        break;
      case 'n':
        if (literal("null")) return {};
        break;
      default:
        return number();
    }
    fail("unexpected character");
    return {};
  }

  // After a value: true for ',', false for `close` (or an error).
  bool next(char close) {
    skip_ws();
    if (p_ < end_) {
      char c = *p_++;
      if (c == ',') return true;
      if (c == close) return false;
    }
    fail(close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    return false;
  }

  Value object() {
    ++p_;  // '{'
    Value::MapEntries entries;
    entries.reserve(12);  // room for a few inserted fields without reallocating
    skip_ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return Value::map(std::move(entries));
    }
    do {
      skip_ws();
      if (p_ >= end_ || *p_ != '"') {
        fail("expected a string key");
        break;
      }
      Value key = string_value();
      skip_ws();
      if (p_ >= end_ || *p_ != ':') {
        fail("expected ':'");
        break;
      }
      ++p_;
      skip_ws();
      entries.emplace_back(std::move(key), scalar_or_nested(/*nested=*/true));
    } while (next('}'));
    return Value::map(std::move(entries));
  }

  Value array() {
    ++p_;  // '['
    Value::Array items;
    skip_ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return Value::array(std::move(items));
    }
    do {
      skip_ws();
      items.push_back(scalar_or_nested(/*nested=*/true));
    } while (next(']'));
    return Value::array(std::move(items));
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  bool borrow_;
  const char* error_ = nullptr;
  const char* error_at_ = nullptr;
};

}  // namespace

Result<api::Value> parse_shallow(std::string_view text, bool borrow) {
  return Parser(text, borrow).top();
}

// scan() for flat objects without backslashes: every quote then delimits a string, so one
// pass collecting quote positions (16 bytes at a time) indexes every key and string value. False
// when the text is not such an object (the caller then takes the general walk).
bool ObjectIndex::scan_flat(std::string_view text) {
  constexpr size_t kMaxQuotes = 512;
  uint32_t quotes[kMaxQuotes];
  size_t count = 0;
  const char* data = text.data();
  const size_t n = text.size();
  const char* first = skip_space(data, data + n);
  if (first >= data + n || *first != '{') return false;
  size_t i = static_cast<size_t>(first - data) + 1;
  const size_t start = i;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i brace = _mm_set1_epi8('{');
  const __m128i bracket = _mm_set1_epi8('[');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, brace), _mm_cmpeq_epi8(v, bracket)),
                               _mm_cmpeq_epi8(v, backslash));
    if (_mm_movemask_epi8(bad) != 0) return false;
    auto q = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
    while (q != 0) {
      if (count == kMaxQuotes) return false;
      quotes[count++] = static_cast<uint32_t>(i + static_cast<size_t>(__builtin_ctz(q)));
      q &= q - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    char c = data[i];
    if (c == '{' || c == '[' || c == '\\') return false;
    if (c == '"') {
      if (count == kMaxQuotes) return false;
      quotes[count++] = static_cast<uint32_t>(i);
    }
  }
  count_ = 0;
  const char* end = data + n;
  const char* p = skip_space(data + start, end);
  size_t qi = 0;
  if (p < end && *p == '}') return skip_space(p + 1, end) == end;
  while (true) {
    auto at = static_cast<size_t>(p - data);
    if (qi + 1 >= count || quotes[qi] != at) return false;
    RawField f;
    f.key = text.substr(at + 1, quotes[qi + 1] - at - 1);
    p = skip_space(data + quotes[qi + 1] + 1, end);
    qi += 2;
    if (p >= end || *p != ':') return false;
    p = skip_space(p + 1, end);
    if (p >= end) return false;
    at = static_cast<size_t>(p - data);
    if (*p == '"') {
      if (qi + 1 >= count || quotes[qi] != at) return false;
      f.value = text.substr(at, quotes[qi + 1] + 1 - at);
      p = data + quotes[qi + 1] + 1;
      qi += 2;
    } else {
      const char* value_end = skip_value(p, end);
      if (!value_end) return false;
      f.value = text.substr(at, static_cast<size_t>(value_end - p));
      p = value_end;
    }
    add(f);
    int next = after_member(p, end);
    if (next == 1) continue;
    return next == 0 && qi == count;
  }
}

bool ObjectIndex::scan(std::string_view text) { return scan_flat(text) || scan_general(text); }

bool ObjectIndex::scan_general(std::string_view text) {
  count_ = 0;
  const char* end = text.data() + text.size();
  const char* p = skip_space(text.data(), end);
  if (p >= end || *p != '{') return false;
  p = skip_space(p + 1, end);
  if (p < end && *p == '}') return skip_space(p + 1, end) == end;
  while (true) {
    if (p >= end || *p != '"') return false;
    RawField f;
    const char* key_start = p + 1;
    p = skip_string(p, end, f.key_escaped);
    if (!p) return false;
    f.key = std::string_view(key_start, static_cast<size_t>(p - 1 - key_start));
    p = skip_space(p, end);
    if (p >= end || *p != ':') return false;
    p = skip_space(p + 1, end);
    const char* value_start = p;
    p = skip_value(p, end);
    if (!p) return false;
    f.value = std::string_view(value_start, static_cast<size_t>(p - value_start));
    add(f);
    int next = after_member(p, end);
    if (next == 1) continue;
    return next == 0;
  }
}

api::Type peek_type(std::string_view text) {
  for (char c : text) {
    switch (c) {
      case ' ':
      case '\n':
      case '\r':
      case '\t':
        continue;
      case '{':
        return Type::kMap;
      case '[':
        return Type::kArray;
      case '"':
        return Type::kString;
      case 't':
      case 'f':
        return Type::kBoolean;
      case 'n':
        return Type::kNull;
      default:
        return Type::kFloat64;
    }
  }
  return Type::kNull;
}

}  // namespace kc::transforms::json_text
