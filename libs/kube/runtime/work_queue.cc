#include "libs/kube/runtime/work_queue.h"

#include <algorithm>

namespace kc::kube::runtime {

WorkQueue::WorkQueue() : WorkQueue(Options{}) {}

WorkQueue::WorkQueue(Options options) : options_(std::move(options)) {}

void WorkQueue::add_locked(const std::string& key) {
  if (shut_down_) return;
  delayed_.erase(key);
  if (in_flight_.count(key)) {
    dirty_.insert(key);
    return;
  }
  if (queued_.insert(key).second) {
    ready_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mu_);
  add_locked(key);
}

void WorkQueue::add_after(const std::string& key, Clock::duration delay) {
  std::lock_guard lock(mu_);
  if (delay <= Clock::duration::zero()) {
    add_locked(key);
    return;
  }
  if (shut_down_ || queued_.count(key)) return;
  auto at = now() + delay;
  auto [it, inserted] = delayed_.emplace(key, at);
  if (!inserted && at < it->second) it->second = at;
  cv_.notify_all();  // a waiter may need to wake earlier
}

std::chrono::milliseconds WorkQueue::add_rate_limited(const std::string& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mu_);
    auto it = backoff_.try_emplace(key, options_.backoff).first;
    delay = it->second.next();
  }
  add_after(key, delay);
  return delay;
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  backoff_.erase(key);
}

uint32_t WorkQueue::failures(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = backoff_.find(key);
  return it == backoff_.end() ? 0 : it->second.attempts();
}

void WorkQueue::promote_locked(Clock::time_point t) {
  for (auto it = delayed_.begin(); it != delayed_.end();) {
    if (it->second <= t) {
      std::string key = it->first;
      it = delayed_.erase(it);
      add_locked(key);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::pop_locked() {
  if (ready_.empty()) return std::nullopt;
  std::string key = std::move(ready_.front());
  ready_.pop_front();
  queued_.erase(key);
  in_flight_.insert(key);
  return key;
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mu_);
  if (shut_down_) return std::nullopt;
  promote_locked(now());
  return pop_locked();
}

std::optional<std::string> WorkQueue::get(const std::stop_token& stop) {
  std::unique_lock lock(mu_);
  while (!shut_down_ && !stop.stop_requested()) {
    promote_locked(now());
    if (auto key = pop_locked()) return key;
    auto wait = std::chrono::milliseconds(500);
    if (!delayed_.empty()) {
      auto earliest = std::min_element(delayed_.begin(), delayed_.end(),
                                       [](auto& a, auto& b) { return a.second < b.second; });
      auto until = std::chrono::ceil<std::chrono::milliseconds>(earliest->second - now());
      wait = std::clamp(until, std::chrono::milliseconds(1), wait);
    }
    cv_.wait_for(lock, stop, wait, [&] { return shut_down_ || !ready_.empty(); });
  }
  return std::nullopt;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  in_flight_.erase(key);
  if (dirty_.erase(key)) add_locked(key);
}

void WorkQueue::shut_down() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  ready_.clear();
  queued_.clear();
  delayed_.clear();
  cv_.notify_all();
}

size_t WorkQueue::ready_count() {
  std::lock_guard lock(mu_);
  promote_locked(now());
  return ready_.size();
}

size_t WorkQueue::delayed_count() const {
  std::lock_guard lock(mu_);
  return delayed_.size();
}

std::optional<WorkQueue::Clock::time_point> WorkQueue::next_delayed() const {
  std::lock_guard lock(mu_);
  std::optional<Clock::time_point> out;
  for (const auto& [key, at] : delayed_) {
    if (!out || at < *out) out = at;
  }
  return out;
}

}  // namespace kc::kube::runtime
