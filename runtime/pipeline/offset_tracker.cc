#include "runtime/pipeline/offset_tracker.h"

#include <algorithm>

namespace kc::pipeline {

void OffsetTracker::delivered(const TopicPartition& tp, int64_t offset) {
  auto& state = partitions_[tp];
  if (offset + 1 > state.delivered) state.delivered = offset + 1;
}

void OffsetTracker::hold(const TopicPartition& tp, int64_t offset) {
  partitions_[tp].held.insert(offset);
}

void OffsetTracker::release(const TopicPartition& tp, int64_t offset) {
  auto it = partitions_.find(tp);
  if (it != partitions_.end()) it->second.held.erase(offset);
}

size_t OffsetTracker::held() const {
  size_t n = 0;
  for (const auto& [tp, state] : partitions_) n += state.held.size();
  return n;
}

OffsetMap OffsetTracker::committable() const {
  OffsetMap out;
  for (const auto& [tp, state] : partitions_) {
    auto position = state.commit_position();
    if (position > state.committed) out.emplace_back(tp, position);
  }
  return out;
}

void OffsetTracker::mark_committed(const OffsetMap& offsets) {
  for (const auto& [tp, offset] : offsets) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end() && offset > it->second.committed) it->second.committed = offset;
  }
}

void OffsetTracker::remove(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) partitions_.erase(tp);
}

int64_t OffsetTracker::committed(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? -1 : it->second.committed;
}

int64_t OffsetTracker::position(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? -1 : it->second.delivered;
}

api::Offsets OffsetTracker::positions() const {
  api::Offsets out;
  for (const auto& [tp, state] : partitions_) {
    if (state.delivered >= 0) out.emplace(tp, state.delivered);
  }
  return out;
}

}  // namespace kc::pipeline
