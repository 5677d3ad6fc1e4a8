#include "runtime/pipeline/sink_task.h"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <span>
#include <variant>

#include <fmt/format.h>

#include "libs/base/backoff.h"
#include "libs/base/log.h"
#include "runtime/config/security/diagnose.h"
#include "runtime/pipeline/dead_letter_queue.h"
#include "runtime/pipeline/error_reporter.h"
#include "runtime/pipeline/handoff_queue.h"
#include "runtime/pipeline/offset_tracker.h"
#include "runtime/pipeline/record_preparer.h"
#include "runtime/pipeline/retry.h"

namespace kc::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
using api::SinkRecord;
using api::TopicPartition;
using std::chrono::milliseconds;

auto& logger() {
  static auto& log = kc::log::get("kc.pipeline.task");
  return log;
}

constexpr milliseconds kMetricsInterval{1000};

// Handoff queue items: data, then control. Control items travel in order with the data.
struct Batch {
  std::vector<kafka::MessagePtr> messages;
};
// Open the partitions and answer where the sink wants them to start (Sink::stored_offsets).
struct Assigned {
  std::vector<TopicPartition> partitions;
  std::promise<kafka::OffsetMap>* done = nullptr;
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
// Rollover step 2: everything before it is put, flushed and committed; the outcome goes back.
struct RolloverMarker {
  std::promise<Status>* done = nullptr;
};
// SinkTask::commit_now: the same, asked from outside; shared because the caller may stop waiting.
struct CommitNow {
  std::shared_ptr<std::promise<Status>> done;
};
using Item = std::variant<Batch, Assigned, Revoked, Shutdown, Fail, RolloverMarker, CommitNow>;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

void ActiveTopics::record(std::string_view topic) {
  std::lock_guard lock(mu_);
  if (topics_.find(topic) == topics_.end()) topics_.emplace(topic);
}

std::vector<std::string> ActiveTopics::list() const {
  std::lock_guard lock(mu_);
  return {topics_.begin(), topics_.end()};
}

void ActiveTopics::reset() {
  std::lock_guard lock(mu_);
  topics_.clear();
  generation_.fetch_add(1);
}

struct SinkTask::Impl final : kafka::RebalanceListener {
  TaskSettings settings;
  const config::ConnectorConfig& connector;
  const config::ErrorSettings& errors;
  std::unique_ptr<RecordPreparer> preparer;  // converters and transforms (sink thread)
  std::unique_ptr<api::Sink> sink;
  // Replaced by a rollover, on the poll thread only (which reads it without the lock); other
  // threads take a reference with current_consumer().
  std::shared_ptr<kafka::Consumer> consumer;
  mutable std::mutex consumer_mu;
  kafka::Properties base_properties;  // the consumer's properties without the material's
  TaskProbe probe;
  HandoffQueue<Item> queue;

  std::thread poll_thread, sink_thread;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> failed{false};
  std::atomic<bool> sink_done{false};
  std::atomic<bool> started{false};
  std::atomic<bool> user_paused{false};
  std::atomic<bool> backpressure_paused{false};  // written by the poll thread
  // The sink thread's Sink::check() outcome; the poll thread subscribes only after a success.
  std::promise<bool> checked;

  // Poll thread only.
  bool partitions_paused = false;
  std::optional<Backoff> rollover_backoff;         // while commits for a rollover fail
  Clock::time_point rollover_not_before{};         // retry after a failed commit
  std::optional<Clock::time_point> rollover_from;  // a rollover's `noticed`, until its first record
  Clock::time_point rollover_subscribed_at{};
  std::optional<Clock::time_point> rollover_assigned_at;

  // Rollover requests (any thread).
  std::mutex rollover_mu;
  std::optional<Rollover> pending_rollover;
  std::atomic<bool> rollover_pending{false};

  // Sink thread only.
  std::unique_ptr<DeadLetterQueue> dlq;  // declared after nothing it calls back into dies first
  OffsetTracker tracker;
  std::vector<SinkRecord> records;
  std::vector<std::pair<TopicPartition, int64_t>> runs;  // scratch for mark_handled
  int64_t bytes_since_flush = 0;
  size_t records_since_flush = 0;
  api::BatchLimits limits;  // the sink's, with the connector's settings filled in
  bool dirty = false;       // records handled since the last flush
  std::optional<Error> dlq_failure;
  std::set<std::string, std::less<>> seen_topics;
  uint64_t seen_generation = 0;

  // Interruptible waits between retries (stop() wakes them).
  std::mutex sleep_mu;
  std::condition_variable sleep_cv;
  std::stop_source stopping;  // the sink's SinkContext::stop
  Retrier conversion_retries = make_retrier(-1);
  std::optional<Retrier> sink_retries;  // with the sink's max_retries(), set before check()

  // Shared status, guarded by mu.
  mutable std::mutex mu;
  TaskState state = TaskState::kUnassigned;
  std::string trace;
  std::vector<TopicPartition> assignment;
  std::map<TopicPartition, int64_t> committed;
  std::map<TopicPartition, int64_t> delivered;
  std::optional<Clock::time_point> first_record_at;
  std::string client_error;
  std::string last_client_reason;  // librdkafka's text of the last error callback
  // Authentication refusals (SASL, TLS handshake) since the consumer last proved it gets through
  // (a record, an assignment, a new consumer): when the first came, and the last one, explained.
  std::optional<Clock::time_point> auth_refused_since;
  std::string auth_refusal;
  uint64_t rollovers = 0;
  std::string rollover_error;
  uint64_t rollovers_resumed = 0;
  double last_rollover_pause_seconds = 0;
  double last_rollover_join_seconds = 0;
  std::string last_commit_error;  // sink thread

  explicit Impl(TaskSettings s)
      : settings(std::move(s)),
        connector(*settings.connector),
        errors(connector.errors),
        probe(*settings.metrics, connector.name, settings.task_id) {}

  std::string id() const { return fmt::format("{}-{}", connector.name, settings.task_id); }

  void set_state(TaskState s) {
    {
      std::lock_guard lock(mu);
      if (state == TaskState::kFailed) return;  // only a restart leaves FAILED
      state = s;
    }
    probe.set_state(s);
  }

  // librdkafka's error callback: security failures are explained (which key, which file), logged
  // once per distinct explanation and kept for the task status.
  void on_client_error(rd_kafka_resp_err_t code, const std::string& reason) {
    {
      std::lock_guard lock(mu);
      last_client_reason = reason;
    }
    auto hint = config::security::explain_client_error(reason, connector.consumer.security);
    bool refused = hint || code == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
                   code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED;
    if (refused) {
      std::lock_guard lock(mu);
      if (!auth_refused_since) auth_refused_since = Clock::now();
      auth_refusal = hint.value_or(reason);
    }
    if (!hint) return;
    {
      std::lock_guard lock(mu);
      if (client_error == *hint) return;
      client_error = *hint;
    }
    logger().warn("kafka client security error",
                  {{"task", id()}, {"error", rd_kafka_err2name(code)}, {"hint", *hint}});
  }

  std::shared_ptr<kafka::Consumer> current_consumer() const {
    std::lock_guard lock(consumer_mu);
    return consumer;
  }

  Result<std::shared_ptr<kafka::Consumer>> make_consumer(const kafka::Properties& props) {
    KC_ASSIGN_OR_RETURN(auto created,
                        kafka::Consumer::create(props, this, [this](auto code, const auto& reason) {
                          on_client_error(code, reason);
                        }));
    return std::shared_ptr<kafka::Consumer>(std::move(created));
  }

  // ---- poll thread ------------------------------------------------------------------------

  // Before librdkafka assigns: the sink thread puts what came before, opens the partitions and
  // says where they start (a sink owning its offsets); the consumer starts there.
  kafka::OffsetMap starting_offsets(const std::vector<TopicPartition>& partitions) override {
    if (sink_done.load()) return {};
    std::promise<kafka::OffsetMap> done;
    auto future = done.get_future();
    queue.push(Assigned{partitions, &done}, 0);
    return future.get();  // the sink thread always answers, also after a failure
  }

  void on_assigned(const std::vector<TopicPartition>& partitions) override {
    if (rollover_from && !rollover_assigned_at) rollover_assigned_at = Clock::now();
    {
      std::lock_guard lock(mu);
      assignment.insert(assignment.end(), partitions.begin(), partitions.end());
      auth_refused_since.reset();  // the group coordinator accepted this member
    }
    if (partitions_paused) (void)consumer->pause(partitions);
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
  void update_backpressure() {
    auto queued = static_cast<int64_t>(queue.bytes());
    if (backpressure_paused.load()) {
      if (queued <= resume_mark()) {
        backpressure_paused.store(false);
        logger().debug("sink caught up", {{"task", id()}, {"queued_bytes", queued}});
      }
      return;
    }
    if (queued < connector.buffer_max_bytes || user_paused.load()) return;
    auto deadline = Clock::now() + connector.backpressure_pause_after;
    if (queue.wait_at_most(static_cast<size_t>(resume_mark()), deadline) || stop_requested.load())
      return;
    backpressure_paused.store(true);
    probe.backpressure_pauses->Increment();
    logger().debug("sink behind, pausing partitions",
                   {{"task", id()}, {"queued_bytes", queue.bytes()}});
  }

  // Partitions are paused while the user paused the task or the sink is behind.
  void apply_pause() {
    bool want = user_paused.load() || backpressure_paused.load();
    if (want == partitions_paused) return;
    partitions_paused = want;
    if (want) {
      (void)consumer->pause(consumer->assignment());
    } else {
      (void)consumer->resume(consumer->assignment());
    }
  }

  // Sink thread: once the queue has drained enough, wake a paused poll thread to resume at once.
  void wake_poller_if_drained() {
    if (backpressure_paused.load() && static_cast<int64_t>(queue.bytes()) <= resume_mark())
      current_consumer()->wake();
  }

  // ---- rollover (poll thread) ----------------------------------------------------------------

  bool rollover_due() const {
    return rollover_pending.load() && Clock::now() >= rollover_not_before;
  }

  // Keeps the old consumer: counts and reports the abort; with `retry_after`, the request stays
  // pending (unless a newer one arrived) and runs again after that delay.
  void abort_rollover(const std::string& outcome, const std::string& message, Rollover request,
                      std::optional<milliseconds> retry_after) {
    probe.rollover(outcome);
    logger().error("rollover aborted; the old consumer keeps running",
                   {{"task", id()},
                    {"outcome", outcome},
                    {"error", message},
                    {"retry_ms", retry_after ? retry_after->count() : -1}});
    {
      std::lock_guard lock(mu);
      rollover_error = message;
    }
    if (!retry_after) return;
    rollover_not_before = Clock::now() + *retry_after;
    std::lock_guard lock(rollover_mu);
    if (!pending_rollover) pending_rollover = std::move(request);
    rollover_pending.store(true);
  }

  // ADR 0003 steps 1-8. Returns an error only when the task cannot go on (the new consumer
  // could not subscribe); every abort before the old consumer is closed keeps it.
  Status roll_over() {
    Rollover request;
    {
      std::lock_guard lock(rollover_mu);
      if (!pending_rollover) {
        rollover_pending.store(false);
        return ok();
      }
      request = std::move(*pending_rollover);
      pending_rollover.reset();
      rollover_pending.store(false);
    }
    auto t0 = Clock::now();
    logger().info("rollover started", {{"task", id()}, {"reason", request.reason}});
    // 1-3: nothing is polled any more; the sink thread puts what is queued, flushes, commits.
    std::promise<Status> done;
    auto future = done.get_future();
    queue.push(RolloverMarker{&done}, 0);
    auto committed_ok = future.get();
    auto t_committed = Clock::now();
    if (!committed_ok) {
      if (failed.load()) return ok();  // the task failed meanwhile; the loop ends
      if (!rollover_backoff) rollover_backoff = Backoff::kafka_connect(errors.retry_delay_max);
      abort_rollover("commit_failed", committed_ok.error().message(), std::move(request),
                     rollover_backoff->next());
      return ok();
    }
    // 4: the new consumer, from the connector's properties and the new material.
    auto props = base_properties;
    for (const auto& p : request.material_properties) props.emplace_back(p.name, p.value);
    std::optional<Clock::time_point> refused_before;  // the old consumer's, kept on an abort
    std::string refusal_before;
    {
      std::lock_guard lock(mu);
      last_client_reason.clear();
      refused_before = auth_refused_since;
      refusal_before = auth_refusal;
    }
    auto next = make_consumer(props);
    auto t_created = Clock::now();
    if (!next) {
      abort_rollover("consumer_failed",
                     fmt::format("the new consumer could not be created: {}",
                                 explained(next.error().message())),
                     std::move(request), std::nullopt);
      return ok();
    }
    // 5: pre-flight: the new material against the brokers, without touching the group.
    if (auto reached = (*next)->check_connection(settings.preflight_timeout); !reached) {
      std::string reason;
      {
        std::lock_guard lock(mu);
        reason = last_client_reason;
      }
      next->reset();  // never subscribed: closing it does not touch the group
      {
        // The refused new material does not count against the old consumer, which goes on.
        std::lock_guard lock(mu);
        auth_refused_since = refused_before;
        auth_refusal = refusal_before;
      }
      abort_rollover("preflight_failed",
                     fmt::format("the new consumer could not reach the brokers: {}",
                                 reason.empty() ? reached.error().message() : explained(reason)),
                     std::move(request), std::nullopt);
      return ok();
    }
    auto t_checked = Clock::now();
    // 6: close the old consumer (its revoke finds everything committed), then 7: subscribe.
    auto old = consumer;
    if (auto closed = old->close(kafka::Consumer::Membership::kKeep); !closed) {
      logger().warn("closing the old consumer failed",
                    {{"task", id()}, {"error", closed.error().message()}});
    }
    {
      std::lock_guard lock(consumer_mu);
      consumer = std::move(*next);
    }
    old.reset();
    auto t_closed = Clock::now();
    rollover_backoff.reset();
    rollover_from = request.noticed;
    rollover_assigned_at.reset();
    rollover_subscribed_at = Clock::now();
    {
      std::lock_guard lock(mu);
      ++rollovers;
      rollover_error.clear();
      auth_refused_since.reset();  // the new consumer passed its pre-flight
    }
    probe.rollover("completed");
    auto ms = [](Clock::time_point a, Clock::time_point b) { return seconds_between(a, b) * 1e3; };
    logger().info("rollover: consumer replaced", {{"task", id()},
                                                  {"reason", request.reason},
                                                  {"flush_commit_ms", ms(t0, t_committed)},
                                                  {"create_ms", ms(t_committed, t_created)},
                                                  {"preflight_ms", ms(t_created, t_checked)},
                                                  {"close_ms", ms(t_checked, t_closed)}});
    return consumer->subscribe(connector.topics, connector.topics_subscription);
  }

  // 8: the first record of the new consumer ends the pause.
  void note_first_record_after_rollover() {
    if (!rollover_from) return;
    auto now = Clock::now();
    auto pause = seconds_between(*rollover_from, now);
    probe.rollover_pause_seconds->Observe(pause);
    auto assigned = rollover_assigned_at.value_or(now);
    {
      std::lock_guard lock(mu);
      ++rollovers_resumed;
      last_rollover_pause_seconds = pause;
      last_rollover_join_seconds = seconds_between(rollover_subscribed_at, assigned);
    }
    logger().info("rollover done",
                  {{"task", id()},
                   {"pause_ms", pause * 1e3},
                   {"join_ms", seconds_between(rollover_subscribed_at, assigned) * 1e3},
                   {"first_record_ms", seconds_between(assigned, now) * 1e3}});
    rollover_from.reset();
  }

  std::string explained(const std::string& reason) const {
    return config::security::explain_client_error(reason, connector.consumer.security)
        .value_or(reason);
  }

  // The task fails once the brokers kept refusing the consumer's authentication for
  // kconnect.auth.failure.grace.ms (librdkafka would retry for ever, consuming nothing, while the
  // task looked RUNNING); the trace carries the broker's reason, explained.
  std::optional<Error> refused_too_long() {
    std::lock_guard lock(mu);
    if (!auth_refused_since || Clock::now() - *auth_refused_since < connector.auth_failure_grace)
      return std::nullopt;
    return Error(Errc::kPermissionDenied,
                 fmt::format("the Kafka brokers refused the consumer's authentication for {} ms "
                             "(kconnect.auth.failure.grace.ms): {}",
                             connector.auth_failure_grace.count(), auth_refusal));
  }

  void poll_loop() {
    // Nothing is consumed before the sink proved it reaches its target (Sink::check).
    Status subscribed = checked.get_future().get()
                            ? consumer->subscribe(connector.topics, connector.topics_subscription)
                            : make_error(Errc::kCancelled, "the sink check failed");
    if (!subscribed && !failed.load() && !stop_requested.load())
      queue.push(Fail{subscribed.error()}, 0);
    std::vector<kafka::MessagePtr> batch;
    auto max = static_cast<size_t>(connector.consumer.max_poll_records);
    while (subscribed && !stop_requested.load() && !failed.load()) {
      if (rollover_due()) {
        subscribed = roll_over();
        if (!subscribed) {
          queue.push(Fail{subscribed.error()}, 0);
          break;
        }
        continue;
      }
      update_backpressure();
      apply_pause();
      batch.clear();
      batch.reserve(max);
      auto polled = consumer->poll_batch(batch, max, settings.poll_timeout);
      if (!batch.empty()) {
        note_first_record_after_rollover();
        {
          std::lock_guard lock(mu);
          auth_refused_since.reset();
        }
        size_t bytes = 0;
        for (const auto& m : batch) bytes += m->len + m->key_len;
        probe.records_consumed->Increment(static_cast<double>(batch.size()));
        queue.push(Batch{std::move(batch)}, bytes);
      }
      if (!polled) {
        queue.push(Fail{polled.error()}, 0);
        break;
      }
      if (auto refused = refused_too_long()) {
        queue.push(Fail{std::move(*refused)}, 0);
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
    if (failed.exchange(true)) return;
    logger().error("task failed", {{"task", id()}, {"error", error.message()}});
    {
      std::lock_guard lock(mu);
      state = TaskState::kFailed;
      trace = error.message();
    }
    probe.set_state(TaskState::kFailed);
  }

  // Waits `delay` unless the task is stopping; false when it is.
  bool sleep_unless_stopping(milliseconds delay) {
    std::unique_lock lock(sleep_mu);
    return !sleep_cv.wait_for(lock, delay, [&] { return stop_requested.load(); });
  }

  // Retries with the task's errors.retry.* settings and `max_retries` (the sink's limit for its
  // calls; -1 for conversions), counted in kconnect_task_retries_total and logged.
  Retrier make_retrier(int max_retries) {
    return Retrier(
        {.timeout = errors.retry_timeout_set ? errors.retry_timeout : milliseconds(-1),
         .delay_max = errors.retry_delay_max,
         .max_retries = max_retries},
        {.sleep = [this](milliseconds delay) { return sleep_unless_stopping(delay); },
         .on_retry =
             [this](std::string_view what, int attempt, milliseconds delay, const Error& error) {
               probe.retries->Increment();
               logger().warn("retriable error; retrying", {{"task", id()},
                                                           {"operation", what},
                                                           {"attempt", attempt},
                                                           {"delay_ms", delay.count()},
                                                           {"error", error.message()}});
             }});
  }

  void on_dead_letter_ack(const TopicPartition& tp, int64_t offset, const Status& st) {
    if (st) {
      tracker.release(tp, offset);
      probe.records_dead_lettered->Increment();
      return;
    }
    probe.dead_letter_failures->Increment();
    if (!dlq_failure) {
      dlq_failure = Error(
          st.error().code(),
          fmt::format("Could not produce message to dead letter queue. topic={}: "
                      "record topic={} partition={} offset={} is not committed: {}",
                      errors.dlq_topic, tp.topic, tp.partition, offset, st.error().message()));
    }
  }

  // A record failed in `error.stage`: tolerate it (log, dead-letter queue, skip) or return the
  // error that fails the task.
  Status handle_record_error(const rd_kafka_message_t& msg, const RecordError& error) {
    return tolerate(error, coordinates_of(msg), tolerable(error),
                    [&](kafka::Producer::DeliveryCallback on_delivery) {
                      return dlq->send(msg, error, std::move(on_delivery));
                    });
  }

  // A record the sink reported (SinkContext::report_errant, Kafka's ErrantRecordReporter): stage
  // TASK_PUT, and with errors.tolerance=all any error is tolerated, as Kafka does for reports.
  Status report_errant(const SinkRecord& record, const Error& error) {
    RecordError failure{Stage::kTaskPut, connector.sink->info.class_name, error};
    RecordCoordinates where{.topic = record.original_topic,
                            .partition = record.original_partition,
                            .offset = record.original_offset,
                            .timestamp = record.timestamp,
                            .timestamp_type = record.timestamp_type};
    return tolerate(failure, where, true, [&](kafka::Producer::DeliveryCallback on_delivery) {
      return dlq->send(record, failure, std::move(on_delivery));
    });
  }

  Status tolerate(const RecordError& error, const RecordCoordinates& where, bool tolerable_error,
                  const std::function<Status(kafka::Producer::DeliveryCallback)>& send) {
    probe.records_failed->Increment();
    auto what = fmt::format("{} failed in {} ({}) for record topic={} partition={} offset={}: {}",
                            stage_name(error.stage), id(), error.executing_class, where.topic,
                            where.partition, where.offset, error.error.message());
    if (errors.tolerance == config::ErrorSettings::Tolerance::kNone || !tolerable_error)
      return make_error(error.error.code(), "Tolerance exceeded in error handler: {}", what);
    if (errors.log_enable) {
      logger().error(error_log_message(id(), error, where, errors.log_include_messages),
                     {{"error", error.error.message()}});
    }
    probe.records_skipped->Increment();
    if (!dlq) return ok();
    TopicPartition tp{std::string(where.topic), where.partition};
    tracker.hold(tp, where.offset);
    auto offset = where.offset;
    auto sent = send([this, tp, offset](const Status& st) { on_dead_letter_ack(tp, offset, st); });
    if (!sent) {
      probe.dead_letter_failures->Increment();
      return make_error(sent.error().code(),
                        "Could not produce message to dead letter queue. topic={}: {}: {}",
                        errors.dlq_topic, what, sent.error().message());
    }
    return ok();
  }

  // Messages [from, to) of `batch` are handled (written, tolerated or dropped).
  void mark_handled(const Batch& batch, size_t from, size_t to) {
    // Messages arrive grouped by partition; update the tracker once per run.
    runs.clear();
    for (size_t i = from; i < to; ++i) {
      const auto* m = batch.messages[i].get();
      if (i + 1 < to && batch.messages[i + 1]->partition == m->partition &&
          batch.messages[i + 1]->rkt == m->rkt) {
        continue;
      }
      TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
      tracker.delivered(tp, m->offset);
      runs.emplace_back(std::move(tp), m->offset + 1);
    }
    std::lock_guard lock(mu);
    if (!first_record_at && to > from) first_record_at = Clock::now();
    for (auto& [tp, next] : runs) {
      auto& d = delivered[std::move(tp)];
      d = std::max(d, next);
    }
  }

  void note_topic(std::string_view topic) {
    if (!settings.topics) return;
    if (auto g = settings.topics->generation(); g != seen_generation) {
      seen_topics.clear();
      seen_generation = g;
    }
    if (seen_topics.find(topic) != seen_topics.end()) return;
    seen_topics.emplace(topic);
    settings.topics->record(topic);
  }

  // Everything before where a partition starts (the sink's stored offset, else the group's
  // committed offset) counts as delivered (by an earlier run), so progress and "caught up" are
  // right before the first new record arrives.
  void record_starting_positions(const std::vector<TopicPartition>& partitions,
                                 const kafka::OffsetMap& stored) {
    auto committed_offsets = current_consumer()->committed(partitions, std::chrono::seconds(10));
    std::lock_guard lock(mu);
    for (const auto& [tp, offset] : stored) delivered[tp] = offset;
    if (!committed_offsets) return;
    for (const auto& entry : *committed_offsets) {
      const auto& tp = entry.first;
      auto offset = entry.second;
      if (offset < 0) continue;
      committed.emplace(tp, offset);
      if (std::none_of(stored.begin(), stored.end(),
                       [&partition = tp](const auto& s) { return s.first == partition; })) {
        auto& d = delivered[tp];
        d = std::max(d, offset);
      }
    }
  }

  // Sink::open and Sink::stored_offsets for newly assigned partitions; the offsets to start at.
  kafka::OffsetMap open_partitions(const std::vector<TopicPartition>& partitions) {
    if (auto st = sink->open(partitions); !st) {
      fail(Error(st.error().code(), fmt::format("sink open failed: {}", st.error().message())));
      return {};
    }
    auto stored = sink->stored_offsets(partitions);
    if (!stored) {
      fail(Error(stored.error().code(),
                 fmt::format("sink stored_offsets failed: {}", stored.error().message())));
      return {};
    }
    kafka::OffsetMap out;
    for (const auto& tp : partitions) {
      auto it = stored->find(tp);
      if (it == stored->end()) continue;
      if (it->second < 0) {
        fail(make_error(Errc::kInvalidArgument,
                        "sink stored_offsets returned offset {} for topic={} partition={}; "
                        "offsets must be >= 0",
                        it->second, tp.topic, tp.partition)
                 .value());
        return {};
      }
      out.emplace_back(tp, it->second);
    }
    if (!out.empty()) {
      logger().info("resuming at the sink's stored offsets",
                    {{"task", id()}, {"partitions", out.size()}});
    }
    return out;
  }

  Status put_records(size_t count) {
    std::span<SinkRecord> span(records.data(), count);
    auto put = sink_retries->run("sink put", [&] { return sink->put(span); });
    if (put) return ok();
    const auto& first = records[0];
    return make_error(put.error().code(),
                      "sink put failed for {} record{} starting at topic={} partition={} "
                      "offset={}: {}",
                      count, count == 1 ? "" : "s", first.original_topic, first.original_partition,
                      first.original_offset, put.error().message());
  }

  // A batch is full by the sink's limits (BatchLimits): time to flush.
  bool batch_full() const {
    return bytes_since_flush >= static_cast<int64_t>(limits.max_bytes) ||
           (limits.max_records > 0 && records_since_flush >= limits.max_records);
  }

  // Puts records[0, good) and marks batch.messages[from, to) handled. False when the task failed.
  bool deliver(const Batch& batch, size_t good, size_t from, size_t to) {
    if (good > 0) {
      auto put = put_records(good);
      for (size_t i = 0; i < good; ++i) records[i] = SinkRecord{};  // drop borrowed views
      if (!put) {
        probe.records_failed->Increment(static_cast<double>(good));
        fail(put.error());
        return false;
      }
      probe.records_written->Increment(static_cast<double>(good));
      probe.batch_records->Observe(static_cast<double>(good));
    }
    if (to > from) {
      mark_handled(batch, from, to);
      dirty = true;
    }
    return true;
  }

  // Prepares the batch's records and puts them; a batch full by the sink's limits is put and
  // flushed there, so one put() never takes more than BatchLimits::max_records records.
  void process(Batch& batch) {
    if (records.size() < batch.messages.size()) records.resize(batch.messages.size());
    size_t good = 0;     // records[0, good) go to the sink
    size_t marked = 0;   // batch.messages[0, marked) were marked handled
    size_t handled = 0;  // batch.messages[0, handled) have an outcome
    std::optional<Error> failure;
    for (const auto& msg : batch.messages) {
      auto& r = records[good];
      bool keep = true;
      if (auto error = preparer->prepare(msg.get(), r, keep, conversion_retries)) {
        r = SinkRecord{};
        if (auto st = handle_record_error(*msg, *error); !st) {
          failure = st.error();
          break;
        }
        ++handled;
        continue;
      }
      ++handled;
      if (!keep) {
        probe.records_skipped->Increment();
        r = SinkRecord{};
        continue;
      }
      note_topic(r.topic);
      bytes_since_flush += static_cast<int64_t>(msg->len + msg->key_len);
      ++records_since_flush;
      ++good;
      if (batch_full()) {
        if (!deliver(batch, good, marked, handled)) return;
        good = 0;
        marked = handled;
        flush_and_commit();
        if (failed.load()) return;
      }
    }
    if (!deliver(batch, good, marked, handled)) return;
    if (failure) {
      flush_and_commit();  // what came before the bad record is kept
      fail(*failure);
      return;
    }
    if (batch_full()) flush_and_commit();
  }

  // Serves dead-letter acknowledgements; a failed write fails the task (after committing what
  // is safe: the failed record's offset stays held).
  void serve_dead_letters() {
    if (!dlq) return;
    dlq->poll();
    if (dlq_failure && !failed.load()) flush_and_commit();
  }

  void flush_and_commit() {
    // Kafka awaits errant-record futures before committing; so do we, for up to
    // offset.flush.timeout.ms (what is still unacknowledged stays held).
    if (dlq && tracker.held() > 0) (void)dlq->flush(settings.flush_timeout);
    if (dirty) {
      auto t0 = Clock::now();
      auto offsets = tracker.positions();
      auto flushed = sink_retries->run("sink flush", [&] { return sink->flush(offsets); });
      probe.flush_seconds->Observe(std::chrono::duration<double>(Clock::now() - t0).count());
      if (!flushed) {
        fail(Error(flushed.error().code(),
                   fmt::format("sink flush failed: {}", flushed.error().message())));
        return;
      }
      dirty = false;
      bytes_since_flush = 0;
      records_since_flush = 0;
    }
    commit();
    if (dlq_failure) fail(*dlq_failure);  // committed below the record that could not be written
  }

  // Commits what the tracker allows (everything flushed, nothing held).
  void commit() {
    auto offsets = tracker.committable();
    if (offsets.empty()) return;
    auto t1 = Clock::now();
    auto committed_ok = current_consumer()->commit_sync(offsets);
    probe.commit_seconds->Observe(std::chrono::duration<double>(Clock::now() - t1).count());
    if (!committed_ok) {
      last_commit_error = committed_ok.error().message();
      // Kafka Connect logs and retries with the next commit; the offsets stay pending.
      probe.commit_failures->Increment();
      logger().warn("offset commit failed; will retry",
                    {{"task", id()}, {"error", committed_ok.error().message()}});
      return;
    }
    probe.commits->Increment();
    if (logger().enabled(kc::log::Level::kDebug)) {
      auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
      logger().debug(
          "committed",
          {{"task", id()}, {"partitions", offsets.size()}, {"commit_ms", ms(Clock::now() - t1)}});
    }
    tracker.mark_committed(offsets);
    std::lock_guard lock(mu);
    for (const auto& [tp, offset] : offsets) committed[tp] = offset;
  }

  void update_lag() {
    std::vector<std::pair<TopicPartition, int64_t>> positions;
    {
      std::lock_guard lock(mu);
      for (const auto& tp : assignment) {
        auto it = delivered.find(tp);
        positions.emplace_back(tp, it == delivered.end() ? -1 : it->second);
      }
    }
    auto current = current_consumer();
    for (const auto& [tp, position] : positions) {
      auto hwm = current->high_watermark(tp);
      if (hwm >= 0 && position >= 0) probe.set_lag(tp, std::max<int64_t>(0, hwm - position));
    }
  }

  // Rollover step 3 and commit_now (sink thread): put what came before the marker (done: items
  // are in order), flush, commit synchronously. Ok only when nothing handled is left uncommitted.
  Status commit_everything() {
    if (failed.load()) return make_error(Errc::kCancelled, "the task failed");
    last_commit_error.clear();
    flush_and_commit();
    if (failed.load()) return make_error(Errc::kCancelled, "the task failed");
    if (!tracker.committable().empty()) {
      return make_error(Errc::kUnavailable, "offset commit failed: {}",
                        last_commit_error.empty() ? "records await dead-letter acknowledgement"
                                                  : last_commit_error);
    }
    if (tracker.held() > 0) {
      return make_error(Errc::kUnavailable,
                        "records await dead-letter queue acknowledgement; their offsets cannot "
                        "be committed yet");
    }
    return ok();
  }

  // Handles one queue item; false after Shutdown.
  bool handle(Item& item) {
    if (auto* batch = std::get_if<Batch>(&item)) {
      wake_poller_if_drained();
      if (!failed.load()) {
        process(*batch);
        serve_dead_letters();
      }
    } else if (auto* assigned = std::get_if<Assigned>(&item)) {
      kafka::OffsetMap start;
      if (!failed.load()) start = open_partitions(assigned->partitions);
      assigned->done->set_value(start);
      if (!failed.load()) record_starting_positions(assigned->partitions, start);
    } else if (auto* revoked = std::get_if<Revoked>(&item)) {
      if (!failed.load()) {
        if (!revoked->lost) flush_and_commit();
        (void)sink->close(revoked->partitions);
      }
      tracker.remove(revoked->partitions);
      for (const auto& tp : revoked->partitions) probe.drop_lag(tp);
      revoked->done->set_value();
    } else if (auto* f = std::get_if<Fail>(&item)) {
      if (!failed.load()) {
        flush_and_commit();
        fail(f->error);
      }
    } else if (auto* marker = std::get_if<RolloverMarker>(&item)) {
      marker->done->set_value(commit_everything());
    } else if (auto* commit_now = std::get_if<CommitNow>(&item)) {
      commit_now->done->set_value(commit_everything());
    } else if (auto* shutdown = std::get_if<Shutdown>(&item)) {
      if (!failed.load()) flush_and_commit();
      sink->stop();
      if (dlq) (void)dlq->flush(settings.flush_timeout);
      dlq.reset();
      sink_done.store(true);
      shutdown->done->set_value();
      return false;
    }
    return true;
  }

  // Sink::check (retried like put) and the sink's batch limits; false when the task cannot start.
  bool check_sink() {
    sink_retries.emplace(make_retrier(sink->max_retries()));
    if (auto st = sink_retries->run("sink check", [&] { return sink->check(); }); !st) {
      fail(Error(st.error().code(), fmt::format("sink check failed: {}", st.error().message())));
      return false;
    }
    limits = sink->batch_limits();
    if (limits.max_bytes == 0) limits.max_bytes = static_cast<size_t>(connector.flush_max_bytes);
    if (limits.linger <= milliseconds(0)) limits.linger = settings.flush_interval;
    return true;
  }

  void sink_loop() {
    bool ready = check_sink();
    checked.set_value(ready && !stop_requested.load());
    auto next_flush = Clock::now() + limits.linger;
    auto next_tick = Clock::now() + kMetricsInterval;
    while (true) {
      auto item = queue.pop(std::min(next_flush, next_tick));
      if (item && !handle(*item)) return;
      auto now = Clock::now();
      if (now >= next_tick) {
        update_lag();
        if (!failed.load()) serve_dead_letters();
        next_tick = now + kMetricsInterval;
      }
      if (now >= next_flush) {
        if (!failed.load()) flush_and_commit();
        next_flush = Clock::now() + limits.linger;
      }
    }
  }
};

SinkTask::SinkTask(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<SinkTask>> SinkTask::create(TaskSettings settings) {
  auto impl = std::make_unique<Impl>(std::move(settings));
  const auto& c = impl->connector;
  const auto& s = impl->settings;
  KC_ASSIGN_OR_RETURN(impl->preparer, RecordPreparer::create(c));
  api::SinkContext context{.connector_name = c.name,
                           .task_id = s.task_id,
                           .report_errant =
                               [task = impl.get()](const SinkRecord& record, const Error& error) {
                                 return task->report_errant(record, error);
                               },
                           .metrics = s.metrics,
                           .stop = impl->stopping.get_token()};
  KC_ASSIGN_OR_RETURN(impl->sink, c.sink->create(c.sink_config, context));

  auto with_bootstrap = [&](kafka::Properties props) {
    for (auto& [k, v] : props) {
      if (k == "bootstrap.servers" && !s.bootstrap_servers.empty()) v = s.bootstrap_servers;
    }
    return props;
  };
  kafka::Properties props = with_bootstrap(c.consumer.properties);
  if (!kafka::find_property(props, "client.id"))
    props.emplace_back("client.id", fmt::format("connector-consumer-{}-{}", c.name, s.task_id));
  if (!s.group_instance_id.empty() && !kafka::find_property(props, "group.instance.id"))
    props.emplace_back("group.instance.id", s.group_instance_id);
  impl->base_properties = props;
  for (const auto& p : s.material_properties) props.emplace_back(p.name, p.value);
  KC_ASSIGN_OR_RETURN(impl->consumer, impl->make_consumer(props));

  if (!c.errors.dlq_topic.empty()) {
    KC_ASSIGN_OR_RETURN(
        impl->dlq, DeadLetterQueue::create({.topic = c.errors.dlq_topic,
                                            .replication_factor = c.errors.dlq_replication_factor,
                                            .context_headers = c.errors.dlq_context_headers,
                                            .connector = c.name,
                                            .task_id = s.task_id,
                                            .producer = with_bootstrap(c.dlq_producer),
                                            .admin = with_bootstrap(c.admin)}));
  }
  return std::make_unique<SinkTask>(std::move(impl));
}

SinkTask::~SinkTask() { stop(); }

void SinkTask::start() {
  if (impl_->started.exchange(true)) return;
  // Static membership, when set.
  auto instance_id = kafka::find_property(impl_->base_properties, "group.instance.id");
  if (instance_id && !instance_id->empty()) {
    logger().info("task starting", {{"task", impl_->id()}, {"group_instance_id", *instance_id}});
  } else {
    logger().info("task starting", {{"task", impl_->id()}});
  }
  if (impl_->settings.start_paused) impl_->user_paused.store(true);
  impl_->set_state(impl_->user_paused.load() ? TaskState::kPaused : TaskState::kRunning);
  impl_->sink_thread = std::thread([this] { impl_->sink_loop(); });
  impl_->poll_thread = std::thread([this] { impl_->poll_loop(); });
}

void SinkTask::pause() {
  if (impl_->user_paused.exchange(true)) return;
  impl_->set_state(TaskState::kPaused);
  impl_->current_consumer()->wake();
  logger().info("task paused", {{"task", impl_->id()}});
}

void SinkTask::resume() {
  if (!impl_->user_paused.exchange(false)) return;
  impl_->set_state(TaskState::kRunning);
  impl_->current_consumer()->wake();
  logger().info("task resumed", {{"task", impl_->id()}});
}

void SinkTask::request_rollover(Rollover rollover) {
  if (impl_->stop_requested.load() || impl_->failed.load()) return;
  {
    std::lock_guard lock(impl_->rollover_mu);
    impl_->pending_rollover = std::move(rollover);
    impl_->rollover_pending.store(true);
  }
  impl_->current_consumer()->wake();
}

void SinkTask::stop() {
  if (!impl_) return;
  impl_->stop_requested.store(true);
  impl_->stopping.request_stop();
  { std::lock_guard lock(impl_->sleep_mu); }
  impl_->sleep_cv.notify_all();
  impl_->queue.interrupt();
  if (impl_->poll_thread.joinable()) impl_->poll_thread.join();
  if (impl_->sink_thread.joinable()) impl_->sink_thread.join();
  bool stopped_now = false;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->state != TaskState::kFailed && impl_->started.load() &&
        impl_->state != TaskState::kStopped) {
      impl_->state = TaskState::kStopped;
      stopped_now = true;
    }
  }
  if (stopped_now) {
    impl_->probe.set_state(TaskState::kStopped);
    logger().info("task stopped", {{"task", impl_->id()}});
  }
}

Status SinkTask::commit_now(std::chrono::milliseconds timeout) {
  if (impl_->sink_done.load()) return make_error(Errc::kCancelled, "the task stopped");
  auto done = std::make_shared<std::promise<Status>>();
  auto future = done->get_future();
  impl_->queue.push(CommitNow{std::move(done)}, 0);
  if (future.wait_for(timeout) != std::future_status::ready) {
    return make_error(Errc::kTimeout, "the task did not flush and commit within {} ms",
                      timeout.count());
  }
  return future.get();
}

TaskStatus SinkTask::status() const {
  TaskStatus s;
  s.task_id = impl_->settings.task_id;
  s.worker_id = impl_->settings.worker_id;
  s.records_consumed = static_cast<uint64_t>(impl_->probe.records_consumed->Value());
  s.records_written = static_cast<uint64_t>(impl_->probe.records_written->Value());
  auto current = impl_->current_consumer();
  std::lock_guard lock(impl_->mu);
  s.state = impl_->state;
  s.trace = impl_->trace;
  s.first_record_at = impl_->first_record_at;
  s.client_error = impl_->client_error;
  s.rollovers = impl_->rollovers;
  s.rollover_error = impl_->rollover_error;
  s.rollovers_resumed = impl_->rollovers_resumed;
  s.last_rollover_pause_seconds = impl_->last_rollover_pause_seconds;
  s.last_rollover_join_seconds = impl_->last_rollover_join_seconds;
  auto find = [](const auto& map, const TopicPartition& tp) {
    auto it = map.find(tp);
    return it == map.end() ? int64_t{-1} : it->second;
  };
  for (const auto& tp : impl_->assignment) {
    s.partitions.push_back({.partition = tp,
                            .delivered = find(impl_->delivered, tp),
                            .committed = find(impl_->committed, tp),
                            .high_watermark = current->high_watermark(tp)});
  }
  return s;
}

}  // namespace kc::pipeline
