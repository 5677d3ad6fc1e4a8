#pragma once

#include <memory>

#include "libs/base/error.h"
#include "runtime/api/plugin.h"
#include "runtime/sinks/http/settings.h"

namespace kc::sink::http_sink {

// The http sink: records become documents batched per topic partition and sent to a URL
// (docs/sinks/http.md). Each batch carries an idempotency key made from its offset range, and a
// document id can make replays replace what they re-send.
api::SinkPlugin http_sink_plugin();

// The sink with parsed settings: the rockset sink runs on it with its own keys.
//
// Guarantees
//  - Batches hold records of one topic (after transforms) and one original partition, cut at
//    max_records / max_bytes counted from the offset they start at, so a replay from the same
//    committed offset re-forms the same full batches with the same idempotency keys; every
//    batch is sent at each flush (linger, revocation, stop).
//  - Connection errors, timeouts, 408, 429 and 5xx are retried with the same body and key after
//    a jittered, doubling backoff from retry_backoff, never before a Retry-After; after
//    retry_max retries the task fails naming the URL and the last answer.
//  - 401/403, 404, 405 and redirects fail the task (the URL or credentials are wrong). Another
//    4xx refuses records: the batch is sent again one record per request, and each record the
//    target still refuses goes to the task's errors.* policy (dead-letter queue) with the
//    target's answer; the others are delivered.
//  - Header values and credentials never appear in messages; URLs without their query string.
// Caveats
//  - Requests are sent when put() or flush() closes batches: one at a time on the sink thread, or
//    with max_in_flight > 1 (rockset) those of different partitions on that many threads, each
//    partition's in order.
//  - A batch cut by time (a flush) is re-formed differently by a replay; only document ids make
//    those replays replace (at least once otherwise).
Result<std::unique_ptr<api::Sink>> make_sink(Settings settings, const api::SinkContext& context);

}  // namespace kc::sink::http_sink
