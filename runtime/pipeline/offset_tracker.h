#pragma once

// Which offsets a sink task may commit.
//
// Guarantees
//  - A partition's commit position only ever covers records that were handed to the sink (or
//    otherwise fully handled: filtered, tolerated) *and* flushed: the task calls delivered() as it
//    puts records, and takes committable() only after Sink::flush() returned ok.
//  - Positions are "next offset to consume" (offset + 1), as Kafka commits them.
//  - A record the task could not handle is never covered: it stops the partition's position
//    before its offset (the task fails), or the record is held (hold()) until its dead-letter
//    queue write is acknowledged (release()): until then the partition's commit position stays
//    at or below the held offset, even when later records were delivered and flushed.
// Caveats
//  - Not thread-safe: owned by the task's sink thread.
//  - Offsets are assumed to increase within a partition (Kafka's ordering); a lower offset
//    (a replay after a rewind) is ignored until the position catches up.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "runtime/api/record.h"
#include "runtime/api/sink.h"

namespace kc::pipeline {

using api::TopicPartition;
using OffsetMap = std::vector<std::pair<TopicPartition, int64_t>>;

class OffsetTracker {
 public:
  // The record at `offset` was handed to the sink (or handled without it).
  void delivered(const TopicPartition& tp, int64_t offset);
  // The record at `offset` is handled once an acknowledgement arrives (its dead-letter queue
  // write): the partition's commit position stays at or below `offset` until release().
  void hold(const TopicPartition& tp, int64_t offset);
  void release(const TopicPartition& tp, int64_t offset);
  // Records held and not yet released, over all partitions.
  size_t held() const;
  // Positions that moved since the last mark_committed(): what to commit after a flush. A
  // partition with held records commits at most up to the first of them.
  OffsetMap committable() const;
  void mark_committed(const OffsetMap& offsets);
  // Forget partitions that left the assignment.
  void remove(const std::vector<TopicPartition>& partitions);

  // Last committed position, or -1 when nothing was committed by this task.
  int64_t committed(const TopicPartition& tp) const;
  // Delivered position (next offset), or -1.
  int64_t position(const TopicPartition& tp) const;
  // Delivered positions of every partition with a delivered record (what Sink::flush is told).
  api::Offsets positions() const;

 private:
  struct State {
    int64_t delivered = -1;  // next offset after the last delivered record
    int64_t committed = -1;
    std::set<int64_t> held;
    int64_t commit_position() const {
      return held.empty() ? delivered : std::min(delivered, *held.begin());
    }
  };
  std::map<TopicPartition, State> partitions_;
};

}  // namespace kc::pipeline
