#include "runtime/sinks/common/probe.h"

namespace kc::sink {
namespace {

metrics::Registry& registry_of(const api::SinkContext& context) {
  return context.metrics ? *context.metrics : metrics::default_registry();
}

}  // namespace

SinkProbe::SinkProbe(const api::SinkContext& context, const std::string& sink)
    : SinkProbe(registry_of(context), {{"connector", context.connector_name},
                                       {"task", std::to_string(context.task_id)},
                                       {"sink", sink}}) {}

SinkProbe::SinkProbe(metrics::Registry& r, const metrics::Labels& l)
    : rows_written(
          r, r.counter("kconnect_sink_rows_written_total", "Rows the target acknowledged."), l),
      bytes_written(r,
                    r.counter("kconnect_sink_bytes_written_total",
                              "Bytes of the acknowledged rows as sent to the target."),
                    l),
      request_seconds(
          r, r.histogram("kconnect_sink_request_seconds", "Latency of one request to the target."),
          l, metrics::latency_buckets_seconds()),
      retries(r,
              r.counter("kconnect_sink_retries_total",
                        "Requests to the target that failed with a retriable error."),
              l),
      batches_in_flight(r,
                        r.gauge("kconnect_sink_batches_in_flight",
                                "Requests (batches) sent to the target and not yet answered."),
                        l) {}

void SinkProbe::written(size_t rows, size_t bytes) {
  rows_written->Increment(static_cast<double>(rows));
  bytes_written->Increment(static_cast<double>(bytes));
}

void SinkProbe::retried() { retries->Increment(); }

SinkProbe::Request::Request(SinkProbe& probe)
    : probe_(&probe), start_(std::chrono::steady_clock::now()) {
  probe_->batches_in_flight->Increment();
}

void SinkProbe::Request::finish() {
  if (!probe_) return;
  probe_->batches_in_flight->Decrement();
  probe_->request_seconds->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  probe_ = nullptr;
}

}  // namespace kc::sink
