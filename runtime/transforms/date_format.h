#pragma once

// The part of java.text.SimpleDateFormat that TimestampConverter, TimestampRouter and Cast need,
// always in UTC (Kafka sets the formats' time zone to UTC).
//
// Supported pattern letters: y (year; yy = two digits), M (month: M/MM number, MMM "Jan", MMMM
// "January"), d (day of month), D (day of year), E (day name: "Mon", EEEE "Monday"), a (AM/PM),
// H (0-23), k (1-24), K (0-11), h (1-12), m, s, S (milliseconds, zero-padded to the count),
// z (time zone name: "UTC"), Z (RFC 822: "+0000"), X (ISO 8601: "Z"; parses Z, +hh, +hhmm,
// +hh:mm). Text in single quotes is literal ('' is a quote); other non-letters are literal.
// Java's other letters (G, Y, w, W, F, u, L) are refused with a clear error, as are letters Java
// does not know.
//
// Caveats (differences from Java): parsing is strict (Java's default lenient mode rolls over
// out-of-range fields such as month 13; here they are errors); like Java, text after the pattern
// is ignored when parsing; abutting numeric fields ("yyyyMMdd") are read with their pattern widths;
// English names only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/base/time.h"

namespace kc::transforms {

class DateFormat {
 public:
  // Errors (Errc::kInvalidConfig) name the offending letter or quote.
  static Result<DateFormat> compile(std::string_view pattern);

  // Milliseconds since the epoch (may be negative) as text in UTC.
  std::string format(int64_t epoch_millis) const;
  // Text to milliseconds since the epoch. Errors are Errc::kData and do not quote the text.
  Result<int64_t> parse(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Item {
    char letter = 0;  // 0 for literal text
    int count = 0;
    std::string literal;
  };
  std::string pattern_;
  std::vector<Item> items_;
};

// Connect's Values.dateFormatFor(date).format(date) in UTC: "HH:mm:ss.SSS'Z'" below one day,
// "yyyy-MM-dd" at midnight, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" otherwise.
std::string iso_date_string(int64_t epoch_millis);

}  // namespace kc::transforms
