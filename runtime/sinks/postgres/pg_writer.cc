#include "runtime/sinks/postgres/pg_writer.h"

#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "libs/base/strings.h"

namespace kc::sink::postgres {
namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

constexpr size_t kRowsPerStatement = 1000;
constexpr size_t kStatementBytes = 4 << 20;
constexpr size_t kCopyChunk = 1 << 20;
constexpr int64_t kNoStoredOffset = -1;

std::string trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// An error from a failed statement's result, classified by SQLSTATE.
Error result_error(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  std::string message;
  if (result != nullptr && PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) != nullptr) {
    message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
      message += fmt::format(" ({})", detail);
    }
  } else {
    message = trimmed(PQerrorMessage(conn));
  }
  if (sqlstate.empty() || PQstatus(conn) == CONNECTION_BAD) {
    return Error(Errc::kUnavailable, fmt::format("{}: {}", what, message), Retry::kYes);
  }
  auto text = fmt::format("{}: PostgreSQL: {} (SQLSTATE {})", what, message, sqlstate);
  switch (classify_sqlstate(sqlstate)) {
    case PgErrorKind::kRetriable:
      return Error(Errc::kUnavailable, std::move(text), Retry::kYes);
    case PgErrorKind::kRow:
      return Error(Errc::kData, std::move(text));
    case PgErrorKind::kFatal:
      break;
  }
  if (sqlstate == "42501") return Error(Errc::kPermissionDenied, std::move(text));
  return Error(Errc::kIo, std::move(text));
}

bool same_run(const Row& a, const Row& b) {
  return a.op == b.op && a.columns == b.columns && a.table == b.table;
}

std::string key_of(const Row& row) {
  std::string key;
  const auto& columns = *row.columns;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].key) continue;
    key += row.values[i].value_or("\\N");
    key.push_back('\0');
  }
  return key;
}

}  // namespace

PgErrorKind classify_sqlstate(std::string_view s) {
  auto cls = s.substr(0, 2);
  // 08 connection, 40 transaction rollback (serialization, deadlock), 53 resources, 57 operator
  // intervention (shutdown), 58 system error; 55P03 lock not available.
  if (cls == "08" || cls == "40" || cls == "53" || cls == "57" || cls == "58" || s == "55P03") {
    return PgErrorKind::kRetriable;
  }
  // 22 data exception, 23 integrity constraint violation, 42804 datatype mismatch, 54 program
  // limit exceeded (a row too large): the row does not fit the table.
  if (cls == "22" || cls == "23" || s == "42804" || cls == "54") return PgErrorKind::kRow;
  return PgErrorKind::kFatal;
}

void append_copy_row(const std::vector<std::optional<std::string>>& values, std::string& out) {
  bool first = true;
  for (const auto& v : values) {
    if (!first) out.push_back('\t');
    first = false;
    if (!v) {
      out += "\\N";
      continue;
    }
    for (char c : *v) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out.push_back(c);
      }
    }
  }
  out.push_back('\n');
}

struct PgWriter::Impl {
  struct TableInfo {
    std::map<std::string, std::string, std::less<>> column_types;  // name -> format_type
  };
  // A run: consecutive rows of one table, shape and operation.
  struct Run {
    size_t begin = 0, end = 0;
  };

  PgConfig config;
  ConnPtr conn;
  std::map<std::string, TableInfo, std::less<>> tables;
  std::set<std::pair<std::string, ColumnsPtr>> checked_shapes;
  Offsets known;  // where the offsets table was when this writer last read or wrote it
  bool offsets_table_ready = false;

  explicit Impl(PgConfig c) : config(std::move(c)) {}

  Error unavailable(std::string_view detail) const {
    return Error(Errc::kUnavailable,
                 fmt::format("PostgreSQL at {}: {}", config.display_url, detail), Retry::kYes);
  }

  void drop_connection() {
    conn.reset();
    tables.clear();
    checked_shapes.clear();
  }

  Status connect() {
    if (conn && PQstatus(conn.get()) == CONNECTION_OK) return ok();
    drop_connection();
    // connect_timeout first: a value in connection.url (expanded from dbname) overrides it.
    const char* keys[] = {"connect_timeout", "dbname", "application_name", nullptr};
    const char* values[] = {"10", config.conninfo.c_str(), "kconnect", nullptr};
    ConnPtr c(PQconnectdbParams(keys, values, 1));
    if (!c) return tl::unexpected(unavailable("out of memory connecting"));
    if (PQstatus(c.get()) != CONNECTION_OK) {
      return tl::unexpected(
          unavailable(fmt::format("cannot connect: {}", trimmed(PQerrorMessage(c.get())))));
    }
    conn = std::move(c);
    // NOTICEs ("relation already exists, skipping") would go to stderr.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    std::string setup = "SET standard_conforming_strings = on; SET TIME ZONE ";
    append_literal(config.db_timezone, setup);
    ResultPtr r(PQexec(conn.get(), setup.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      auto err = result_error(r.get(), conn.get(), "setting up the session");
      if (!err.retriable()) {
        err = Error(Errc::kInvalidConfig,
                    fmt::format("db.timezone = '{}': {}", config.db_timezone, err.message()));
      }
      drop_connection();
      return tl::unexpected(std::move(err));
    }
    return ok();
  }

  // Runs `sql`; the result when it has the expected status.
  Result<ResultPtr> exec(const std::string& sql, std::string_view what,
                         ExecStatusType expected = PGRES_COMMAND_OK) {
    ResultPtr r(PQexec(conn.get(), sql.c_str()));
    if (r && PQresultStatus(r.get()) == expected) return r;
    auto err = result_error(r.get(), conn.get(), what);
    if (PQstatus(conn.get()) == CONNECTION_BAD) drop_connection();
    return tl::unexpected(std::move(err));
  }

  void rollback() {
    if (conn && PQstatus(conn.get()) == CONNECTION_OK) {
      ResultPtr r(PQexec(conn.get(), "ROLLBACK"));
    }
  }

  Status ensure_offsets_table() {
    if (offsets_table_ready) return ok();
    KC_RETURN_IF_ERROR(exec(create_offsets_table_sql(config.offsets_table),
                            fmt::format("creating the offsets table {}", config.offsets_table)));
    offsets_table_ready = true;
    return ok();
  }

  Result<const TableInfo*> describe(const std::string& table) {
    if (auto it = tables.find(table); it != tables.end()) return &it->second;
    std::string regclass;
    append_literal(quote_table(table), regclass);
    auto sql = fmt::format(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass({}) AND a.attnum > 0 AND NOT a.attisdropped",
        regclass);
    KC_ASSIGN_OR_RETURN(auto r,
                        exec(sql, fmt::format("describing table {}", table), PGRES_TUPLES_OK));
    if (PQntuples(r.get()) == 0) return nullptr;
    TableInfo info;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      info.column_types.emplace(PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1));
    }
    return &tables.emplace(table, std::move(info)).first->second;
  }

  // Creates missing tables and adds missing columns per auto.create / auto.evolve.
  Status ensure_table(const Row& row) {
    if (checked_shapes.count({row.table, row.columns}) > 0) return ok();
    KC_ASSIGN_OR_RETURN(const TableInfo* info, describe(row.table));
    if (info == nullptr) {
      if (!config.auto_create) {
        return make_error(Errc::kNotFound, "table {} does not exist in {} and auto.create is false",
                          row.table, config.display_url);
      }
      KC_RETURN_IF_ERROR(exec(create_table_sql(row.table, *row.columns),
                              fmt::format("creating table {}", row.table)));
      tables.erase(row.table);
      KC_ASSIGN_OR_RETURN(info, describe(row.table));
      if (info == nullptr) {
        return make_error(Errc::kInternal, "table {} missing right after CREATE TABLE", row.table);
      }
    }
    bool added = false;
    for (const auto& column : *row.columns) {
      if (info->column_types.count(column.name) > 0) continue;
      if (!config.auto_evolve) {
        return make_error(Errc::kInvalidConfig,
                          "table {} has no column '{}' and auto.evolve is false", row.table,
                          column.name);
      }
      if (!column.optional) {
        return make_error(Errc::kInvalidConfig,
                          "table {} has no column '{}', and auto.evolve adds only optional "
                          "fields (this one is required)",
                          row.table, column.name);
      }
      KC_RETURN_IF_ERROR(exec(add_column_sql(row.table, column),
                              fmt::format("adding column '{}' to {}", column.name, row.table)));
      added = true;
    }
    if (added) {
      tables.erase(row.table);
      KC_RETURN_IF_ERROR(describe(row.table));
    }
    checked_shapes.emplace(row.table, row.columns);
    return ok();
  }

  std::string column_type(const std::string& table, const std::string& column) const {
    auto t = tables.find(table);
    if (t == tables.end()) return "text";
    auto c = t->second.column_types.find(column);
    return c == t->second.column_types.end() ? std::string("text") : c->second;
  }

  // ---- offsets ----

  std::string offsets_where(const std::vector<api::TopicPartition>& partitions) const {
    std::string sql = "connector = ";
    append_literal(config.connector_name, sql);
    sql += " AND (topic, \"partition\") IN (";
    bool first = true;
    for (const auto& tp : partitions) {
      if (!first) sql += ", ";
      first = false;
      sql += "(";
      append_literal(tp.topic, sql);
      sql += fmt::format(", {})", tp.partition);
    }
    sql += ")";
    return sql;
  }

  Result<Offsets> read_offsets(const std::vector<api::TopicPartition>& partitions,
                               bool for_update) {
    Offsets out;
    if (partitions.empty()) return out;
    auto sql = fmt::format("SELECT topic, \"partition\", next_offset FROM {} WHERE {}{}",
                           quote_table(config.offsets_table), offsets_where(partitions),
                           for_update ? " FOR UPDATE" : "");
    KC_ASSIGN_OR_RETURN(auto r, exec(sql, "reading stored offsets", PGRES_TUPLES_OK));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      api::TopicPartition tp{PQgetvalue(r.get(), i, 0),
                             static_cast<int32_t>(std::atoi(PQgetvalue(r.get(), i, 1)))};
      out[tp] = std::atoll(PQgetvalue(r.get(), i, 2));
    }
    return out;
  }

  enum class Fence { kProceed, kAlreadyCommitted };

  // Inside the transaction: locks the offsets rows and checks nobody else moved them.
  Result<Fence> fence(const Offsets& offsets) {
    std::vector<api::TopicPartition> partitions;
    for (const auto& [tp, next] : offsets) partitions.push_back(tp);
    KC_ASSIGN_OR_RETURN(auto stored, read_offsets(partitions, true));
    bool all_at_target = true;
    std::optional<std::string> moved;
    for (const auto& [tp, next] : offsets) {
      auto s = stored.find(tp);
      int64_t now = s == stored.end() ? kNoStoredOffset : s->second;
      if (now != next) all_at_target = false;
      auto k = known.find(tp);
      if (k != known.end() && k->second != now && !moved) {
        moved = fmt::format("{}-{}: expected {}, found {}", tp.topic, tp.partition, k->second, now);
      }
    }
    if (all_at_target && !offsets.empty()) return Fence::kAlreadyCommitted;
    if (moved) {
      return make_error(Errc::kConflict,
                        "offsets table {} was moved by another writer ({}): this task no "
                        "longer owns the partition; nothing was written",
                        config.offsets_table, *moved);
    }
    return Fence::kProceed;
  }

  Status store_offsets(const Offsets& offsets) {
    if (offsets.empty()) return ok();
    std::string sql = fmt::format(
        "INSERT INTO {} (connector, topic, \"partition\", next_offset) "
        "VALUES ",
        quote_table(config.offsets_table));
    bool first = true;
    for (const auto& [tp, next] : offsets) {
      sql += first ? "(" : ", (";
      first = false;
      append_literal(config.connector_name, sql);
      sql += ", ";
      append_literal(tp.topic, sql);
      sql += fmt::format(", {}, {})", tp.partition, next);
    }
    sql +=
        " ON CONFLICT (connector, topic, \"partition\") DO UPDATE SET next_offset = "
        "EXCLUDED.next_offset, updated_at = now()";
    return exec(sql, "storing offsets").map([](auto&&) {});
  }

  // ---- rows ----

  Status copy_rows(std::span<const Row* const> rows) {
    const Row& first = *rows.front();
    std::string columns;
    for (const auto& c : *first.columns) {
      if (!columns.empty()) columns += ", ";
      columns += quote_identifier(c.name);
    }
    auto what = fmt::format("COPY into {}", first.table);
    KC_RETURN_IF_ERROR(
        exec(fmt::format("COPY {} ({}) FROM STDIN", quote_table(first.table), columns), what,
             PGRES_COPY_IN));
    std::string buffer;
    buffer.reserve(kCopyChunk + 4096);
    auto send = [&]() -> bool {
      bool sent = PQputCopyData(conn.get(), buffer.data(), static_cast<int>(buffer.size())) == 1;
      buffer.clear();
      return sent;
    };
    bool sent = true;
    for (const Row* row : rows) {
      append_copy_row(row->values, buffer);
      if (buffer.size() >= kCopyChunk && !(sent = send())) break;
    }
    if (sent && !buffer.empty()) sent = send();
    PQputCopyEnd(conn.get(), sent ? nullptr : "kconnect: sending COPY data failed");
    Status status = ok();
    while (ResultPtr r{PQgetResult(conn.get())}) {
      if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && status) {
        status = tl::unexpected(result_error(r.get(), conn.get(), what));
      }
    }
    if (status && !sent) status = tl::unexpected(unavailable(trimmed(PQerrorMessage(conn.get()))));
    if (PQstatus(conn.get()) == CONNECTION_BAD) drop_connection();
    return status;
  }

  // One statement per chunk of rows (the rows share table, shape and operation).
  Status statement_rows(std::span<const Row* const> rows) {
    const Row& first = *rows.front();
    size_t begin = 0;
    while (begin < rows.size()) {
      size_t end = begin;
      size_t bytes = 0;
      while (end < rows.size() && end - begin < kRowsPerStatement && bytes < kStatementBytes) {
        for (const auto& v : rows[end]->values) bytes += v ? v->size() + 4 : 4;
        ++end;
      }
      auto chunk = rows.subspan(begin, end - begin);
      std::string sql;
      std::string what;
      if (first.op == RowOp::kDelete) {
        sql = delete_sql(first.table, chunk);
        what = fmt::format("DELETE from {}", first.table);
      } else if (config.insert_mode == InsertMode::kUpdate) {
        sql = update_sql(first.table, chunk,
                         [&](const std::string& c) { return column_type(first.table, c); });
        what = fmt::format("UPDATE of {}", first.table);
      } else {
        sql = upsert_sql(first.table, chunk);
        what = fmt::format("INSERT ... ON CONFLICT into {}", first.table);
      }
      KC_RETURN_IF_ERROR(exec(sql, what));
      begin = end;
    }
    return ok();
  }

  Status write_run(std::span<const Row* const> rows) {
    if (rows.front()->op == RowOp::kWrite && config.insert_mode == InsertMode::kInsert) {
      return copy_rows(rows);
    }
    return statement_rows(rows);
  }

  // The rows of rows[run] to write: for upsert and update only the last row of each key (one
  // statement cannot touch a row twice).
  static std::vector<const Row*> run_rows(std::span<const Row> rows, Run run, bool dedupe) {
    std::vector<const Row*> out;
    out.reserve(run.end - run.begin);
    if (!dedupe) {
      for (size_t i = run.begin; i < run.end; ++i) out.push_back(&rows[i]);
      return out;
    }
    std::unordered_map<std::string, size_t> last;
    for (size_t i = run.begin; i < run.end; ++i) last[key_of(rows[i])] = i;
    for (size_t i = run.begin; i < run.end; ++i) {
      if (last[key_of(rows[i])] == i) out.push_back(&rows[i]);
    }
    return out;
  }

  std::vector<Run> runs_of(std::span<const Row> rows) const {
    std::vector<Run> runs;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (runs.empty() || !same_run(rows[runs.back().begin], rows[i])) runs.push_back({i, i});
      runs.back().end = i + 1;
    }
    return runs;
  }

  bool dedupe(const Row& row) const {
    return row.op == RowOp::kWrite && config.insert_mode != InsertMode::kInsert;
  }

  // One transaction. With `isolate`, each run and then each row of a failing run gets a
  // savepoint, so rows PostgreSQL refuses can be named and handed to `on_reject`.
  Status attempt(std::span<const Row> rows, const Offsets& offsets, bool isolate,
                 const RejectFn& on_reject) {
    KC_RETURN_IF_ERROR(exec("BEGIN", "BEGIN"));
    auto fenced = fence(offsets);
    if (!fenced || *fenced == Fence::kAlreadyCommitted) {
      rollback();
      if (!fenced) return tl::unexpected(std::move(fenced).error());
      for (const auto& [tp, next] : offsets) known[tp] = next;
      return ok();
    }
    auto fail = [&](Error e) -> Status {
      rollback();
      return tl::unexpected(std::move(e));
    };
    for (const auto& run : runs_of(rows)) {
      auto list = run_rows(rows, run, dedupe(rows[run.begin]));
      if (!isolate) {
        if (auto st = write_run(list); !st) return fail(std::move(st).error());
        continue;
      }
      if (auto st = exec("SAVEPOINT kc_run", "SAVEPOINT"); !st) return fail(std::move(st).error());
      auto st = write_run(list);
      if (st) {
        if (auto r = exec("RELEASE SAVEPOINT kc_run", "RELEASE"); !r) return fail(r.error());
        continue;
      }
      if (st.error().code() != Errc::kData) return fail(std::move(st).error());
      if (auto r = exec("ROLLBACK TO SAVEPOINT kc_run", "ROLLBACK TO"); !r) return fail(r.error());
      for (const Row* row : list) {
        if (auto r = exec("SAVEPOINT kc_row", "SAVEPOINT"); !r) return fail(r.error());
        const Row* one[] = {row};
        auto single = write_run(one);
        if (single) {
          if (auto r = exec("RELEASE SAVEPOINT kc_row", "RELEASE"); !r) return fail(r.error());
          continue;
        }
        if (single.error().code() != Errc::kData) return fail(std::move(single).error());
        if (auto r = exec("ROLLBACK TO SAVEPOINT kc_row", "ROLLBACK TO"); !r) {
          return fail(r.error());
        }
        auto index = static_cast<size_t>(row - rows.data());
        if (auto verdict = on_reject(index, single.error()); !verdict) {
          return fail(std::move(verdict).error());
        }
      }
    }
    if (auto st = store_offsets(offsets); !st) return fail(std::move(st).error());
    KC_RETURN_IF_ERROR(exec("COMMIT", "COMMIT"));
    for (const auto& [tp, next] : offsets) known[tp] = next;
    return ok();
  }
};

PgWriter::PgWriter(PgConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
PgWriter::~PgWriter() = default;

Status PgWriter::check() {
  KC_RETURN_IF_ERROR(impl_->connect());
  return impl_->ensure_offsets_table();
}

Result<Offsets> PgWriter::stored_offsets(const std::vector<api::TopicPartition>& partitions) {
  KC_RETURN_IF_ERROR(impl_->connect());
  KC_RETURN_IF_ERROR(impl_->ensure_offsets_table());
  KC_ASSIGN_OR_RETURN(auto stored, impl_->read_offsets(partitions, false));
  for (const auto& tp : partitions) {
    auto it = stored.find(tp);
    impl_->known[tp] = it == stored.end() ? kNoStoredOffset : it->second;
  }
  return stored;
}

Status PgWriter::write(std::span<const Row> rows, const Offsets& offsets,
                       const RejectFn& on_reject) {
  if (rows.empty() && offsets.empty()) return ok();
  KC_RETURN_IF_ERROR(impl_->connect());
  KC_RETURN_IF_ERROR(impl_->ensure_offsets_table());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || !same_run(rows[i - 1], rows[i])) KC_RETURN_IF_ERROR(impl_->ensure_table(rows[i]));
  }
  auto st = impl_->attempt(rows, offsets, false, on_reject);
  if (st || st.error().code() != Errc::kData) return st;
  return impl_->attempt(rows, offsets, true, on_reject);
}

void PgWriter::close() { impl_->drop_connection(); }

}  // namespace kc::sink::postgres
