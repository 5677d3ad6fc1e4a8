#include "runtime/sinks/starrocks/starrocks_sink.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "runtime/api/json.h"
#include "runtime/sinks/common/batch_label.h"
#include "runtime/sinks/starrocks/settings.h"
#include "runtime/sinks/starrocks/stream_load.h"

namespace kc::sink::starrocks {
namespace {

auto& logger() {
  static auto& log = kc::log::get("kc.sink.starrocks");
  return log;
}

// The rows of one table from one partition not loaded yet.
struct Batch {
  int64_t first_offset = -1;  // -1: empty
  int64_t end_offset = 0;     // after the last record seen (loaded or buffered)
  size_t rows = 0;
  std::string body;  // JSON: "[row,row" (the "]" is added when sent); CSV: rows and delimiters
};

struct BatchKey {
  std::string table;
  api::TopicPartition partition;  // original coordinates
  bool operator<(const BatchKey& other) const {
    return std::tie(table, partition) < std::tie(other.table, other.partition);
  }
};

class StarRocksSink final : public api::Sink {
 public:
  StarRocksSink(Settings settings, std::unique_ptr<StreamLoader> loader, api::SinkContext context)
      : settings_(std::move(settings)), loader_(std::move(loader)), context_(std::move(context)) {}

  Status check() override { return loader_->check(); }

  // Size limits are applied per table and partition by put() itself (so a replay cuts the same
  // batches whatever the interleaving of partitions); the runtime flushes by time.
  api::BatchLimits batch_limits() const override { return {.linger = settings_.flush_interval}; }

  Status put(std::span<api::SinkRecord> records) override {
    for (const auto& record : records) {
      BatchKey key{settings_.table_for(record.topic),
                   {std::string(record.original_topic), record.original_partition}};
      auto& batch = batches_[key];
      // Already buffered or loaded: the runtime repeats a put that failed part way.
      if (record.original_offset < batch.end_offset) continue;
      if (batch.first_offset < 0) batch.first_offset = record.original_offset;
      batch.end_offset = record.original_offset + 1;
      if (!record.value.is_null()) append_row(batch, record.value);  // tombstones: no row
      if (full(batch)) KC_RETURN_IF_ERROR(load(key, batch));
    }
    return ok();
  }

  Status flush(const api::Offsets& /*offsets*/) override {
    for (auto& [key, batch] : batches_) {
      if (batch.first_offset >= 0) KC_RETURN_IF_ERROR(load(key, batch));
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
  void append_row(Batch& batch, const api::Value& value) {
    if (settings_.format == Format::kJson) {
      batch.body.push_back(batch.rows == 0 ? '[' : ',');
    } else if (batch.rows > 0) {
      batch.body.append(settings_.row_delimiter);
    }
    switch (value.type()) {
      case api::Type::kString:
      case api::Type::kBytes:
        batch.body.append(value.as_text());
        break;
      default:
        api::json::write(value, batch.body);
    }
    ++batch.rows;
  }

  // A batch is cut by its own size only, counted from the offset it starts at: a replay from
  // the same committed offset cuts the same batches.
  bool full(const Batch& batch) const {
    return (settings_.flush_max_records > 0 &&
            batch.rows >= static_cast<size_t>(settings_.flush_max_records)) ||
           batch.body.size() >= static_cast<size_t>(settings_.flush_max_bytes);
  }

  void forget(const std::vector<api::TopicPartition>& partitions) {
    std::erase_if(batches_, [&](const auto& entry) {
      return std::find(partitions.begin(), partitions.end(), entry.first.partition) !=
             partitions.end();
    });
  }

  // Loads the batch and empties it; its end offset stays, so repeated records are recognised.
  Status load(const BatchKey& key, Batch& batch) {
    if (batch.rows > 0) KC_RETURN_IF_ERROR(send(key, batch));
    batch.first_offset = -1;
    batch.rows = 0;
    batch.body.clear();
    return ok();
  }

  Status send(const BatchKey& key, Batch& batch) {
    auto label = make_label({.connector = context_.connector_name,
                             .database = settings_.database,
                             .table = key.table,
                             .topic = key.partition.topic,
                             .partition = key.partition.partition,
                             .first_offset = batch.first_offset,
                             .end_offset = batch.end_offset});
    if (settings_.format == Format::kJson) batch.body.push_back(']');
    auto loaded = loader_->load(key.table, label, batch.body);
    if (settings_.format == Format::kJson) batch.body.pop_back();
    if (!loaded) return tl::unexpected(loaded.error());
    logger().debug("stream load done", {{"label", label},
                                        {"table", key.table},
                                        {"rows", batch.rows},
                                        {"already_loaded", loaded->already_loaded},
                                        {"attempts", loaded->attempts}});
    if (loaded->already_loaded) {
      logger().info("batch already loaded by an earlier attempt (label exists); not loaded again",
                    {{"label", label}, {"table", key.table}});
    }
    return ok();
  }

  Settings settings_;
  std::unique_ptr<StreamLoader> loader_;
  api::SinkContext context_;
  std::map<BatchKey, Batch> batches_;
};

}  // namespace

api::SinkPlugin starrocks_sink_plugin() {
  return {
      .info = {.name = "starrocks",
               .class_name = "com.starrocks.connector.kafka.StarRocksSinkConnector",
               .aliases = {"com.starrocks.connector.kafka.SinkConnector", "StarRocksSinkConnector"},
               .summary = "Loads records into StarRocks tables with Stream Load, one "
                          "deterministic label per batch (replays are not loaded twice).",
               .config_def = config_def},
      .create = [](const api::Config& config,
                   const api::SinkContext& context) -> Result<std::unique_ptr<api::Sink>> {
        KC_ASSIGN_OR_RETURN(auto settings, parse_settings(config));
        KC_ASSIGN_OR_RETURN(auto loader, StreamLoader::create(settings));
        return std::make_unique<StarRocksSink>(std::move(settings), std::move(loader), context);
      }};
}

}  // namespace kc::sink::starrocks
