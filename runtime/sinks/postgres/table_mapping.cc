#include "runtime/sinks/postgres/table_mapping.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "libs/base/time.h"
#include "runtime/api/json.h"

namespace kc::sink::postgres {
namespace {

using api::Schema;
using api::Type;
using api::Value;

constexpr std::string_view kDecimal = "org.apache.kafka.connect.data.Decimal";
constexpr std::string_view kDate = "org.apache.kafka.connect.data.Date";
constexpr std::string_view kTime = "org.apache.kafka.connect.data.Time";
constexpr std::string_view kTimestamp = "org.apache.kafka.connect.data.Timestamp";
constexpr size_t kMaxRecentShapes = 8;

bool has_name(const Schema& schema, std::string_view name) {
  return schema.name && *schema.name == name;
}

std::string_view sql_type(const Schema& schema) {
  if (has_name(schema, kDecimal)) return "DECIMAL";
  if (has_name(schema, kDate)) return "DATE";
  if (has_name(schema, kTime)) return "TIME";
  if (has_name(schema, kTimestamp)) return "TIMESTAMP";
  switch (schema.type) {
    case Type::kInt8:
    case Type::kInt16:
      return "SMALLINT";
    case Type::kInt32:
      return "INT";
    case Type::kInt64:
      return "BIGINT";
    case Type::kFloat32:
      return "REAL";
    case Type::kFloat64:
      return "DOUBLE PRECISION";
    case Type::kBoolean:
      return "BOOLEAN";
    case Type::kBytes:
      return "BYTEA";
    case Type::kArray:
    case Type::kMap:
    case Type::kStruct:
    case Type::kRawJson:
      return "JSONB";
    default:
      return "TEXT";
  }
}

std::string_view inferred_type(const Value& value) {
  switch (value.type()) {
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
      return "BIGINT";
    case Type::kFloat32:
    case Type::kFloat64:
      return "DOUBLE PRECISION";
    case Type::kBoolean:
      return "BOOLEAN";
    case Type::kBytes:
      return "BYTEA";
    case Type::kArray:
    case Type::kMap:
    case Type::kStruct:
    case Type::kRawJson:
      return "JSONB";
    default:
      return "TEXT";
  }
}

std::string date_text(int64_t days) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  if (y <= 0) return fmt::format("{:04}-{:02}-{:02} BC", 1 - y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string time_text(int64_t millis_of_day) {
  auto ms = millis_of_day % 1000;
  auto s = millis_of_day / 1000;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", s / 3600, (s / 60) % 60, s % 60, ms);
}

std::string timestamp_text(int64_t millis) {
  auto days = millis >= 0 ? millis / 86400000 : -((-millis + 86399999) / 86400000);
  auto rest = millis - days * 86400000;
  // Written as UTC; the column's type decides (timestamptz keeps the instant, timestamp the
  // UTC wall clock, as Confluent's connector with db.timezone=UTC).
  return date_text(days) + " " + time_text(rest) + "+00";
}

// Connect's Decimal: the unscaled value as big-endian two's complement bytes, any width.
std::string decimal_text(std::string_view bytes, const Schema& schema) {
  int scale = 0;
  if (auto it = schema.parameters.find("scale"); it != schema.parameters.end()) {
    scale = std::atoi(it->second.c_str());
  }
  std::vector<unsigned> magnitude;  // base-256 digits, most significant first
  magnitude.reserve(bytes.size());
  for (char c : bytes) magnitude.push_back(static_cast<unsigned char>(c));
  const bool negative = !magnitude.empty() && magnitude[0] >= 0x80;
  if (negative) {  // two's complement: invert and add one
    unsigned carry = 1;
    for (auto it = magnitude.rbegin(); it != magnitude.rend(); ++it) {
      unsigned v = (~*it & 0xffU) + carry;
      *it = v & 0xffU;
      carry = v >> 8;
    }
  }
  std::string digits;  // least significant first
  bool zero = false;
  while (!zero) {
    unsigned remainder = 0;
    zero = true;
    for (auto& d : magnitude) {
      unsigned cur = remainder * 256 + d;
      d = cur / 10;
      remainder = cur % 10;
      if (d != 0) zero = false;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  while (scale > 0 && digits.size() <= static_cast<size_t>(scale)) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  if (scale > 0) digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  if (negative) digits.insert(0, "-");
  return digits;
}

std::string bytea_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string double_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);
}

// A value in PostgreSQL's text input form; `schema` may be null (schemaless).
Result<std::optional<std::string>> value_text(const Value& value, const Schema* schema) {
  if (value.is_null()) return std::optional<std::string>();
  if (schema != nullptr && schema->name) {
    if (has_name(*schema, kDecimal) && value.type() == Type::kBytes) {
      return {decimal_text(value.as_text(), *schema)};
    }
    if (has_name(*schema, kDate) && value.is_integer()) return {date_text(value.as_int())};
    if (has_name(*schema, kTime) && value.is_integer()) return {time_text(value.as_int())};
    if (has_name(*schema, kTimestamp) && value.is_integer()) {
      return {timestamp_text(value.as_int())};
    }
  }
  switch (value.type()) {
    case Type::kBoolean:
      return {std::string(value.as_bool() ? "true" : "false")};
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
      return {fmt::format("{}", value.as_int())};
    case Type::kFloat32:
    case Type::kFloat64:
      return {double_text(value.as_double())};
    case Type::kString: {
      auto text = value.as_text();
      if (text.find('\0') != std::string_view::npos) {
        return make_error(Errc::kData,
                          "a string holds a NUL character, which PostgreSQL's text "
                          "types cannot store");
      }
      return {std::string(text)};
    }
    case Type::kBytes:
      return {bytea_text(value.as_text())};
    default:
      return {api::json::to_json(value)};
  }
}

struct Field {
  std::string_view name;
  const Value* value = nullptr;
  const Schema* schema = nullptr;  // null: schemaless
};

// The top-level fields of a struct or (schemaless) map value, in order.
Result<std::vector<Field>> fields_of(const Value& value, const Schema* schema,
                                     std::string_view what) {
  std::vector<Field> out;
  if (value.type() == Type::kStruct) {
    const auto& fields = value.as_struct();
    out.reserve(fields.size());
    for (const auto& [name, v] : fields) {
      const Schema::Field* f = schema != nullptr ? schema->field(name) : nullptr;
      out.push_back({name, &v, f != nullptr ? f->schema.get() : nullptr});
    }
    return out;
  }
  if (value.type() == Type::kMap) {
    for (const auto& [k, v] : value.as_map()) {
      if (k.type() != Type::kString) {
        return make_error(Errc::kData,
                          "the {} is a map with non-string keys; a row needs "
                          "named fields",
                          what);
      }
      const Schema* vs = schema != nullptr ? schema->value_schema.get() : nullptr;
      out.push_back({k.as_text(), &v, vs});
    }
    return out;
  }
  return make_error(Errc::kData,
                    "the {} is {}, but a row needs a struct or a JSON object (with pk.mode={} "
                    "only a primitive key can be a column)",
                    what, api::type_name(value.type()),
                    what == "key" ? "record_key" : "none/kafka/record_value");
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Builds a row's shape while values are added: as long as the columns match `candidate` (the
// shape of the previous record, usually the same), nothing is allocated for them.
class ShapeBuilder {
 public:
  explicit ShapeBuilder(const Columns* candidate) : candidate_(candidate) {}

  void add(std::string_view name, std::string_view type, bool optional, bool key) {
    if (built_.empty() && candidate_ != nullptr && count_ < candidate_->size()) {
      const Column& c = (*candidate_)[count_];
      if (c.name == name && c.sql_type == type && c.optional == optional && c.key == key) {
        ++count_;
        return;
      }
    }
    if (built_.empty() && count_ > 0)
      built_.assign(candidate_->begin(), candidate_->begin() + static_cast<std::ptrdiff_t>(count_));
    built_.push_back({std::string(name), std::string(type), optional, key});
    ++count_;
  }

  size_t size() const { return count_; }
  // True when the shape is exactly `candidate`.
  bool matches_candidate() const {
    return built_.empty() && candidate_ != nullptr && count_ == candidate_->size();
  }
  Columns take() {
    if (built_.empty() && count_ > 0)
      built_.assign(candidate_->begin(), candidate_->begin() + static_cast<std::ptrdiff_t>(count_));
    return std::move(built_);
  }

 private:
  const Columns* candidate_;
  size_t count_ = 0;
  Columns built_;
};

const Schema& fixed_schema(Type type) {
  static const Schema kString{.type = Type::kString};
  static const Schema kInt32{.type = Type::kInt32};
  static const Schema kInt64{.type = Type::kInt64};
  return type == Type::kInt32 ? kInt32 : type == Type::kInt64 ? kInt64 : kString;
}

}  // namespace

Result<std::optional<Row>> RecordMapper::map(const api::SinkRecord& record) {
  Row row;
  row.table = table_name(config_.table_name_format, record.topic);
  ShapeBuilder shape(recent_.empty() ? nullptr : recent_.front().get());
  // Key columns are NOT NULL; value columns nullable unless their schema says required.
  auto add = [&](std::string_view name, const Value& v, const Schema* schema, bool key) -> Status {
    auto text = value_text(v, schema);
    if (!text) {
      return make_error(Errc::kData, "field '{}': {}", name, text.error().message());
    }
    bool optional = !key && (schema == nullptr || schema->optional);
    shape.add(name, schema != nullptr ? sql_type(*schema) : inferred_type(v), optional, key);
    row.values.push_back(std::move(*text));
    return ok();
  };

  // Materialize raw JSON (schemaless) once.
  Value key_value = record.key, value_value = record.value;
  if (key_value.type() == Type::kRawJson) {
    auto parsed = api::json::materialize(key_value);
    if (!parsed) return make_error(Errc::kData, "key: {}", parsed.error().message());
    key_value = std::move(*parsed);
  }
  if (value_value.type() == Type::kRawJson) {
    auto parsed = api::json::materialize(value_value);
    if (!parsed) return make_error(Errc::kData, "value: {}", parsed.error().message());
    value_value = std::move(*parsed);
  }
  const bool tombstone = value_value.is_null();
  if (tombstone && !config_.delete_enabled) return std::optional<Row>();
  row.op = tombstone ? RowOp::kDelete : RowOp::kWrite;

  std::vector<std::string> key_names;  // columns that come from the key (record_key)
  switch (config_.pk_mode) {
    case PkMode::kNone:
    case PkMode::kRecordValue:
      break;
    case PkMode::kKafka:
      KC_RETURN_IF_ERROR(add(config_.pk_fields[0], Value::string_view(record.topic),
                             &fixed_schema(Type::kString), true));
      KC_RETURN_IF_ERROR(add(config_.pk_fields[1], Value::int32(record.partition),
                             &fixed_schema(Type::kInt32), true));
      KC_RETURN_IF_ERROR(add(config_.pk_fields[2], Value::int64(record.offset),
                             &fixed_schema(Type::kInt64), true));
      break;
    case PkMode::kRecordKey: {
      if (key_value.is_null()) {
        return make_error(Errc::kData, "the key is null, but pk.mode=record_key needs one");
      }
      const Schema* ks = record.key_schema.get();
      bool structured = key_value.type() == Type::kStruct || key_value.type() == Type::kMap;
      if (!structured) {
        std::string name = config_.pk_fields.empty() ? "__connect_key" : config_.pk_fields[0];
        KC_RETURN_IF_ERROR(add(name, key_value, ks, true));
        key_names.push_back(std::move(name));
        break;
      }
      KC_ASSIGN_OR_RETURN(auto fields, fields_of(key_value, ks, "key"));
      for (const auto& f : fields) {
        if (!config_.pk_fields.empty() && !contains(config_.pk_fields, f.name)) continue;
        KC_RETURN_IF_ERROR(add(f.name, *f.value, f.schema, true));
        key_names.emplace_back(f.name);
      }
      for (const auto& wanted : config_.pk_fields) {
        if (!contains(key_names, wanted)) {
          return make_error(Errc::kData, "pk.fields names '{}', which the key does not have",
                            wanted);
        }
      }
      break;
    }
  }

  if (!tombstone) {
    const Schema* vs = record.value_schema.get();
    KC_ASSIGN_OR_RETURN(auto fields, fields_of(value_value, vs, "value"));
    std::vector<std::string> value_keys;
    for (const auto& f : fields) {
      if (contains(key_names, f.name)) continue;  // the key's column wins
      bool is_key = config_.pk_mode == PkMode::kRecordValue &&
                    (config_.pk_fields.empty() || contains(config_.pk_fields, f.name));
      if (!is_key && !config_.fields_include.empty() && !contains(config_.fields_include, f.name)) {
        continue;
      }
      KC_RETURN_IF_ERROR(add(f.name, *f.value, f.schema, is_key));
      if (is_key) {
        value_keys.emplace_back(f.name);
        if (!row.values.back()) {
          return make_error(Errc::kData, "primary key field '{}' is null", f.name);
        }
      }
    }
    if (config_.pk_mode == PkMode::kRecordValue) {
      for (const auto& wanted : config_.pk_fields) {
        if (!contains(value_keys, wanted)) {
          return make_error(Errc::kData, "pk.fields names '{}', which the value does not have",
                            wanted);
        }
      }
      if (value_keys.empty()) {
        return make_error(Errc::kData, "pk.mode=record_value, but the value has no fields");
      }
    }
  }
  if (shape.size() == 0) return make_error(Errc::kData, "the record gives no columns");
  row.columns = shape.matches_candidate() ? recent_.front() : intern(shape.take());
  return std::optional<Row>(std::move(row));
}

ColumnsPtr RecordMapper::intern(Columns columns) {
  for (auto it = recent_.begin(); it != recent_.end(); ++it) {
    if (**it == columns) {
      auto found = *it;
      if (it != recent_.begin()) std::rotate(recent_.begin(), it, it + 1);
      return found;
    }
  }
  auto made = std::make_shared<const Columns>(std::move(columns));
  recent_.insert(recent_.begin(), made);
  if (recent_.size() > kMaxRecentShapes) recent_.pop_back();
  return made;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string quote_table(std::string_view table) {
  auto dot = table.find('.');
  if (dot == std::string_view::npos) return quote_identifier(table);
  return quote_identifier(table.substr(0, dot)) + "." + quote_identifier(table.substr(dot + 1));
}

void append_literal(const std::optional<std::string>& value, std::string& out) {
  if (!value) {
    out += "NULL";
    return;
  }
  out.push_back('\'');
  for (char c : *value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
}

namespace {

std::string column_list(const Columns& columns, std::string_view prefix = "") {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += quote_identifier(c.name);
  }
  return out;
}

std::vector<std::string> key_columns(const Columns& columns) {
  std::vector<std::string> keys;
  for (const auto& c : columns) {
    if (c.key) keys.push_back(quote_identifier(c.name));
  }
  return keys;
}

void append_values(std::span<const Row* const> rows, std::string& sql) {
  bool first_row = true;
  for (const Row* row : rows) {
    sql += first_row ? "(" : ", (";
    first_row = false;
    bool first = true;
    for (const auto& v : row->values) {
      if (!first) sql += ", ";
      first = false;
      append_literal(v, sql);
    }
    sql += ")";
  }
}

}  // namespace

std::string create_table_sql(std::string_view table, const Columns& columns) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_table(table) + " (";
  bool first = true;
  for (const auto& c : columns) {
    if (!first) sql += ", ";
    first = false;
    sql += quote_identifier(c.name) + " " + c.sql_type;
    if (!c.optional) sql += " NOT NULL";
  }
  auto keys = key_columns(columns);
  if (!keys.empty()) sql += fmt::format(", PRIMARY KEY ({})", fmt::join(keys, ", "));
  sql += ")";
  return sql;
}

std::string add_column_sql(std::string_view table, const Column& column) {
  return fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}", quote_table(table),
                     quote_identifier(column.name), column.sql_type);
}

std::string upsert_sql(std::string_view table, std::span<const Row* const> rows) {
  const Columns& columns = *rows.front()->columns;
  std::string sql =
      fmt::format("INSERT INTO {} ({}) VALUES ", quote_table(table), column_list(columns));
  append_values(rows, sql);
  sql += fmt::format(" ON CONFLICT ({}) DO ", fmt::join(key_columns(columns), ", "));
  std::string updates;
  for (const auto& c : columns) {
    if (c.key) continue;
    if (!updates.empty()) updates += ", ";
    auto q = quote_identifier(c.name);
    updates += fmt::format("{} = EXCLUDED.{}", q, q);
  }
  sql += updates.empty() ? "NOTHING" : "UPDATE SET " + updates;
  return sql;
}

std::string update_sql(std::string_view table, std::span<const Row* const> rows,
                       const std::function<std::string(const std::string&)>& column_type) {
  const Columns& columns = *rows.front()->columns;
  std::string sets, where;
  for (const auto& c : columns) {
    auto q = quote_identifier(c.name);
    auto expr = fmt::format("v.{}::{}", q, column_type(c.name));
    if (c.key) {
      if (!where.empty()) where += " AND ";
      where += fmt::format("t.{} = {}", q, expr);
    } else {
      if (!sets.empty()) sets += ", ";
      sets += fmt::format("{} = {}", q, expr);
    }
  }
  std::string sql = fmt::format("UPDATE {} AS t SET {} FROM (VALUES ", quote_table(table), sets);
  append_values(rows, sql);
  sql += fmt::format(") AS v({}) WHERE {}", column_list(columns), where);
  return sql;
}

std::string delete_sql(std::string_view table, std::span<const Row* const> rows) {
  const Columns& columns = *rows.front()->columns;
  std::string sql =
      fmt::format("DELETE FROM {} WHERE ({}) IN (", quote_table(table), column_list(columns));
  append_values(rows, sql);
  sql += ")";
  return sql;
}

std::string create_offsets_table_sql(std::string_view table) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (connector TEXT NOT NULL, topic TEXT NOT NULL, "
      "\"partition\" INT NOT NULL, next_offset BIGINT NOT NULL, "
      "updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
      "PRIMARY KEY (connector, topic, \"partition\"))",
      quote_table(table));
}

}  // namespace kc::sink::postgres
