#pragma once

// One sink task: a consumer in the connector's group, converters, transforms and a sink, on two
// threads.
//
//   poll thread:  consumer.poll -> handoff queue          (rebalance callbacks run here)
//   sink thread:  queue -> convert -> transform -> sink.put -> flush -> commit
//                 (errors: tolerate / log / dead-letter queue; retries with backoff)
//
// The handoff queue carries data (batches) and control items (assigned, revoked, fail,
// shutdown) in one order, so "everything before this" is well defined; a new control action
// (such as a force-commit) is one more item type handled in sink_loop().
//
// Guarantees
//  - At-least-once: offsets are committed only for records the sink accepted and flushed, or
//    that were handled otherwise (tolerated errors, transform drops, dead-letter queue writes the
//    broker acknowledged; see OffsetTracker). Flushes happen when a batch is full by the sink's
//    BatchLimits (records, bytes: kconnect.flush.max.bytes by default) or its linger passed
//    (offset.flush.interval.ms by default), before partitions are revoked, and on stop; each
//    flush is told the delivered offsets (Sink::flush).
//  - Sink check: Sink::check() runs on the sink thread before the poll thread subscribes; when it
//    fails the task is FAILED without having consumed anything.
//  - Stored offsets (exactly once): on every assignment, inside librdkafka's rebalance callback
//    and before the partitions are assigned, the poll thread hands the sink thread an Assigned
//    marker and waits; the sink thread opens the partitions and asks Sink::stored_offsets(); the
//    consumer assigns the partitions at those offsets (the others at the committed offset), so
//    no record before them is fetched.
//  - Revoke: the poll thread hands the sink thread a revoke marker and waits; everything queued
//    before it is put, flushed and committed before librdkafka releases the partitions.
//  - Pause (REST / operator): every assigned partition is paused and the poll thread keeps
//    polling, so the group membership stays; what was already fetched is still delivered.
//  - Backpressure: when more than kconnect.buffer.max.bytes is queued for the sink, the poll
//    thread holds, then pauses all assigned partitions (still polling) and resumes below half.
//  - Errors (errors.* keys): a converter or transform error fails the task with
//    errors.tolerance=none; with all, the record is logged (errors.log.enable), written to the
//    dead-letter queue when one is configured, and skipped. Sink errors (check, put, flush)
//    marked retriable are retried (retry.h: 300 ms doubling up to errors.retry.delay.max.ms, each
//    delay +-20% jitter) up to the sink's Sink::max_retries() and for errors.retry.timeout
//    (without limit when neither is set, as Kafka); others fail the task with a trace naming the
//    first record of the failing batch.
//  - No blocking I/O on the poll thread: sink calls, dead-letter writes and commits run on the
//    sink thread. (Exception: a rollover creates the new consumer and checks its connection on
//    the poll thread, while nothing is being fetched.)
//  - Rollover (request_rollover: renewed TLS material, force-commit; ADR 0003): the poll thread
//    stops fetching and hands the sink thread a rollover marker; everything queued before it is
//    put, flushed and committed synchronously. Only after that commit succeeded is a new consumer
//    built (connector properties + the new material's, same client.id and group.instance.id),
//    its connection checked with a metadata request, the old consumer closed and the new one
//    subscribed. No loss (offsets cover only flushed records; the new consumer starts at them),
//    no duplicates when the commit succeeded (nothing was handed to the sink after the marker).
//    Every abort keeps the old consumer: a failed commit is retried after Kafka's backoff; a new
//    consumer that cannot be built or cannot connect (wrong key, CA the brokers do not accept)
//    is reported in status (rollover_error) and logs, and the task goes on with the old one.
// Caveats
//  - A task that fails commits what was flushed before the failure, leaves the group and stays
//    FAILED until restarted.
//  - Partitions reported lost (the member was fenced) cannot be committed; their records are
//    delivered again by their new owner (duplicates, never loss).
//  - Rollover: records librdkafka prefetched for the old consumer are dropped with it and fetched
//    again by the new one (never handed over twice: they were not polled). The pause is
//    dominated by the group join: with group.instance.id (TaskSettings::group_instance_id, or
//    the user's) on a broker with static membership the old consumer closes without leaving and
//    the new one gets the same partitions at once; without it (and on librdkafka's mock cluster,
//    which has no static membership) closing the old consumer is a leave and the new one a
//    join — a rebalance, and this task's partitions may move to another member (which starts at
//    the committed offsets). A user-set group.instance.id is kept as given (one value for all
//    tasks of a connector would fence them: set it only with tasks.max=1).
//  - Stop (and failure) leaves the group also as a static member (Consumer::close), so the
//    partitions move at once; only a rollover keeps the membership.
//  - Rollover: records waiting for a dead-letter queue acknowledgement hold their partition's
//    commit; the rollover is then retried (commit_failed) until they are acknowledged.
//  - Rollover after the switch: if the new consumer loses the brokers later, it behaves as any
//    consumer (librdkafka reconnects); the old material is not tried again.
//  - A revocation that arrives while the sink thread retries a batch waits for the retry to end
//    (success, exhausted errors.retry.timeout or stop); with unlimited retries the member may
//    be evicted from the group meanwhile, and its partitions replayed by the next owner.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "libs/base/error.h"
#include "libs/metrics/registry.h"
#include "runtime/config/connector_config.h"
#include "runtime/kafka/consumer.h"
#include "runtime/pipeline/probe.h"

namespace kc::pipeline {

struct PartitionProgress {
  api::TopicPartition partition;
  int64_t delivered = -1;       // next offset after the last record given to the sink (-1: none)
  int64_t committed = -1;       // next offset, as committed by this task (-1: none yet)
  int64_t high_watermark = -1;  // as last seen by the consumer (-1: unknown)

  // Everything up to the high watermark was given to the sink (or committed by an earlier run).
  bool caught_up() const {
    return high_watermark == 0 || (high_watermark > 0 && delivered >= high_watermark);
  }
};

struct TaskStatus {
  int task_id = 0;
  TaskState state = TaskState::kUnassigned;
  std::string worker_id;
  std::string trace;  // why it failed
  uint64_t records_consumed = 0;
  uint64_t records_written = 0;
  std::optional<std::chrono::steady_clock::time_point> first_record_at;
  std::vector<PartitionProgress> partitions;  // assigned partitions
  // The consumer's last security failure, explained (security::explain_client_error): which key
  // and file to look at. Empty when none was seen.
  std::string client_error;
  uint64_t rollovers = 0;      // consumers replaced by a rollover
  std::string rollover_error;  // why the last rollover was aborted; cleared by the next success
  // Rollovers whose new consumer returned its first record, and for the last of them: the pause
  // (from Rollover::noticed to that record) and, within it, the group join (subscribe to
  // assignment).
  uint64_t rollovers_resumed = 0;
  double last_rollover_pause_seconds = 0;
  double last_rollover_join_seconds = 0;
};

// A request to replace the task's consumer (renewed TLS material, force-commit).
struct Rollover {
  // Properties the TLS material gives (security::material_properties / check_material), set after
  // the connector's consumer properties in the new consumer.
  std::vector<config::security::Property> material_properties;
  std::string reason;  // for logs: "force-commit", "renewed TLS material"
  // When the need was noticed (the watcher's first file event, the REST request): the pause is
  // measured from here to the first record of the new consumer.
  std::chrono::steady_clock::time_point noticed = std::chrono::steady_clock::now();
};

// The topics a connector's records were written under (after transforms), for
// GET /connectors/{name}/topics. Shared by the connector's tasks; thread-safe.
class ActiveTopics {
 public:
  void record(std::string_view topic);
  std::vector<std::string> list() const;
  void reset();
  // Changes on every reset(), so tasks can drop what they cached.
  uint64_t generation() const { return generation_.load(); }

 private:
  mutable std::mutex mu_;
  std::set<std::string, std::less<>> topics_;
  std::atomic<uint64_t> generation_{0};
};

struct TaskSettings {
  std::shared_ptr<const config::ConnectorConfig> connector;
  int task_id = 0;
  std::string worker_id;
  // Static membership (KIP-345): the consumer's group.instance.id, unless the connector's
  // consumer properties set one. A stop leaves the group all the same (Consumer::close); a
  // rollover keeps the membership. Empty: a dynamic member.
  std::string group_instance_id;
  std::string bootstrap_servers;  // replaces the configured one (embedded mode); empty: keep
  // Properties only the TLS material files give (security::check_material's), set after the
  // connector's consumer properties: PKCS#12 stores reach librdkafka only this way.
  std::vector<config::security::Property> material_properties;
  std::chrono::milliseconds flush_interval{60000};
  std::chrono::milliseconds flush_timeout{5000};  // offset.flush.timeout.ms: DLQ acks before commit
  std::chrono::milliseconds poll_timeout{100};
  // Rollover: how long the new consumer's metadata request may take (its pre-flight).
  std::chrono::milliseconds preflight_timeout{5000};
  bool start_paused = false;
  std::shared_ptr<ActiveTopics> topics;  // optional
  metrics::Registry* metrics = &metrics::default_registry();
};

class SinkTask {
 public:
  // Builds converters, sink, consumer and (when configured) the dead-letter queue; errors here
  // mean the task cannot start.
  static Result<std::unique_ptr<SinkTask>> create(TaskSettings settings);
  ~SinkTask();
  SinkTask(const SinkTask&) = delete;
  SinkTask& operator=(const SinkTask&) = delete;

  void start();
  // Pauses every assigned partition (and those assigned later) and keeps the group membership;
  // resume() undoes it. Thread-safe, idempotent; a FAILED task stays FAILED.
  void pause();
  void resume();
  // Asks the task to replace its consumer (see Guarantees: Rollover). Returns at once; a newer
  // request replaces one not yet started. Thread-safe; ignored once the task stops or failed.
  void request_rollover(Rollover rollover);
  // Puts what is queued, flushes and commits synchronously, as a rollover does before switching
  // consumers, waiting up to `timeout`. Ok when nothing the task handled is left uncommitted;
  // otherwise why not (the commit's error; kTimeout when the sink thread did not answer in time,
  // e.g. while it retries a batch; kCancelled when the task failed or stopped). Thread-safe.
  Status commit_now(std::chrono::milliseconds timeout);
  // Flushes, commits, leaves the group and joins the threads. Idempotent.
  void stop();
  TaskStatus status() const;

  struct Impl;
  explicit SinkTask(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::pipeline
