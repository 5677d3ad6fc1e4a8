#pragma once

// Wall-clock time as text: the one formatter for RFC 3339 UTC timestamps (Kubernetes' metav1.Time,
// certificate validity in status and logs).

#include <chrono>
#include <string>

namespace kc {

// "2026-01-31T12:00:00Z": whole seconds, UTC (sub-second parts are dropped, not rounded).
std::string format_time(std::chrono::system_clock::time_point t);

}  // namespace kc
