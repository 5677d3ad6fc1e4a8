#pragma once

// Records to rows, and the SQL that writes them: everything the postgres sink does that needs no
// database, so it can be unit-tested.
//
// Type mapping (Connect schema type -> PostgreSQL column type, as Confluent's PostgreSQL dialect):
//   int8, int16 -> SMALLINT; int32 -> INT; int64 -> BIGINT; float32 -> REAL;
//   float64 -> DOUBLE PRECISION; boolean -> BOOLEAN; string -> TEXT; bytes -> BYTEA;
//   Decimal -> DECIMAL; Date -> DATE; Time -> TIME; Timestamp -> TIMESTAMP;
//   array, map, struct -> JSONB (Confluent's connector refuses these).
// Schemaless JSON (JsonConverter with schemas.enable=false): the value must be a JSON object; each
// top-level member is a column: integer -> BIGINT, other number -> DOUBLE PRECISION,
// true/false -> BOOLEAN, string -> TEXT, object/array -> JSONB (its JSON text), null -> TEXT
// (a NULL). Every schemaless column is nullable.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/record.h"
#include "runtime/sinks/postgres/pg_config.h"

namespace kc::sink::postgres {

struct Column {
  std::string name;
  std::string sql_type;  // for CREATE TABLE / ADD COLUMN: "BIGINT", "TEXT", "JSONB", ...
  bool optional = true;
  bool key = false;
  bool operator==(const Column&) const = default;
};
using Columns = std::vector<Column>;
using ColumnsPtr = std::shared_ptr<const Columns>;

enum class RowOp { kWrite, kDelete };

// One record as a row: owned values in PostgreSQL's text input form (nullopt is NULL), in the
// order of *columns. Records of the same shape share one `columns` object.
struct Row {
  RowOp op = RowOp::kWrite;
  std::string table;
  ColumnsPtr columns;
  std::vector<std::optional<std::string>> values;
};

// Maps records to rows per pk.mode, fields.whitelist, table.name.format and delete.enabled.
// Threading: one instance per task (keeps a small cache of the last shapes).
class RecordMapper {
 public:
  explicit RecordMapper(const PgConfig& config) : config_(config) {}
  // nullopt: the record is skipped (a tombstone without delete.enabled). Errc::kData errors name
  // the field and what is wrong; they concern this record only.
  Result<std::optional<Row>> map(const api::SinkRecord& record);

 private:
  ColumnsPtr intern(Columns columns);

  const PgConfig& config_;
  std::vector<ColumnsPtr> recent_;  // shapes seen lately, most recent first
};

// ---- SQL text ----

// "name" with embedded quotes doubled.
std::string quote_identifier(std::string_view name);
// A table name: "schema"."table" when it holds a dot, else "table".
std::string quote_table(std::string_view table);
// 'text' with quotes doubled (standard_conforming_strings=on, set by the writer), or NULL.
void append_literal(const std::optional<std::string>& value, std::string& out);

std::string create_table_sql(std::string_view table, const Columns& columns);
std::string add_column_sql(std::string_view table, const Column& column);
// INSERT ... VALUES (...),(...) ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c (DO NOTHING when
// every column is a key). `rows` share one shape.
std::string upsert_sql(std::string_view table, std::span<const Row* const> rows);
// UPDATE t SET c = v.c::type FROM (VALUES ...) AS v(...) WHERE t.k = v.k::type. `column_type`
// gives each column's type in the table (format_type), for the casts.
std::string update_sql(std::string_view table, std::span<const Row* const> rows,
                       const std::function<std::string(const std::string&)>& column_type);
// DELETE FROM t WHERE (k1, k2) IN ((...), (...)).
std::string delete_sql(std::string_view table, std::span<const Row* const> rows);

// The offsets table (kconnect_offsets by default).
std::string create_offsets_table_sql(std::string_view table);

}  // namespace kc::sink::postgres
