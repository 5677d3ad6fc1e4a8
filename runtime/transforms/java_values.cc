#include "runtime/transforms/java_values.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "libs/base/strings.h"

namespace kc::transforms::java {

std::optional<int64_t> parse_integer(std::string_view s, int64_t min, int64_t max) {
  if (s.empty()) return std::nullopt;
  bool negative = s.front() == '-';
  if (s.front() == '+' || s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
  int64_t v = 0;
  if (negative) {
    if (magnitude > kMinMagnitude) return std::nullopt;
    v = magnitude == kMinMagnitude ? std::numeric_limits<int64_t>::min()
                                   : -static_cast<int64_t>(magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    v = static_cast<int64_t>(magnitude);
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  // Java trims characters <= ' ' before parsing.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  bool negative = s.front() == '-';
  std::string_view body = s;
  if (body.front() == '+' || body.front() == '-') body.remove_prefix(1);
  if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (body == "Infinity") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  char last = body.empty() ? '\0' : body.back();
  if (last == 'f' || last == 'F' || last == 'd' || last == 'D') body.remove_suffix(1);
  if (body.empty() || body.front() == '+' || body.front() == '-') return std::nullopt;
  // from_chars accepts "inf"/"nan" spellings Java does not.
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return std::nullopt;
    }
  }
  // strtod (not from_chars) so that overflow gives infinity and underflow zero, as in Java.
  std::string copy(body);
  char* end = nullptr;
  double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return negative ? -d : d;
}

int64_t double_to_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

int32_t double_to_int(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (d <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(d);
}

float double_to_float(double d) {
  constexpr double kMax = static_cast<double>(std::numeric_limits<float>::max());
  if (d > kMax) return std::numeric_limits<float>::infinity();
  if (d < -kMax) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(d);
}

namespace {

// Lays out shortest round-trip digits the way Java's Double.toString does.
template <class F>
std::string java_float_string(F value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));  // "-1.2345e+06"
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  F magnitude = value < 0 ? -value : value;
  if (magnitude >= F(1e-3) && magnitude < F(1e7)) {
    if (exponent >= 0) {
      auto int_len = static_cast<size_t>(exponent) + 1;
      while (digits.size() < int_len) digits.push_back('0');
      out += digits.substr(0, int_len);
      out.push_back('.');
      std::string frac = digits.substr(int_len);
      out += frac.empty() ? "0" : frac;
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out.push_back(digits[0]);
  out.push_back('.');
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += "E";
  out += std::to_string(exponent);
  return out;
}

}  // namespace

std::string double_to_string(double d) { return java_float_string(d); }
std::string float_to_string(float f) { return java_float_string(f); }

api::Value parse_literal(std::string_view text, api::Type& type) {
  using api::Type;
  using api::Value;
  std::string_view t = strings::trim(text);
  if (strings::iequals(t, "true") || strings::iequals(t, "false")) {
    type = Type::kBoolean;
    return Value::boolean(strings::iequals(t, "true"));
  }
  if (auto n = parse_integer(t, std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max())) {
    if (*n >= INT8_MIN && *n <= INT8_MAX) {
      type = Type::kInt8;
    } else if (*n >= INT16_MIN && *n <= INT16_MAX) {
      type = Type::kInt16;
    } else if (*n >= INT32_MIN && *n <= INT32_MAX) {
      type = Type::kInt32;
    } else {
      type = Type::kInt64;
    }
    return Value::integer(type, *n);
  }
  bool numeric = !t.empty();
  for (char c : t) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      numeric = false;
    }
  }
  if (numeric) {
    if (auto d = parse_double(t); d && std::isfinite(*d)) {
      if (std::fabs(*d) <= static_cast<double>(std::numeric_limits<float>::max())) {
        type = Type::kFloat32;
        return Value::float32(static_cast<float>(*d));
      }
      type = Type::kFloat64;
      return Value::float64(*d);
    }
  }
  type = Type::kString;
  return Value::string(std::string(text));
}

}  // namespace kc::transforms::java
