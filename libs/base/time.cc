#include "libs/base/time.h"

#include <ctime>

#include <fmt/format.h>

namespace kc {

std::string format_time(std::chrono::system_clock::time_point t) {
  auto whole = std::chrono::floor<std::chrono::seconds>(t);
  std::time_t secs = std::chrono::system_clock::to_time_t(whole);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace kc
