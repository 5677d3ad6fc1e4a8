#include "runtime/kafka/consumer.h"

#include <algorithm>
#include <cstring>

#include "libs/base/log.h"
#include "runtime/kafka/errors.h"

namespace kc::kafka {
namespace {
auto& logger() {
  static auto& log = kc::log::get("kc.kafka.consumer");
  return log;
}
}  // namespace

PartitionListPtr to_partition_list(const std::vector<TopicPartition>& partitions) {
  auto list = new_partition_list(static_cast<int>(partitions.size()));
  for (const auto& tp : partitions)
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  return list;
}

std::vector<TopicPartition> from_partition_list(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (!list) return out;
  out.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

Result<std::unique_ptr<Consumer>> Consumer::create(const Properties& properties,
                                                   RebalanceListener* listener,
                                                   ErrorHandler on_error) {
  KC_ASSIGN_OR_RETURN(auto conf, make_conf(properties));
  auto consumer = std::make_unique<Consumer>(Private{});
  consumer->listener_ = listener;
  consumer->on_error_ = std::move(on_error);
  consumer->static_member_ = !find_property(properties, "group.instance.id").value_or("").empty();
  rd_kafka_conf_set_opaque(conf.get(), consumer.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Consumer::rebalance_trampoline);
  if (consumer->on_error_) rd_kafka_conf_set_error_cb(conf.get(), &Consumer::error_trampoline);
  char errstr[512];
  consumer->rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
  if (!consumer->rk_) return make_error(Errc::kInvalidConfig, "creating consumer: {}", errstr);
  (void)conf.release();  // owned by the handle
  rd_kafka_poll_set_consumer(consumer->rk_.get());
  consumer->queue_.reset(rd_kafka_queue_get_consumer(consumer->rk_.get()));
  return consumer;
}

Consumer::~Consumer() {
  if (rk_ && !closed_) (void)close();
}

Status Consumer::subscribe(const std::vector<std::string>& topics, const std::string& pattern) {
  auto list = new_partition_list(static_cast<int>(std::max<size_t>(1, topics.size())));
  if (!pattern.empty()) {
    rd_kafka_topic_partition_list_add(list.get(), pattern.c_str(), RD_KAFKA_PARTITION_UA);
  } else {
    for (const auto& t : topics)
      rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  auto err = rd_kafka_subscribe(rk_.get(), list.get());
  if (err) return tl::unexpected(to_error(err, "subscribing"));
  return ok();
}

void Consumer::leave_group() {
  if (member_id().empty()) return;  // never joined, or already left
  // rd_kafka_consumer_close() would skip the LeaveGroup of a static member (KIP-345: static
  // members do not leave on termination). An unsubscribe is not a termination: once the
  // revocation was served, librdkafka sends LeaveGroup and clears the member id.
  if (auto err = rd_kafka_unsubscribe(rk_.get()); err) {
    logger().warn("static member: unsubscribe failed, the member stays until session.timeout.ms",
                  {{"error", rd_kafka_err2str(err)}});
    return;
  }
  constexpr auto kLeaveTimeout = std::chrono::seconds(10);
  auto deadline = std::chrono::steady_clock::now() + kLeaveTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    // Serves the revocation (rebalance callback); records fetched meanwhile were never handed to
    // the task, so dropping them loses nothing (their offsets are not committed).
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), 20)) rd_kafka_message_destroy(m);
    if (assignment_.empty() && member_id().empty()) return;
  }
  logger().warn(
      "static member: no LeaveGroup within 10 s, the member stays until "
      "session.timeout.ms");
}

Status Consumer::check_connection(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* metadata = nullptr;
  auto err = rd_kafka_metadata(rk_.get(), 0, nullptr, &metadata, static_cast<int>(timeout.count()));
  if (metadata) rd_kafka_metadata_destroy(metadata);
  if (!err) return ok();
  for (int i = 0; i < 100; ++i) {  // error events; never messages (not subscribed)
    rd_kafka_message_t* event = rd_kafka_consumer_poll(rk_.get(), 0);
    if (!event) break;
    rd_kafka_message_destroy(event);
  }
  return tl::unexpected(to_error(err, "requesting cluster metadata"));
}

void Consumer::error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  log_client_error(rk, err, reason);
  static_cast<Consumer*>(opaque)->on_error_(static_cast<rd_kafka_resp_err_t>(err),
                                            reason ? reason : "");
}

void Consumer::rebalance_trampoline(rd_kafka_t*, rd_kafka_resp_err_t err,
                                    rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<Consumer*>(opaque)->on_rebalance(err, partitions);
}

void Consumer::on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
  bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk_.get()), "COOPERATIVE") == 0;
  auto parts = from_partition_list(partitions);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (listener_) {
      for (const auto& [tp, offset] : listener_->starting_offsets(parts)) {
        auto* entry =
            rd_kafka_topic_partition_list_find(partitions, tp.topic.c_str(), tp.partition);
        if (entry && offset >= 0) entry->offset = offset;
      }
    }
    if (cooperative) {
      if (auto* e = rd_kafka_incremental_assign(rk_.get(), partitions)) {
        logger().error("incremental assign failed", {{"error", to_error(e, "assign").message()}});
        return;
      }
      assignment_.insert(assignment_.end(), parts.begin(), parts.end());
    } else {
      rd_kafka_assign(rk_.get(), partitions);
      assignment_ = parts;
    }
    logger().info("partitions assigned",
                  {{"client", rd_kafka_name(rk_.get())}, {"count", parts.size()}});
    if (listener_) listener_->on_assigned(parts);
    return;
  }
  bool lost = rd_kafka_assignment_lost(rk_.get()) != 0;
  logger().info(lost ? "partitions lost" : "partitions revoked",
                {{"client", rd_kafka_name(rk_.get())}, {"count", parts.size()}});
  if (listener_) listener_->on_revoked(parts, lost);
  if (cooperative) {
    if (auto* e = rd_kafka_incremental_unassign(rk_.get(), partitions)) {
      logger().error("incremental unassign failed", {{"error", to_error(e, "unassign").message()}});
    }
    std::erase_if(assignment_, [&](const TopicPartition& tp) {
      return std::find(parts.begin(), parts.end(), tp) != parts.end();
    });
  } else {
    rd_kafka_assign(rk_.get(), nullptr);
    assignment_.clear();
  }
  std::erase_if(paused_, [&](const TopicPartition& tp) {
    return std::find(assignment_.begin(), assignment_.end(), tp) == assignment_.end();
  });
}

Status Consumer::poll_batch(std::vector<MessagePtr>& out, size_t max,
                            std::chrono::milliseconds timeout) {
  auto wait = static_cast<int>(timeout.count());
  while (out.size() < max) {
    MessagePtr msg(rd_kafka_consumer_poll(rk_.get(), wait));
    if (!msg) break;
    wait = 0;
    if (!msg->err) {
      out.push_back(std::move(msg));
      continue;
    }
    char reason[512];
    if (rd_kafka_fatal_error(rk_.get(), reason, sizeof reason)) {
      return make_error(Errc::kUnavailable, "fatal consumer error: {}", reason);
    }
    auto topic = msg->rkt ? rd_kafka_topic_name(msg->rkt) : "";
    if (msg->err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
        msg->err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
        msg->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
        msg->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
      return tl::unexpected(to_error(msg->err, rd_kafka_message_errstr(msg.get())));
    }
    logger().warn("consumer error", {{"client", rd_kafka_name(rk_.get())},
                                     {"topic", topic},
                                     {"error", rd_kafka_err2name(msg->err)},
                                     {"reason", rd_kafka_message_errstr(msg.get())}});
  }
  if (!out.empty()) fetch_wake_interval_ = kFetchWakeMinInterval;
  if (out.size() < max) wake_stalled_fetchers();
  return ok();
}

Status Consumer::pause(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) return ok();
  auto list = to_partition_list(partitions);
  auto err = rd_kafka_pause_partitions(rk_.get(), list.get());
  if (err) return tl::unexpected(to_error(err, "pausing partitions"));
  for (const auto& tp : partitions) {
    if (std::find(paused_.begin(), paused_.end(), tp) == paused_.end()) paused_.push_back(tp);
  }
  return ok();
}

Status Consumer::resume(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) return ok();
  auto list = to_partition_list(partitions);
  auto err = rd_kafka_resume_partitions(rk_.get(), list.get());
  if (err) return tl::unexpected(to_error(err, "resuming partitions"));
  std::erase_if(paused_, [&](const TopicPartition& tp) {
    return std::find(partitions.begin(), partitions.end(), tp) != partitions.end();
  });
  return ok();
}

Status Consumer::commit_sync(const OffsetMap& offsets) {
  if (offsets.empty()) return ok();
  auto list = new_partition_list(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  auto err = rd_kafka_commit(rk_.get(), list.get(), 0);
  if (err) return tl::unexpected(to_error(err, "committing offsets"));
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err) {
      return tl::unexpected(to_error(list->elems[i].err,
                                     std::string("committing offset for ") + list->elems[i].topic));
    }
  }
  return ok();
}

Result<OffsetMap> Consumer::committed(const std::vector<TopicPartition>& partitions,
                                      std::chrono::milliseconds timeout) {
  auto list = to_partition_list(partitions);
  auto err = rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(timeout.count()));
  if (err) return tl::unexpected(to_error(err, "fetching committed offsets"));
  OffsetMap out;
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({{list->elems[i].topic, list->elems[i].partition}, list->elems[i].offset});
  }
  return out;
}

int64_t Consumer::high_watermark(const TopicPartition& partition) const {
  int64_t low = -1, high = -1;
  if (rd_kafka_get_watermark_offsets(rk_.get(), partition.topic.c_str(), partition.partition, &low,
                                     &high)) {
    return -1;
  }
  return high;
}

std::string Consumer::member_id() const {
  char* id = rd_kafka_memberid(rk_.get());
  std::string out = id ? id : "";
  if (id) rd_kafka_mem_free(rk_.get(), id);
  return out;
}

void Consumer::wake_stalled_fetchers() {
  // Queuing the request is what wakes the broker threads; the answer is not needed, so the call
  // may time out long before it arrives.
  constexpr int kListOffsetsTimeoutMs = 10;
  auto now = std::chrono::steady_clock::now();
  if (now < next_fetch_wake_ || assignment_.empty()) return;
  // Looked at no more often than a wake may happen: short polls are the common case of a
  // caught-up consumer, and the look takes a lock per partition.
  auto list = to_partition_list(assignment_);
  if (!behind_high_watermark(*list)) {
    next_fetch_wake_ = now + kFetchWakeMinInterval;
    return;
  }
  // Wakes that bring no record back off (a partition may look behind for good, e.g. when its
  // last record is a transaction marker the position never passes); a record resets this.
  next_fetch_wake_ = now + fetch_wake_interval_;
  fetch_wake_interval_ = std::min(fetch_wake_interval_ * 2, kFetchWakeMaxInterval);
  for (int i = 0; i < list->cnt; ++i) list->elems[i].offset = RD_KAFKA_OFFSET_END;
  (void)rd_kafka_offsets_for_times(rk_.get(), list.get(), kListOffsetsTimeoutMs);
}

bool Consumer::behind_high_watermark(rd_kafka_topic_partition_list_t& list) const {
  if (rd_kafka_position(rk_.get(), &list)) return false;
  for (int i = 0; i < list.cnt; ++i) {
    const auto& p = list.elems[i];
    TopicPartition tp{p.topic, p.partition};
    if (p.offset < 0 || std::find(paused_.begin(), paused_.end(), tp) != paused_.end()) continue;
    if (high_watermark(tp) > p.offset) return true;
  }
  return false;
}

void Consumer::wake() {
  if (queue_) rd_kafka_queue_yield(queue_.get());
}

Status Consumer::close(Membership membership) {
  if (closed_ || !rk_) return ok();
  closed_ = true;
  if (static_member_ && membership == Membership::kLeave) leave_group();
  queue_.reset();
  auto err = rd_kafka_consumer_close(rk_.get());
  if (err) return tl::unexpected(to_error(err, "closing consumer"));
  return ok();
}

}  // namespace kc::kafka
