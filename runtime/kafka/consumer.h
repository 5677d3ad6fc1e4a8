#pragma once

// A group consumer over librdkafka's high-level consumer, for one sink task.
//
// Threading: poll_batch(), subscribe(), pause(), resume() and close() are called from one thread
// (the task's poll thread); rebalance callbacks run on that thread, inside poll_batch()/close().
// commit_sync() may be called from another thread (librdkafka's commit is thread-safe).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/record.h"
#include "runtime/kafka/client_config.h"
#include "runtime/kafka/handles.h"

namespace kc::kafka {

using api::TopicPartition;
using OffsetMap = std::vector<std::pair<TopicPartition, int64_t>>;  // next offset to consume

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  // Before the partitions are added to the assignment: where to start some of them (next offset
  // to consume). Partitions absent start at the group's committed offset (auto.offset.reset
  // without one). Called on the polling thread, inside poll_batch().
  virtual OffsetMap starting_offsets(const std::vector<TopicPartition>& /*partitions*/) {
    return {};
  }
  // After the partitions were added to the assignment.
  virtual void on_assigned(const std::vector<TopicPartition>& partitions) = 0;
  // Before the partitions leave the assignment. `lost`: another member may already own them, so
  // committing for them will fail (librdkafka's rd_kafka_assignment_lost).
  virtual void on_revoked(const std::vector<TopicPartition>& partitions, bool lost) = 0;
};

class Consumer {
 public:
  // librdkafka's error callback (after the error is logged), on one of librdkafka's threads or
  // inside poll_batch(); must be thread-safe and quick.
  using ErrorHandler = std::function<void(rd_kafka_resp_err_t code, const std::string& reason)>;

  // `listener` must outlive the consumer.
  static Result<std::unique_ptr<Consumer>> create(const Properties& properties,
                                                  RebalanceListener* listener,
                                                  ErrorHandler on_error = {});
  ~Consumer();

  // Exactly one of `topics` (names) or `regex` (full-match, Java semantics).
  Status subscribe(const std::vector<std::string>& topics, const std::string& regex);

  // Appends up to `max` messages: waits up to `timeout` for the first, then takes what is ready.
  // Transient consumer errors are logged and skipped; a fatal error is returned.
  // A short batch while a partition is behind its high watermark wakes stalled fetchers: see
  // wake_stalled_fetchers().
  Status poll_batch(std::vector<MessagePtr>& out, size_t max, std::chrono::milliseconds timeout);

  Status pause(const std::vector<TopicPartition>& partitions);
  Status resume(const std::vector<TopicPartition>& partitions);
  const std::vector<TopicPartition>& assignment() const { return assignment_; }

  // Synchronous commit of the given next-offsets.
  Status commit_sync(const OffsetMap& offsets);
  // Committed offsets for `partitions` from the group coordinator (-1001 when none).
  Result<OffsetMap> committed(const std::vector<TopicPartition>& partitions,
                              std::chrono::milliseconds timeout);
  // Cached high watermark (no request); -1 when unknown.
  int64_t high_watermark(const TopicPartition& partition) const;

  // Requests cluster metadata (no topics, no group): proves that this handle reaches a broker
  // with its settings (TLS, SASL) without joining the group. On failure, pending error callbacks
  // are served first, so the error handler has seen librdkafka's reason.
  Status check_connection(std::chrono::milliseconds timeout);

  // Makes a poll_batch() blocked in another thread return at once. Thread-safe.
  void wake();

  // Closes the consumer (revoking everything through the listener). Idempotent.
  //  - kLeave: the member leaves the group, so its partitions move at once. librdkafka's close
  //    alone does not send LeaveGroup for a static member (group.instance.id, KIP-345); that
  //    member would keep its partitions, unconsumed, until session.timeout.ms. So a static member
  //    unsubscribes first, waits (up to 10 s) until librdkafka sent LeaveGroup, then closes.
  //  - kKeep: a static member stays registered, so a new consumer with the same
  //    group.instance.id gets the same partitions back without a rebalance (a rollover). A
  //    dynamic member leaves either way.
  enum class Membership { kLeave, kKeep };
  Status close(Membership membership = Membership::kLeave);

  rd_kafka_t* raw() const { return rk_.get(); }
  std::string member_id() const;

  struct Private {};
  explicit Consumer(Private) {}

 private:
  static void rebalance_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  static void error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  void leave_group();  // a static member's explicit leave (see close)
  // librdkafka 2.0.2 stops fetching a partition once its queue holds queued.max.messages.kbytes
  // (or queued.min.messages) and looks again only when its broker thread wakes up, which with
  // nothing else to do is once a second (2.1 made it fetch.queue.backoff.ms, 1 s by default).
  // A sink slower than the fetcher reaches that limit in every catch-up, and then consumed
  // nothing for up to a second at a time with records waiting on the broker (JSON -> file sink:
  // 240-450k records/s, 1.26M/s in the runs that happened to miss the stalls; bench/RESULTS.md).
  // When a poll comes back short while a partition is behind its high watermark, this asks for
  // the end offsets of the assignment (one ListOffsets per leader, answer ignored): queuing that
  // request wakes each leader's broker thread, which then sees the drained queue and fetches.
  // Looks at most every 100 ms; wakes at most every 100 ms, doubling up to 5 s while the wakes
  // bring no record; never while every lagging partition is paused.
  // With librdkafka >= 2.1, set fetch.queue.backoff.ms low instead and remove this.
  void wake_stalled_fetchers();
  // Whether an unpaused partition of `list` (the assignment; its offsets are overwritten with the
  // positions) is behind its cached high watermark.
  bool behind_high_watermark(rd_kafka_topic_partition_list_t& list) const;

  KafkaPtr rk_;
  QueuePtr queue_;  // the consumer queue poll_batch() waits on, for wake()
  RebalanceListener* listener_ = nullptr;
  ErrorHandler on_error_;
  std::vector<TopicPartition> assignment_;
  bool closed_ = false;
  bool static_member_ = false;  // group.instance.id is set
  std::vector<TopicPartition> paused_;
  static constexpr std::chrono::milliseconds kFetchWakeMinInterval{100};
  static constexpr std::chrono::milliseconds kFetchWakeMaxInterval{5000};
  std::chrono::steady_clock::time_point next_fetch_wake_{};
  std::chrono::milliseconds fetch_wake_interval_ = kFetchWakeMinInterval;
};

// Converts between kconnect's partition lists and librdkafka's.
PartitionListPtr to_partition_list(const std::vector<TopicPartition>& partitions);
std::vector<TopicPartition> from_partition_list(const rd_kafka_topic_partition_list_t* list);

}  // namespace kc::kafka
