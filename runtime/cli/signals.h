#pragma once

#include <chrono>
#include <optional>

namespace kc::cli {

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts afterwards, so they
// are only ever taken by wait_for_signal(). Call first thing in main().
void block_termination_signals();
// Waits up to `timeout` for SIGINT/SIGTERM; returns the signal number if one arrived.
std::optional<int> wait_for_signal(std::chrono::milliseconds timeout);

}  // namespace kc::cli
