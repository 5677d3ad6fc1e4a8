#pragma once

#include <chrono>
#include <stop_token>

namespace kc::kube::runtime {

// Waits for `delay` or until `stop` is requested, whichever comes first. Returns false when
// stopped. For the runtime's own threads (watcher retries, lease renewals, resync).
bool sleep_for(std::chrono::milliseconds delay, const std::stop_token& stop);

}  // namespace kc::kube::runtime
