#pragma once

// The queue between a task's poll thread and its sink thread: FIFO, accounted in bytes so the
// poll thread can apply backpressure (pause partitions) when the sink falls behind. Control items
// (revoke, shutdown) travel in the same order as data, so "everything before this" is well
// defined. Thread-safe: one producer (poll thread), one consumer (sink thread); the producer may
// wait for the consumer to drain it.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace kc::pipeline {

template <class Item>
class HandoffQueue {
 public:
  void push(Item item, size_t bytes) {
    {
      std::lock_guard lock(mu_);
      items_.push_back({std::move(item), bytes});
      bytes_ += bytes;
    }
    cv_.notify_one();
  }

  // Waits until an item is available or `deadline` passes.
  std::optional<Item> pop(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, deadline, [&] { return !items_.empty(); })) return std::nullopt;
    auto entry = std::move(items_.front());
    items_.pop_front();
    bytes_ -= entry.bytes;
    lock.unlock();
    drained_.notify_all();
    return std::move(entry.item);
  }

  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }

  // Waits until at most `bytes` are queued, `deadline` passes or interrupt() is called; returns
  // whether the queue is at or below `bytes`.
  bool wait_at_most(size_t bytes, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    drained_.wait_until(lock, deadline, [&] { return bytes_ <= bytes || interrupted_; });
    return bytes_ <= bytes;
  }

  // Wakes wait_at_most() callers (shutdown).
  void interrupt() {
    {
      std::lock_guard lock(mu_);
      interrupted_ = true;
    }
    drained_.notify_all();
  }

 private:
  struct Entry {
    Item item;
    size_t bytes;
  };
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable drained_;
  bool interrupted_ = false;
  std::deque<Entry> items_;
  size_t bytes_ = 0;
};

}  // namespace kc::pipeline
