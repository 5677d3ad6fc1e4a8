#pragma once

// Metrics every sink reports about its target, labelled {connector, task, sink}. A sink's own
// probe.h holds one SinkProbe (plus whatever is specific to its target). The series are released
// when the probe is destroyed.
//
//   kconnect_sink_rows_written_total     rows the target acknowledged
//   kconnect_sink_bytes_written_total    bytes of those rows as sent (request bodies)
//   kconnect_sink_request_seconds        histogram: one request to the target, sent to answered
//   kconnect_sink_retries_total          requests that failed with a retriable error
//   kconnect_sink_batches_in_flight      gauge: requests (batches) sent and not yet answered
//
// Thread-safe.

#include <chrono>
#include <cstddef>
#include <string>

#include "libs/metrics/registry.h"
#include "runtime/api/sink.h"

namespace kc::sink {

class SinkProbe {
 public:
  // `sink`: the sink's short name ("postgres"). Registers in context.metrics, or in the
  // process-wide registry when that is null.
  SinkProbe(const api::SinkContext& context, const std::string& sink);
  SinkProbe(metrics::Registry& registry, const metrics::Labels& labels);

  void written(size_t rows, size_t bytes);
  void retried();

  // One request in flight from construction to destruction (or finish()): counted in
  // batches_in_flight, its latency observed once.
  class Request {
   public:
    explicit Request(SinkProbe& probe);
    ~Request() { finish(); }
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;
    void finish();

   private:
    SinkProbe* probe_;
    std::chrono::steady_clock::time_point start_;
  };
  Request request() { return Request(*this); }

  metrics::Series<metrics::Counter> rows_written;
  metrics::Series<metrics::Counter> bytes_written;
  metrics::Series<metrics::Histogram> request_seconds;
  metrics::Series<metrics::Counter> retries;
  metrics::Series<metrics::Gauge> batches_in_flight;
};

}  // namespace kc::sink
