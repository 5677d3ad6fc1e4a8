#include "libs/kube/core/time.h"

#include <ctime>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::kube {
namespace {

std::optional<int> digits(std::string_view s, size_t pos, size_t count) {
  if (pos + count > s.size()) return std::nullopt;
  return strings::parse_int<int>(s.substr(pos, count));
}

}  // namespace

std::string format_micro_time(WallTime t) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() %
      1'000'000;
  if (micros < 0) micros += 1'000'000;
  auto whole = std::chrono::time_point_cast<std::chrono::seconds>(t);
  if (whole > t) whole -= std::chrono::seconds(1);
  std::string text = format_time(whole);  // "...:SSZ": the fraction goes before the Z
  text.insert(text.size() - 1, fmt::format(".{:06}", micros));
  return text;
}

std::optional<WallTime> parse_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  auto hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  size_t pos = 19;
  std::chrono::microseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    int64_t value = 0;
    int scale = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale < 6) {
        value = value * 10 + (s[pos] - '0');
        ++scale;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (; scale < 6; ++scale) value *= 10;
    fraction = std::chrono::microseconds(value);
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(*year),
                                  std::chrono::month(static_cast<unsigned>(*month)),
                                  std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  WallTime t = std::chrono::sys_days(ymd) + std::chrono::hours(*hour) +
               std::chrono::minutes(*minute) + std::chrono::seconds(*second) -
               std::chrono::minutes(offset_minutes);
  return t + std::chrono::duration_cast<WallTime::duration>(fraction);
}

std::string format_age(std::chrono::seconds age) {
  auto s = age.count();
  if (s < 0) s = 0;
  if (s < 120) return fmt::format("{}s", s);
  if (s < int64_t{2} * 3600) return fmt::format("{}m", s / 60);
  if (s < int64_t{48} * 3600) return fmt::format("{}h", s / 3600);
  return fmt::format("{}d", s / 86400);
}

}  // namespace kc::kube
