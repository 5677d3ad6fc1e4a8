#include "runtime/pipeline/sink_task.h"

#include <condition_variable>
#include <future>
#include <map>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "runtime/pipeline/handoff_queue.h"
#include "runtime/pipeline/offset_tracker.h"
#include "runtime/pipeline/probe.h"

namespace kc::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
using api::SinkRecord;
using api::TopicPartition;

auto& logger() {
  static auto& log = kc::log::get("kc.pipeline.task");
  return log;
}

std::optional<std::string_view> bytes_of(const void* data, size_t len) {
  if (!data) return std::nullopt;
  return std::string_view(static_cast<const char*>(data), len);
}

struct Batch {
  std::vector<kafka::MessagePtr> messages;
};
struct Assigned {
  std::vector<TopicPartition> partitions;
};
struct Revoked {
  std::vector<TopicPartition> partitions;
  bool lost = false;
  std::promise<void>* done = nullptr;
};
struct Shutdown {
  std::promise<void>* done = nullptr;
};
struct Fail {
  Error error;
};
using Item = std::variant<Batch, Assigned, Revoked, Shutdown, Fail>;

}  // namespace

std::string_view task_state_name(TaskState state) {
  switch (state) {
    case TaskState::kUnassigned:
      return "UNASSIGNED";
    case TaskState::kRunning:
      return "RUNNING";
    case TaskState::kPaused:
      return "PAUSED";
    case TaskState::kFailed:
      return "FAILED";
    case TaskState::kStopped:
      return "STOPPED";
  }
  return "UNASSIGNED";
}

struct SinkTask::Impl final : kafka::RebalanceListener {
  TaskSettings settings;
  const config::ConnectorConfig& connector;
  std::unique_ptr<api::Converter> key_converter, value_converter, header_converter;
  std::unique_ptr<api::Sink> sink;
  std::unique_ptr<kafka::Consumer> consumer;
  TaskProbe probe;
  HandoffQueue<Item> queue;

  std::thread poll_thread, sink_thread;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> failed{false};
  std::atomic<bool> sink_done{false};
  std::atomic<bool> started{false};
  std::atomic<bool> backpressure_paused{false};  // written by the poll thread

  // Sink thread only.
  OffsetTracker tracker;
  std::vector<SinkRecord> records;
  std::vector<std::pair<TopicPartition, int64_t>> runs;  // scratch for mark_delivered
  int64_t bytes_since_flush = 0;
  bool dirty = false;  // records delivered since the last flush

  // Shared status, guarded by mu.
  mutable std::mutex mu;
  TaskState state = TaskState::kUnassigned;
  std::string trace;
  std::vector<TopicPartition> assignment;
  std::map<TopicPartition, int64_t> committed;
  std::map<TopicPartition, int64_t> delivered;
  std::optional<Clock::time_point> first_record_at;

  explicit Impl(TaskSettings s)
      : settings(std::move(s)),
        connector(*settings.connector),
        probe(*settings.metrics, connector.name, settings.task_id) {}

  std::string id() const { return fmt::format("{}-{}", connector.name, settings.task_id); }

  // ---- poll thread ------------------------------------------------------------------------

  void on_assigned(const std::vector<TopicPartition>& partitions) override {
    {
      std::lock_guard lock(mu);
      assignment.insert(assignment.end(), partitions.begin(), partitions.end());
      if (state == TaskState::kUnassigned) state = TaskState::kRunning;
    }
    if (backpressure_paused.load()) (void)consumer->pause(partitions);
    queue.push(Assigned{partitions}, 0);
  }

  void on_revoked(const std::vector<TopicPartition>& partitions, bool lost) override {
    if (!sink_done.load()) {
      std::promise<void> done;
      auto future = done.get_future();
      queue.push(Revoked{partitions, lost, &done}, 0);
      future.wait();  // the sink thread always answers, also after a failure
    }
    std::lock_guard lock(mu);
    std::erase_if(assignment, [&](const TopicPartition& tp) {
      return std::find(partitions.begin(), partitions.end(), tp) != partitions.end();
    });
    for (const auto& tp : partitions) {
      committed.erase(tp);
      delivered.erase(tp);
    }
  }

  int64_t resume_mark() const { return connector.buffer_max_bytes / 2; }

  // Two-stage backpressure when the sink falls behind (more than buffer.max.bytes queued):
  //  1. hold: stop polling and wait for the sink to drain to half. librdkafka's prefetch queue
  //     (queued.max.messages.kbytes) fills and it stops fetching by itself; nothing is dropped.
  //  2. pause: if the sink is still behind after backpressure.pause.after.ms, pause every assigned
  //     partition and go on polling, so rebalances and max.poll.interval.ms are served while the
  //     sink is stuck. librdkafka drops its prefetch for paused partitions and refetches from the
  //     consumed position on resume (slow, so this is for real stalls only).
  void apply_backpressure() {
    auto queued = static_cast<int64_t>(queue.bytes());
    if (backpressure_paused.load()) {
      if (queued <= resume_mark()) {
        backpressure_paused.store(false);
        (void)consumer->resume(consumer->assignment());
        logger().debug("sink caught up, partitions resumed",
                       {{"task", id()}, {"queued_bytes", queued}});
      }
      return;
    }
    if (queued < connector.buffer_max_bytes) return;
    auto deadline = Clock::now() + connector.backpressure_pause_after;
    if (queue.wait_at_most(static_cast<size_t>(resume_mark()), deadline) || stop_requested.load())
      return;
    backpressure_paused.store(true);
    probe.backpressure_pauses->Increment();
    (void)consumer->pause(consumer->assignment());
    logger().debug("sink behind, partitions paused",
                   {{"task", id()}, {"queued_bytes", queue.bytes()}});
  }

  // Sink thread: once the queue has drained enough, wake a paused poll thread to resume at once.
  void wake_poller_if_drained() {
    if (backpressure_paused.load() && static_cast<int64_t>(queue.bytes()) <= resume_mark())
      consumer->wake();
  }

  void poll_loop() {
    auto subscribed = consumer->subscribe(connector.topics, connector.topics_regex);
    if (!subscribed) queue.push(Fail{subscribed.error()}, 0);
    std::vector<kafka::MessagePtr> batch;
    auto max = static_cast<size_t>(connector.consumer.max_poll_records);
    while (subscribed && !stop_requested.load() && !failed.load()) {
      apply_backpressure();
      batch.clear();
      batch.reserve(max);
      auto polled = consumer->poll_batch(batch, max, settings.poll_timeout);
      if (!batch.empty()) {
        size_t bytes = 0;
        for (const auto& m : batch) bytes += m->len + m->key_len;
        probe.records_consumed->Increment(static_cast<double>(batch.size()));
        queue.push(Batch{std::move(batch)}, bytes);
      }
      if (!polled) {
        queue.push(Fail{polled.error()}, 0);
        break;
      }
    }
    // Let the sink thread drain, flush and commit; then leave the group.
    std::promise<void> done;
    auto future = done.get_future();
    queue.push(Shutdown{&done}, 0);
    future.wait();
    if (auto closed = consumer->close(); !closed) {
      logger().warn("closing consumer failed",
                    {{"task", id()}, {"error", closed.error().message()}});
    }
  }

  // ---- sink thread ------------------------------------------------------------------------

  void fail(const Error& error) {
    logger().error("task failed", {{"task", id()}, {"error", error.message()}});
    {
      std::lock_guard lock(mu);
      state = TaskState::kFailed;
      trace = error.message();
    }
    failed.store(true);
  }

  // Converts one consumed message into records.back(); returns the error with its coordinates.
  Status convert(const rd_kafka_message_t* msg, SinkRecord& r) {
    std::string_view topic = rd_kafka_topic_name(msg->rkt);
    r.topic.assign(topic);
    r.partition = msg->partition;
    r.offset = msg->offset;
    rd_kafka_timestamp_type_t ts_type;
    r.timestamp = rd_kafka_message_timestamp(msg, &ts_type);
    r.timestamp_type = ts_type == RD_KAFKA_TIMESTAMP_CREATE_TIME ? api::TimestampType::kCreateTime
                       : ts_type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                           ? api::TimestampType::kLogAppendTime
                           : api::TimestampType::kNoTimestamp;
    r.original_topic = topic;
    r.original_partition = msg->partition;
    r.original_offset = msg->offset;
    r.raw_key = bytes_of(msg->key, msg->key_len);
    r.raw_value = bytes_of(msg->payload, msg->len);
    r.raw_headers.clear();
    r.headers.clear();
    auto where = [&](std::string_view stage, const Error& e) {
      return Error(e.code(), fmt::format("{} failed for record topic={} partition={} offset={}: {}",
                                         stage, topic, msg->partition, msg->offset, e.message()));
    };
    auto key = key_converter->to_connect(topic, r.raw_key);
    if (!key) return tl::unexpected(where("key conversion", key.error()));
    r.key_schema = std::move(key->schema);
    r.key = std::move(key->value);
    auto value = value_converter->to_connect(topic, r.raw_value);
    if (!value) return tl::unexpected(where("value conversion", value.error()));
    r.value_schema = std::move(value->schema);
    r.value = std::move(value->value);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* val;
      size_t size;
      for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &val, &size); ++i) {
        auto raw = bytes_of(val, size);
        r.raw_headers.push_back({name, raw});
        auto h = header_converter->to_connect(topic, raw);
        if (!h)
          return tl::unexpected(where(fmt::format("header '{}' conversion", name), h.error()));
        r.headers.push_back({name, std::move(h->schema), std::move(h->value)});
      }
    }
    return ok();
  }

  void mark_delivered(size_t count) {
    // Messages arrive grouped by partition; update the tracker once per run.
    runs.clear();
    for (size_t i = 0; i < count; ++i) {
      const auto& r = records[i];
      if (i + 1 < count && records[i + 1].original_partition == r.original_partition &&
          records[i + 1].original_topic == r.original_topic) {
        continue;
      }
      TopicPartition tp{std::string(r.original_topic), r.original_partition};
      tracker.delivered(tp, r.original_offset);
      runs.emplace_back(std::move(tp), r.original_offset + 1);
    }
    std::lock_guard lock(mu);
    if (!first_record_at) first_record_at = Clock::now();
    for (auto& [tp, next] : runs) {
      auto& d = delivered[std::move(tp)];
      d = std::max(d, next);
    }
  }

  // Everything before the group's committed offset counts as delivered (by an earlier run), so
  // progress and "caught up" are right before the first new record arrives.
  void record_starting_positions(const std::vector<TopicPartition>& partitions) {
    auto committed_offsets = consumer->committed(partitions, std::chrono::seconds(10));
    if (!committed_offsets) return;
    std::lock_guard lock(mu);
    for (const auto& [tp, offset] : *committed_offsets) {
      if (offset < 0) continue;
      auto& d = delivered[tp];
      d = std::max(d, offset);
      committed.emplace(tp, offset);
    }
  }

  void process(Batch& batch) {
    if (records.size() < batch.messages.size()) records.resize(batch.messages.size());
    size_t converted = 0;
    std::optional<Error> error;
    for (const auto& msg : batch.messages) {
      auto st = convert(msg.get(), records[converted]);
      if (!st) {
        error = st.error();
        break;
      }
      ++converted;
      bytes_since_flush += static_cast<int64_t>(msg->len + msg->key_len);
    }
    if (converted > 0) {
      auto put = sink->put(std::span<SinkRecord>(records.data(), converted));
      if (!put) {
        fail(Error(put.error().code(), fmt::format("sink put failed: {}", put.error().message())));
        return;
      }
      probe.records_written->Increment(static_cast<double>(converted));
      probe.batch_records->Observe(static_cast<double>(converted));
      mark_delivered(converted);
      dirty = true;
    }
    // Drop borrowed views before the messages go.
    for (size_t i = 0; i < converted; ++i) records[i] = SinkRecord{};
    if (error) {
      probe.records_failed->Increment();
      flush_and_commit();  // what came before the bad record is kept
      fail(*error);
      return;
    }
    if (bytes_since_flush >= connector.flush_max_bytes) flush_and_commit();
  }

  void flush_and_commit() {
    if (!dirty) return;
    auto t0 = Clock::now();
    auto flushed = sink->flush();
    probe.flush_seconds->Observe(std::chrono::duration<double>(Clock::now() - t0).count());
    if (!flushed) {
      fail(Error(flushed.error().code(),
                 fmt::format("sink flush failed: {}", flushed.error().message())));
      return;
    }
    dirty = false;
    bytes_since_flush = 0;
    auto offsets = tracker.committable();
    if (offsets.empty()) return;
    auto t1 = Clock::now();
    auto committed_ok = consumer->commit_sync(offsets);
    probe.commit_seconds->Observe(std::chrono::duration<double>(Clock::now() - t1).count());
    if (!committed_ok) {
      // Kafka Connect logs and retries with the next commit; the offsets stay pending.
      probe.commit_failures->Increment();
      dirty = true;
      logger().warn("offset commit failed; will retry",
                    {{"task", id()}, {"error", committed_ok.error().message()}});
      return;
    }
    probe.commits->Increment();
    if (logger().enabled(kc::log::Level::kDebug)) {
      auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
      logger().debug("flushed and committed", {{"task", id()},
                                               {"partitions", offsets.size()},
                                               {"flush_ms", ms(t1 - t0)},
                                               {"commit_ms", ms(Clock::now() - t1)}});
    }
    tracker.mark_committed(offsets);
    std::lock_guard lock(mu);
    for (const auto& [tp, offset] : offsets) committed[tp] = offset;
  }

  void sink_loop() {
    auto next_flush = Clock::now() + settings.flush_interval;
    while (true) {
      auto item = queue.pop(next_flush);
      if (!item) {
        if (!failed.load()) flush_and_commit();
        next_flush = Clock::now() + settings.flush_interval;
        continue;
      }
      if (auto* batch = std::get_if<Batch>(&*item)) {
        wake_poller_if_drained();
        if (!failed.load()) process(*batch);
      } else if (auto* assigned = std::get_if<Assigned>(&*item)) {
        if (!failed.load()) {
          if (auto st = sink->open(assigned->partitions); !st) fail(st.error());
          record_starting_positions(assigned->partitions);
        }
      } else if (auto* revoked = std::get_if<Revoked>(&*item)) {
        if (!failed.load()) {
          if (!revoked->lost) flush_and_commit();
          (void)sink->close(revoked->partitions);
        }
        tracker.remove(revoked->partitions);
        revoked->done->set_value();
      } else if (auto* f = std::get_if<Fail>(&*item)) {
        if (!failed.load()) {
          flush_and_commit();
          fail(f->error);
        }
      } else if (auto* shutdown = std::get_if<Shutdown>(&*item)) {
        if (!failed.load()) flush_and_commit();
        sink->stop();
        sink_done.store(true);
        shutdown->done->set_value();
        return;
      }
    }
  }
};

SinkTask::SinkTask(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<SinkTask>> SinkTask::create(TaskSettings settings) {
  auto impl = std::make_unique<Impl>(std::move(settings));
  const auto& c = impl->connector;
  KC_ASSIGN_OR_RETURN(impl->key_converter, c.key_converter.plugin->create(
                                               c.key_converter.config, api::ConverterRole::kKey));
  KC_ASSIGN_OR_RETURN(
      impl->value_converter,
      c.value_converter.plugin->create(c.value_converter.config, api::ConverterRole::kValue));
  KC_ASSIGN_OR_RETURN(
      impl->header_converter,
      c.header_converter.plugin->create(c.header_converter.config, api::ConverterRole::kHeader));
  api::SinkContext context{c.name, impl->settings.task_id};
  KC_ASSIGN_OR_RETURN(impl->sink, c.sink->create(c.sink_config, context));

  kafka::Properties props = c.consumer.properties;
  bool has_client_id = false;
  for (auto& [k, v] : props) {
    if (k == "bootstrap.servers" && !impl->settings.bootstrap_servers.empty())
      v = impl->settings.bootstrap_servers;
    has_client_id = has_client_id || k == "client.id";
  }
  if (!has_client_id)
    props.emplace_back("client.id",
                       fmt::format("connector-consumer-{}-{}", c.name, impl->settings.task_id));
  KC_ASSIGN_OR_RETURN(impl->consumer, kafka::Consumer::create(props, impl.get()));
  return std::make_unique<SinkTask>(std::move(impl));
}

SinkTask::~SinkTask() { stop(); }

void SinkTask::start() {
  if (impl_->started.exchange(true)) return;
  logger().info("task starting", {{"task", impl_->id()}});
  impl_->sink_thread = std::thread([this] { impl_->sink_loop(); });
  impl_->poll_thread = std::thread([this] { impl_->poll_loop(); });
}

void SinkTask::stop() {
  if (!impl_) return;
  impl_->stop_requested.store(true);
  impl_->queue.interrupt();
  if (impl_->poll_thread.joinable()) impl_->poll_thread.join();
  if (impl_->sink_thread.joinable()) impl_->sink_thread.join();
  std::lock_guard lock(impl_->mu);
  if (impl_->state != TaskState::kFailed && impl_->started.load()) {
    if (impl_->state != TaskState::kStopped) logger().info("task stopped", {{"task", impl_->id()}});
    impl_->state = TaskState::kStopped;
  }
}

TaskStatus SinkTask::status() const {
  TaskStatus s;
  s.task_id = impl_->settings.task_id;
  s.worker_id = impl_->settings.worker_id;
  s.records_consumed = static_cast<uint64_t>(impl_->probe.records_consumed->Value());
  s.records_written = static_cast<uint64_t>(impl_->probe.records_written->Value());
  std::lock_guard lock(impl_->mu);
  s.state = impl_->state;
  s.trace = impl_->trace;
  s.first_record_at = impl_->first_record_at;
  auto find = [](const auto& map, const TopicPartition& tp) {
    auto it = map.find(tp);
    return it == map.end() ? int64_t{-1} : it->second;
  };
  for (const auto& tp : impl_->assignment) {
    s.partitions.push_back({.partition = tp,
                            .delivered = find(impl_->delivered, tp),
                            .committed = find(impl_->committed, tp),
                            .high_watermark = impl_->consumer->high_watermark(tp)});
  }
  return s;
}

}  // namespace kc::pipeline
