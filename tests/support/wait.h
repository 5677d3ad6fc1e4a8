#pragma once

#include <chrono>
#include <functional>

namespace kc::testing {

// Polls `predicate` every 10 ms until it is true or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& predicate,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace kc::testing
