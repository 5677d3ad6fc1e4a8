#pragma once

// Wall-clock time as text: the one formatter for RFC 3339 UTC timestamps (Kubernetes' metav1.Time,
// certificate validity in status and logs).

#include <chrono>
#include <cstdint>
#include <string>

namespace kc {

// "2026-01-31T12:00:00Z": whole seconds, UTC (sub-second parts are dropped, not rounded).
std::string format_time(std::chrono::system_clock::time_point t);

// Days since 1970-01-01 for a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t& year, unsigned& month, unsigned& day);

}  // namespace kc
