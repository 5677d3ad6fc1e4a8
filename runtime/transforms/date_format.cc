#include "runtime/transforms/date_format.h"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::transforms {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;
constexpr std::string_view kSupported = "yMdDEaHkKhmsSzZX";
constexpr std::string_view kJavaOnly = "GYwWFuL";

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool numeric_letter(char letter, int count) {
  switch (letter) {
    case 'y':
    case 'd':
    case 'D':
    case 'H':
    case 'k':
    case 'K':
    case 'h':
    case 'm':
    case 's':
    case 'S':
      return true;
    case 'M':
      return count < 3;
    default:
      return false;
  }
}

void pad(std::string& out, int64_t value, int count) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0) out.push_back('-');
  for (auto i = static_cast<int>(digits.size()); i < count; ++i) out.push_back('0');
  out += digits;
}

unsigned days_in_month(int64_t year, unsigned month) {
  static constexpr unsigned kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDaysIn[month - 1];
}

}  // namespace

Result<DateFormat> DateFormat::compile(std::string_view pattern) {
  DateFormat f;
  f.pattern_ = std::string(pattern);
  auto literal = [&](std::string_view text) {
    if (f.items_.empty() || f.items_.back().letter != 0) f.items_.push_back({});
    f.items_.back().literal += text;
  };
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        literal("'");
        i += 2;
        continue;
      }
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            text.push_back('\'');
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        text.push_back(pattern[j++]);
      }
      if (!closed) {
        return make_error(Errc::kInvalidConfig, "Unterminated quote in date pattern \"{}\"",
                          pattern);
      }
      literal(text);
      i = j + 1;
      continue;
    }
    if (!is_letter(c)) {
      literal(std::string_view(&pattern[i], 1));
      ++i;
      continue;
    }
    size_t j = i;
    while (j < pattern.size() && pattern[j] == c) ++j;
    int count = static_cast<int>(j - i);
    if (kJavaOnly.find(c) != std::string_view::npos) {
      return make_error(Errc::kInvalidConfig,
                        "Pattern letter '{}' is valid in Java's SimpleDateFormat but not supported "
                        "by kconnect (supported letters: {})",
                        c, kSupported);
    }
    if (kSupported.find(c) == std::string_view::npos) {
      return make_error(Errc::kInvalidConfig, "Illegal pattern character '{}'", c);
    }
    if (c == 'X' && count > 3) {
      return make_error(Errc::kInvalidConfig, "invalid ISO 8601 format: length={}", count);
    }
    f.items_.push_back({c, count, {}});
    i = j;
  }
  return f;
}

std::string DateFormat::format(int64_t ms) const {
  int64_t days = floor_div(ms, kMillisPerDay);
  int64_t of_day = ms - days * kMillisPerDay;
  int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  int64_t hour = of_day / 3'600'000;
  int64_t minute = of_day / 60'000 % 60;
  int64_t second = of_day / 1000 % 60;
  int64_t millis = of_day % 1000;
  std::string out;
  for (const auto& item : items_) {
    switch (item.letter) {
      case 0:
        out += item.literal;
        break;
      case 'y':
        if (item.count == 2) {
          pad(out, ((year % 100) + 100) % 100, 2);
        } else {
          pad(out, year, item.count);
        }
        break;
      case 'M':
        if (item.count >= 4) {
          out += kMonths[month - 1];
        } else if (item.count == 3) {
          out += kMonths[month - 1].substr(0, 3);
        } else {
          pad(out, month, item.count);
        }
        break;
      case 'd':
        pad(out, day, item.count);
        break;
      case 'D':
        pad(out, days - days_from_civil(year, 1, 1) + 1, item.count);
        break;
      case 'E': {
        auto weekday = static_cast<size_t>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
        out += item.count >= 4 ? kDays[weekday] : kDays[weekday].substr(0, 3);
        break;
      }
      case 'a':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'H':
        pad(out, hour, item.count);
        break;
      case 'k':
        pad(out, hour == 0 ? 24 : hour, item.count);
        break;
      case 'K':
        pad(out, hour % 12, item.count);
        break;
      case 'h':
        pad(out, hour % 12 == 0 ? 12 : hour % 12, item.count);
        break;
      case 'm':
        pad(out, minute, item.count);
        break;
      case 's':
        pad(out, second, item.count);
        break;
      case 'S':
        pad(out, millis, item.count);
        break;
      case 'z':
        out += item.count >= 4 ? "Coordinated Universal Time" : "UTC";
        break;
      case 'Z':
        out += "+0000";
        break;
      case 'X':
        out += "Z";
        break;
      default:
        break;
    }
  }
  return out;
}

Result<int64_t> DateFormat::parse(std::string_view text) const {
  auto unparseable = [&](std::string_view why) {
    return make_error(Errc::kData, "Unparseable date: {} (pattern \"{}\")", why, pattern_);
  };
  size_t pos = 0;
  int64_t year = 1970;
  int64_t month = 1, day = 1, day_of_year = -1, hour = 0, minute = 0, second = 0, millis = 0;
  int64_t hour12 = -1;
  int pm = -1;
  int64_t offset_minutes = 0;
  auto read_number = [&](int width, int64_t& out, size_t& digits) -> bool {
    size_t start = pos;
    size_t limit =
        width > 0 ? std::min(text.size(), pos + static_cast<size_t>(width)) : text.size();
    while (pos < limit && text[pos] >= '0' && text[pos] <= '9' && pos - start < 9) ++pos;
    digits = pos - start;
    if (digits == 0 || (width > 0 && digits != static_cast<size_t>(width))) return false;
    out = std::strtoll(std::string(text.substr(start, digits)).c_str(), nullptr, 10);
    return true;
  };
  auto match_name = [&](std::string_view name) {
    if (text.size() - pos >= name.size() && strings::iequals(text.substr(pos, name.size()), name)) {
      pos += name.size();
      return true;
    }
    return false;
  };
  for (size_t i = 0; i < items_.size(); ++i) {
    const Item& item = items_[i];
    if (item.letter == 0) {
      if (text.substr(pos, item.literal.size()) != item.literal) {
        return unparseable("literal text does not match");
      }
      pos += item.literal.size();
      continue;
    }
    bool abutting =
        i + 1 < items_.size() && numeric_letter(items_[i + 1].letter, items_[i + 1].count);
    int width = abutting ? item.count : 0;
    int64_t n = 0;
    size_t digits = 0;
    switch (item.letter) {
      case 'M':
        if (item.count >= 3) {
          bool found = false;
          for (size_t m = 0; m < 12 && !found; ++m) {
            if (match_name(kMonths[m]) || match_name(kMonths[m].substr(0, 3))) {
              month = static_cast<int64_t>(m) + 1;
              found = true;
            }
          }
          if (!found) return unparseable("month name expected");
          continue;
        }
        break;
      case 'E': {
        bool found = false;
        for (size_t d = 0; d < 7 && !found; ++d) {
          found = match_name(kDays[d]) || match_name(kDays[d].substr(0, 3));
        }
        if (!found) return unparseable("day name expected");
        continue;
      }
      case 'a':
        if (match_name("AM")) {
          pm = 0;
        } else if (match_name("PM")) {
          pm = 1;
        } else {
          return unparseable("AM or PM expected");
        }
        continue;
      case 'z':
      case 'Z':
      case 'X': {
        if (pos < text.size() && text[pos] == 'Z') {
          ++pos;
          offset_minutes = 0;
          continue;
        }
        bool named = match_name("UTC") || match_name("GMT");
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
          if (!named) return unparseable("time zone expected");
          offset_minutes = 0;
          continue;
        }
        int64_t sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t hh = 0, mm = 0;
        size_t d = 0;
        if (!read_number(2, hh, d)) return unparseable("time zone hours expected");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && !read_number(2, mm, d)) {
          return unparseable("time zone minutes expected");
        }
        if (hh > 23 || mm > 59) return unparseable("time zone out of range");
        offset_minutes = sign * (hh * 60 + mm);
        continue;
      }
      default:
        break;
    }
    if (!read_number(width, n, digits)) return unparseable("number expected");
    switch (item.letter) {
      case 'y':
        if (item.count <= 2 && digits == 2) {
          // Java's default century: within 80 years before and 20 years after now.
          auto now = std::chrono::system_clock::now().time_since_epoch();
          int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
          int64_t y = 0;
          unsigned mo = 0, da = 0;
          civil_from_days(floor_div(now_ms, kMillisPerDay), y, mo, da);
          int64_t start = y - 80;
          year = start - start % 100 + n;
          if (year < start) year += 100;
        } else {
          year = n;
        }
        break;
      case 'M':
        month = n;
        break;
      case 'd':
        day = n;
        break;
      case 'D':
        day_of_year = n;
        break;
      case 'H':
        hour = n;
        if (n > 23) return unparseable("hour out of range");
        break;
      case 'k':
        if (n < 1 || n > 24) return unparseable("hour out of range");
        hour = n == 24 ? 0 : n;
        break;
      case 'K':
        if (n > 11) return unparseable("hour out of range");
        hour12 = n;
        break;
      case 'h':
        if (n < 1 || n > 12) return unparseable("hour out of range");
        hour12 = n % 12;
        break;
      case 'm':
        minute = n;
        if (n > 59) return unparseable("minute out of range");
        break;
      case 's':
        second = n;
        if (n > 59) return unparseable("second out of range");
        break;
      case 'S':
        millis = n;
        if (n > 999) return unparseable("milliseconds out of range");
        break;
      default:
        break;
    }
  }
  if (hour12 >= 0) hour = hour12 + (pm == 1 ? 12 : 0);
  if (pm == 1 && hour12 < 0 && hour < 12) hour += 12;
  if (month < 1 || month > 12) return unparseable("month out of range");
  int64_t days = 0;
  if (day_of_year >= 0) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day_of_year < 1 || day_of_year > (leap ? 366 : 365)) return unparseable("day out of range");
    days = days_from_civil(year, 1, 1) + day_of_year - 1;
  } else {
    if (day < 1 || day > days_in_month(year, static_cast<unsigned>(month))) {
      return unparseable("day out of range");
    }
    days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  }
  return days * kMillisPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + millis -
         offset_minutes * 60'000;
}

std::string iso_date_string(int64_t ms) {
  static const DateFormat kTime = *DateFormat::compile("HH:mm:ss.SSS'Z'");
  static const DateFormat kDate = *DateFormat::compile("yyyy-MM-dd");
  static const DateFormat kTimestamp = *DateFormat::compile("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
  if (ms < kMillisPerDay) return kTime.format(ms);
  if (ms % kMillisPerDay == 0) return kDate.format(ms);
  return kTimestamp.format(ms);
}

}  // namespace kc::transforms
