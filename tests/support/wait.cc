#include "tests/support/wait.h"

#include <thread>

namespace kc::testing {

bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= end) return predicate();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace kc::testing
