#include "libs/tls/expiry.h"

#include <fmt/format.h>

namespace kc::tls {
namespace {

std::string human(std::chrono::seconds s) {
  constexpr int64_t kHour = 3600;
  constexpr int64_t kDay = 24 * kHour;
  int64_t n = s.count();
  if (n >= 2 * kDay) return fmt::format("{} days", n / kDay);
  if (n >= 2 * kHour) return fmt::format("{} hours", n / kHour);
  if (n >= 120) return fmt::format("{} minutes", n / 60);
  return fmt::format("{} seconds", n);
}

}  // namespace

std::string ExpiryWarning::message() const {
  std::string where = describe_input(input.label, input.file);
  if (remaining.count() < 0) {
    return fmt::format("certificate '{}' in {} expired at {}", input.subject, where,
                       format_time(input.not_after));
  }
  return fmt::format("certificate '{}' in {} expires at {} (in {})", input.subject, where,
                     format_time(input.not_after), human(remaining));
}

std::vector<ExpiryWarning> expiring_soon(const std::vector<InputExpiry>& expiries, SystemTime now,
                                         std::chrono::seconds threshold) {
  std::vector<ExpiryWarning> out;
  for (const auto& e : expiries) {
    auto remaining = std::chrono::duration_cast<std::chrono::seconds>(e.not_after - now);
    if (remaining <= threshold) out.push_back({e, remaining});
  }
  return out;
}

}  // namespace kc::tls
