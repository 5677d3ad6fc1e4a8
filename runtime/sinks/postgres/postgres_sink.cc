#include "runtime/sinks/postgres/postgres_sink.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "runtime/sinks/common/record_copy.h"
#include "runtime/sinks/postgres/pg_writer.h"
#include "runtime/sinks/postgres/table_mapping.h"

namespace kc::sink::postgres {
namespace {

using Origin = RecordCopy;

class PostgresSink final : public api::Sink {
 public:
  PostgresSink(PgConfig config, api::SinkContext context)
      : config_(std::move(config)),
        context_(std::move(context)),
        mapper_(config_),
        writer_(config_) {}

  // Fails fast: an unreachable server or refused credentials stop the task before it consumes
  // (the message names host:port/database), without retries.
  Status check() override {
    auto st = writer_.check();
    if (st) return st;
    return tl::unexpected(Error(st.error().code(), st.error().message()));
  }

  Result<Offsets> stored_offsets(const std::vector<api::TopicPartition>& partitions) override {
    return with_retries("reading stored offsets",
                        [&] { return writer_.stored_offsets(partitions); });
  }

  api::BatchLimits batch_limits() const override {
    return {.max_records = static_cast<size_t>(config_.batch_size)};
  }

  Status put(std::span<api::SinkRecord> records) override {
    for (const auto& record : records) {
      auto row = mapper_.map(record);
      if (!row) {
        auto error = Error(row.error().code(),
                           fmt::format("record does not map to a row of {}: {}",
                                       table_name(config_.table_name_format, record.topic),
                                       row.error().message()));
        KC_RETURN_IF_ERROR(report(record, error));
        continue;
      }
      if (!*row) continue;  // a tombstone without delete.enabled
      rows_.push_back(std::move(**row));
      origins_.push_back(Origin::of(record));
    }
    return ok();
  }

  Status flush(const Offsets& offsets) override {
    auto reject = [this](size_t index, const Error& error) -> Status {
      return report(origins_[index].record(), error);
    };
    KC_RETURN_IF_ERROR(with_retries("writing to PostgreSQL", [&]() -> Status {
      return writer_.write(rows_, offsets, reject);
    }));
    rows_.clear();
    origins_.clear();
    return ok();
  }

  Status close(const std::vector<api::TopicPartition>&) override { return ok(); }

  void stop() override { writer_.close(); }

 private:
  Status report(const api::SinkRecord& record, const Error& error) {
    auto described =
        Error(error.code(),
              fmt::format("topic={} partition={} offset={}: {}", record.original_topic,
                          record.original_partition, record.original_offset, error.message()));
    if (context_.report_errant) return context_.report_errant(record, described);
    return tl::unexpected(std::move(described));
  }

  // max.retries attempts after the first for retriable errors, retry.backoff.ms apart; then the
  // error is final (not retriable), as Confluent's connector fails the task.
  template <class F>
  auto with_retries(std::string_view what, F&& attempt) -> decltype(attempt()) {
    for (int retry = 0;; ++retry) {
      auto result = attempt();
      if (result || !result.error().retriable()) return result;
      if (retry >= config_.max_retries) {
        return tl::unexpected(
            Error(result.error().code(), fmt::format("{} failed after {} retries (max.retries): {}",
                                                     what, retry, result.error().message())));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(config_.retry_backoff_ms));
    }
  }

  PgConfig config_;
  api::SinkContext context_;
  RecordMapper mapper_;
  PgWriter writer_;
  std::vector<Row> rows_;
  std::vector<Origin> origins_;  // parallel to rows_
};

}  // namespace

api::SinkPlugin postgres_sink_plugin() {
  return {
      .info = {.name = "postgres",
               .class_name = "io.confluent.connect.jdbc.JdbcSinkConnector",
               .aliases = {"io.debezium.connector.jdbc.JdbcSinkConnector", "JdbcSinkConnector"},
               .summary = "Writes rows to PostgreSQL (COPY or multi-row upserts), exactly once: "
                          "rows and consumed offsets commit in one transaction.",
               .config_def = config_def},
      .create = [](const api::Config& config,
                   const api::SinkContext& context) -> Result<std::unique_ptr<api::Sink>> {
        KC_ASSIGN_OR_RETURN(auto parsed, parse_config(config, context.connector_name));
        return std::make_unique<PostgresSink>(std::move(parsed), context);
      }};
}

}  // namespace kc::sink::postgres
