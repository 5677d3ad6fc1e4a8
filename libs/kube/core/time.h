#pragma once

// Kubernetes timestamps: RFC 3339 in UTC with second precision ("2026-09-01T12:00:00Z"), the
// format of metav1.Time; MicroTime (Lease renewTime, events.k8s.io) adds microseconds.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "libs/base/time.h"

namespace kc::kube {

using WallTime = std::chrono::system_clock::time_point;

using kc::format_time;                      // "2026-09-01T12:00:00Z" (libs/base/time.h)
std::string format_micro_time(WallTime t);  // "2026-09-01T12:00:00.123456Z"
// Accepts "Z" or "+hh:mm"/"-hh:mm" offsets and an optional fraction; nullopt otherwise.
std::optional<WallTime> parse_time(std::string_view text);
// "5s", "3m", "2h", "4d": how kubectl prints an age.
std::string format_age(std::chrono::seconds age);

}  // namespace kc::kube
