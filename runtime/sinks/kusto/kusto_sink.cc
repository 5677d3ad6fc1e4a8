#include "runtime/sinks/kusto/kusto_sink.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "libs/base/gzip.h"
#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/api/json.h"
#include "runtime/sinks/common/batch_label.h"
#include "runtime/sinks/common/probe.h"
#include "runtime/sinks/common/record_copy.h"
#include "runtime/sinks/kusto/aad.h"
#include "runtime/sinks/kusto/ingest_client.h"
#include "runtime/sinks/kusto/settings.h"

namespace kc::sink::kusto {
namespace {

auto& logger() {
  static auto& log = kc::log::get("kc.sink.kusto");
  return log;
}

// The rows of one table from one partition not ingested yet.
struct Batch {
  int64_t first_offset = -1;  // -1: empty
  int64_t end_offset = 0;     // after the last record seen (ingested or buffered)
  size_t rows = 0;
  std::string body;              // one row per line
  std::vector<RecordCopy> kept;  // with keep_records_: for the errors policy
};

struct BatchKey {
  size_t mapping = 0;             // index into Settings::mappings
  api::TopicPartition partition;  // original coordinates
  bool operator<(const BatchKey& other) const {
    return std::tie(mapping, partition) < std::tie(other.mapping, other.partition);
  }
};

// Whether the connector tolerates errors (errors.tolerance=all, or behavior.on.error log/ignore
// without errors.tolerance): then a refused batch goes to the errors.* policy record by record.
bool tolerates_errors(const api::RawConfig& raw) {
  if (auto it = raw.find("errors.tolerance"); it != raw.end()) {
    return strings::iequals(strings::trim(it->second), "all");
  }
  if (auto it = raw.find("behavior.on.error"); it != raw.end()) {
    auto b = strings::to_lower(strings::trim(it->second));
    return b == "log" || b == "ignore";
  }
  return false;
}

class KustoSink final : public api::Sink {
 public:
  KustoSink(Settings settings, bool keep_records, api::SinkContext context)
      : settings_(std::move(settings)),
        keep_records_(keep_records),
        context_(std::move(context)),
        probe_(context_, "kusto") {}

  Status init() {
    KC_ASSIGN_OR_RETURN(
        tokens_, TokenProvider::create(settings_, process_environment(), &probe_, context_.stop));
    KC_ASSIGN_OR_RETURN(client_, IngestClient::create(settings_, *tokens_, &probe_, context_.stop));
    return ok();
  }

  int max_retries() const override { return 0; }  // retried here (errors.retry.max.time.ms)

  Status check() override {
    KC_RETURN_IF_ERROR(with_retries("reaching Kusto", [&] { return client_->check(); }));
    if (!settings_.validate_tables) return ok();
    for (const auto& m : settings_.mappings) {
      if (m.topic == "*") continue;
      KC_RETURN_IF_ERROR(with_retries(fmt::format("checking table {}.{}", m.database, m.table),
                                      [&] { return client_->check_table(m.database, m.table); }));
    }
    return ok();
  }

  // Size limits are applied per table and partition by put() itself (so a replay cuts the same
  // batches whatever the interleaving of partitions); the runtime flushes by time.
  api::BatchLimits batch_limits() const override { return {.linger = settings_.flush_interval}; }

  Status put(std::span<api::SinkRecord> records) override {
    for (const auto& record : records) {
      const auto* mapping = settings_.mapping_for(record.topic);
      if (mapping == nullptr) {
        KC_RETURN_IF_ERROR(
            report(record, Error(Errc::kInvalidConfig, fmt::format("topic {} has no entry in "
                                                                   "kusto.tables.topics.mapping",
                                                                   record.topic))));
        continue;
      }
      BatchKey key{static_cast<size_t>(mapping - settings_.mappings.data()),
                   {std::string(record.original_topic), record.original_partition}};
      auto& batch = batches_[key];
      // Already buffered or ingested: the runtime repeats a put that failed part way.
      if (record.original_offset < batch.end_offset) continue;
      if (batch.first_offset < 0) batch.first_offset = record.original_offset;
      batch.end_offset = record.original_offset + 1;
      if (!record.value.is_null()) {  // tombstones: no row
        append_row(batch, record.value);
        if (keep_records_) batch.kept.push_back(RecordCopy::of(record));
      }
      if (batch.body.size() >= static_cast<size_t>(settings_.flush_size_bytes)) {
        KC_RETURN_IF_ERROR(ingest(key, batch));
      }
    }
    return ok();
  }

  Status flush(const api::Offsets& /*offsets*/) override {
    for (auto& [key, batch] : batches_) {
      if (batch.first_offset >= 0) KC_RETURN_IF_ERROR(ingest(key, batch));
    }
    return ok();
  }

  // A partition assigned again may start lower (another task's commit): forget what was seen.
  Status open(const std::vector<api::TopicPartition>& partitions) override {
    forget(partitions);
    return ok();
  }
  Status close(const std::vector<api::TopicPartition>& partitions) override {
    forget(partitions);
    return ok();
  }

 private:
  static void append_row(Batch& batch, const api::Value& value) {
    switch (value.type()) {
      case api::Type::kString:
      case api::Type::kBytes:
        batch.body.append(value.as_text());
        break;
      default:
        api::json::write(value, batch.body);
    }
    if (batch.body.empty() || batch.body.back() != '\n') batch.body.push_back('\n');
    ++batch.rows;
  }

  void forget(const std::vector<api::TopicPartition>& partitions) {
    std::erase_if(batches_, [&](const auto& entry) {
      return std::find(partitions.begin(), partitions.end(), entry.first.partition) !=
             partitions.end();
    });
  }

  Status report(const api::SinkRecord& record, const Error& error) {
    auto described =
        Error(error.code(),
              fmt::format("topic={} partition={} offset={}: {}", record.original_topic,
                          record.original_partition, record.original_offset, error.message()));
    if (context_.report_errant) return context_.report_errant(record, described);
    return tl::unexpected(std::move(described));
  }

  // Retriable errors are retried errors.retry.backoff.time.ms apart (a Retry-After is honoured
  // by the HTTP target) until errors.retry.max.time.ms has passed; then the error is final.
  Status with_retries(std::string_view what, const std::function<Status()>& attempt) {
    auto deadline = std::chrono::steady_clock::now() + settings_.retry_max_time;
    for (int attempts = 1;; ++attempts) {
      auto s = attempt();
      if (s || !s.error().retriable()) return s;
      probe_.retried();
      if (std::chrono::steady_clock::now() + settings_.retry_backoff > deadline) {
        return make_error(s.error().code(),
                          "{}: {} (gave up after {} attempts, errors.retry.max.time.ms={})", what,
                          s.error().message(), attempts, settings_.retry_max_time.count());
      }
      logger().warn("retrying",
                    {{"what", what}, {"attempt", attempts}, {"error", s.error().message()}});
      if (!sleep(settings_.retry_backoff)) return s;
    }
  }

  bool sleep(std::chrono::milliseconds delay) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, context_.stop, delay, [] { return false; });
    return !context_.stop.stop_requested();
  }

  // Ingests the batch and empties it; its end offset stays, so repeated records are recognised.
  Status ingest(const BatchKey& key, Batch& batch) {
    if (batch.rows > 0) KC_RETURN_IF_ERROR(send(key, batch));
    batch.first_offset = -1;
    batch.rows = 0;
    batch.body.clear();
    batch.kept.clear();
    return ok();
  }

  Status send(const BatchKey& key, Batch& batch) {
    const auto& mapping = settings_.mappings[key.mapping];
    IngestBatch ib{.database = mapping.database,
                   .table = mapping.table,
                   .format = mapping.format,
                   .mapping = mapping.mapping,
                   .tag = make_batch_label({.connector = context_.connector_name,
                                            .database = mapping.database,
                                            .table = mapping.table,
                                            .topic = key.partition.topic,
                                            .partition = key.partition.partition,
                                            .first_offset = batch.first_offset,
                                            .end_offset = batch.end_offset}),
                   .gzipped = gzip::compress(batch.body),
                   .raw_size = batch.body.size()};
    bool streamed = false;
    auto what = fmt::format("ingesting {} rows into {}.{}", batch.rows, ib.database, ib.table);
    auto s = with_retries(what, [&]() -> Status {
      if (mapping.streaming && !streamed) {
        KC_ASSIGN_OR_RETURN(auto outcome, client_->ingest_streaming(ib));
        if (outcome == StreamOutcome::kIngested) {
          streamed = true;
          return ok();
        }
        ++streaming_fallbacks_;
        logger().debug("streaming ingestion not possible for this batch; queued instead",
                       {{"table", ib.table}, {"tag", ib.tag}, {"bytes", ib.raw_size}});
      }
      return client_->ingest_queued(ib);
    });
    if (s) {
      probe_.written(batch.rows, ib.gzipped.size());
      logger().debug(
          "batch ingested",
          {{"tag", ib.tag}, {"table", ib.table}, {"rows", batch.rows}, {"streaming", streamed}});
      return ok();
    }
    if (!keep_records_) return s;
    // The errors.* policy tolerates errors: every record of the batch goes to it (log, DLQ).
    logger().error("batch not ingested; its records go to the error policy",
                   {{"tag", ib.tag}, {"table", ib.table}, {"error", s.error().message()}});
    for (const auto& kept : batch.kept) {
      auto view = kept.record();
      KC_RETURN_IF_ERROR(report(view, s.error()));
    }
    return ok();
  }

  Settings settings_;
  bool keep_records_;
  api::SinkContext context_;
  SinkProbe probe_;
  std::unique_ptr<TokenProvider> tokens_;
  std::unique_ptr<IngestClient> client_;
  std::map<BatchKey, Batch> batches_;
  size_t streaming_fallbacks_ = 0;
};

}  // namespace

api::SinkPlugin kusto_sink_plugin() {
  return {.info = {.name = "kusto",
                   .class_name = "com.microsoft.azure.kusto.kafka.connect.sink.KustoSinkConnector",
                   .aliases = {"KustoSinkConnector"},
                   .summary = "Ingests records into Azure Data Explorer (Kusto) tables, queued or "
                              "streaming, one ingest-by tag per batch with ingestIfNotExists "
                              "(replays are not ingested twice).",
                   .config_def = config_def},
          .create = [](const api::Config& config,
                       const api::SinkContext& context) -> Result<std::unique_ptr<api::Sink>> {
            KC_ASSIGN_OR_RETURN(auto settings, parse_settings(config, process_environment()));
            auto sink = std::make_unique<KustoSink>(std::move(settings),
                                                    tolerates_errors(config.originals()), context);
            KC_RETURN_IF_ERROR(sink->init());
            return sink;
          }};
}

}  // namespace kc::sink::kusto
