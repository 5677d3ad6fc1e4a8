#include "libs/kube/runtime/sleep.h"

#include <condition_variable>
#include <mutex>

namespace kc::kube::runtime {

bool sleep_for(std::chrono::milliseconds delay, const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace kc::kube::runtime
