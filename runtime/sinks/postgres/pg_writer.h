#pragma once

// Writes rows and the consumed offsets to PostgreSQL in one transaction (libpq).
//
// Guarantees
//  - write() commits the rows and the offsets together or neither: a crash at any point leaves
//    the table and the offsets table consistent, so resuming from stored_offsets() writes each
//    record exactly once.
//  - Fencing: write() locks the offsets rows it moves (SELECT ... FOR UPDATE) and refuses to
//    commit when they are not where this writer last saw them (another task, or a task that
//    outlived its assignment, moved them): Errc::kConflict, not retriable. A retry after a lost
//    COMMIT acknowledgement finds its own offsets already stored and returns ok.
//  - Rows are written per run of the same table, shape and operation: insert mode by COPY,
//    upsert by multi-row INSERT ... ON CONFLICT, update by UPDATE ... FROM (VALUES ...), deletes
//    by DELETE ... WHERE (key) IN (...); never one statement per record, except to find which row
//    PostgreSQL refuses after a batch failed with a data error.
// Caveats
//  - DDL (auto.create, auto.evolve, the offsets table) commits on its own before the data.
// Threading: one instance per task, used from the task's sink thread only.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/record.h"
#include "runtime/api/sink.h"
#include "runtime/sinks/postgres/pg_config.h"
#include "runtime/sinks/postgres/table_mapping.h"

namespace kc::sink::postgres {

using Offsets = api::Offsets;  // per original partition: the next offset to consume

// Called for a row PostgreSQL refuses (a type or constraint error): `index` into the rows given to
// write(), `error` (Errc::kData) carries PostgreSQL's message. Returning an error aborts the
// write (nothing is committed) with that error; returning ok drops the row and goes on.
using RejectFn = std::function<Status(size_t index, const Error& error)>;

class PgWriter {
 public:
  explicit PgWriter(PgConfig config);
  ~PgWriter();
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  // Connects and creates the offsets table if missing. Errors name host:port/database;
  // connection failures are retriable.
  Status check();
  // Where each partition resumes: the stored next offset, or no entry when none is stored.
  Result<Offsets> stored_offsets(const std::vector<api::TopicPartition>& partitions);
  // Writes `rows` and `offsets` in one transaction (see Guarantees). Errors: retriable ones
  // (connection lost, serialization failure, deadlock), Errc::kConflict (fenced), Errc::kNotFound
  // (a missing table without auto.create), Errc::kInvalidConfig (a missing column without
  // auto.evolve), or what `on_reject` returned.
  Status write(std::span<const Row> rows, const Offsets& offsets, const RejectFn& on_reject);
  // Closes the connection.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// How PostgreSQL's SQLSTATE classes are treated (exposed for tests).
enum class PgErrorKind { kRetriable, kRow, kFatal };
PgErrorKind classify_sqlstate(std::string_view sqlstate);

// COPY's text format for one row: values escaped, tab-separated, \N for NULL, newline-terminated.
void append_copy_row(const std::vector<std::optional<std::string>>& values, std::string& out);

}  // namespace kc::sink::postgres
