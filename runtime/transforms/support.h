#pragma once

// Helpers shared by the single message transforms: which part of the record a Key/Value SMT works
// on, Kafka's Requirements checks, map and struct access, schema derivation and caching, and the
// plugin descriptor boilerplate. Everything here is used from the task's sink thread only.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"
#include "runtime/api/plugin.h"
#include "runtime/api/record.h"
#include "runtime/api/value.h"

namespace kc::transforms {

using api::Schema;
using api::SchemaPtr;
using api::SinkRecord;
using api::Type;
using api::Value;

inline constexpr std::string_view kPackage = "org.apache.kafka.connect.transforms.";
inline constexpr std::string_view kPredicatePackage =
    "org.apache.kafka.connect.transforms.predicates.";

// Connect's logical type names (org.apache.kafka.connect.data.*).
inline constexpr std::string_view kTimestampName = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDateName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";

// Which half of the record a `$Key` / `$Value` transform operates on.
enum class Side { kKey, kValue };

// The schema and value a Key/Value transform reads and replaces. References into the record.
struct Operand {
  SchemaPtr& schema;
  Value& value;
};
Operand operand(SinkRecord& record, Side side);
const Value& operand_value(const SinkRecord& record, Side side);

// Data errors (Errc::kData): what is wrong with the record, never its content.
template <class... Args>
tl::unexpected<Error> data_error(fmt::format_string<Args...> format, Args&&... args) {
  return make_error(Errc::kData, format, std::forward<Args>(args)...);
}

// Makes a kRawJson value inspectable: JSON objects become kMap with string keys (document order),
// arrays kArray. Only the outer level is parsed: nested objects and arrays stay kRawJson (call
// this again on them when a transform has to look inside). Scalars are materialized. Strings
// without escapes borrow the JSON text when that text lies in the record's consumed key or value
// bytes (record.h: valid while the record is processed); otherwise they own copies. Other values
// are left alone. Errors are Errc::kData.
Status materialize(Value& value, const SinkRecord& record);

// What a schemaless value is, looking through kRawJson without parsing it (Connect type names).
Type schemaless_type(const Value& value);
// "string", "map", ... for messages (Kafka prints the Java class).
std::string_view describe(const Value& value);

// Kafka's Requirements.requireMap: the value must be a schemaless map (kRawJson objects are
// materialized first). Returns the entries to change in place (copy on write).
Result<Value::MapEntries*> require_map(Value& value, const SinkRecord& record,
                                       std::string_view purpose);
// Kafka's Requirements.requireStruct: a kStruct value with a struct schema.
Status require_struct(const Value& value, const SchemaPtr& schema, std::string_view purpose);

// String-keyed map access (HashMap semantics, document order kept).
Value* find(Value::MapEntries& entries, std::string_view key);
const Value* find(const Value::MapEntries& entries, std::string_view key);
// Replaces the value of `key` or appends it.
void put(Value::MapEntries& entries, std::string_view key, Value value);
// put() for several fields in one pass over the entries (at most 8 fields).
struct NamedValue {
  std::string_view name;
  Value value;
};
void put_all(Value::MapEntries& entries, NamedValue* fields, size_t count);
bool erase_key(Value::MapEntries& entries, std::string_view key);

// A struct field's value as Struct.get (replace_null_with_default) or getWithoutDefault reads it.
Value field_value(const Value& value, const Schema& field_schema, bool replace_null_with_default);
// Index of a field in a struct schema, or nullopt.
std::optional<size_t> field_index(const Schema& schema, std::string_view name);

// SchemaUtil.copySchemaBasics: name, version, doc and parameters of `source`, with `type`.
std::shared_ptr<Schema> copy_schema_basics(const Schema& source, Type type);
// A primitive schema (shared singletons).
SchemaPtr primitive_schema(Type type, bool optional);
// Connect's logical schemas: Timestamp (int64), Date and Time (int32).
SchemaPtr logical_schema(std::string_view logical_name, bool optional);

// Kafka's per-transform SynchronizedCache<Schema, Schema>(LRUCache(16)): what a transform derives
// from an input schema (the new schema, field mappings), keyed by that schema. Keys are compared
// by identity (the JsonConverter caches parsed schemas, so records with the same schema share one
// pointer); the cache holds its keys, so an address is never reused while cached.
// Single-threaded, like the transform that owns it.
template <class T>
class DerivedCache {
 public:
  explicit DerivedCache(size_t capacity = 16) : capacity_(capacity) {}

  // nullptr when absent; valid until the next put().
  const T* get(const SchemaPtr& key) {
    for (size_t i = entries_.size(); i-- > 0;) {
      if (entries_[i].first == key) {
        auto it = entries_.begin() + static_cast<std::ptrdiff_t>(i);
        std::rotate(it, it + 1, entries_.end());
        return &entries_.back().second;
      }
    }
    return nullptr;
  }

  const T& put(const SchemaPtr& key, T value) {
    if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
    entries_.emplace_back(key, std::move(value));
    return entries_.back().second;
  }

 private:
  size_t capacity_;
  std::vector<std::pair<SchemaPtr, T>> entries_;  // most recently used last
};
using SchemaCache = DerivedCache<SchemaPtr>;

// The record's timestamp, or nullopt when it has none (Kafka's null timestamp).
std::optional<int64_t> record_timestamp(const SinkRecord& record);

// Configuration keys several transforms share.
api::ConfigKey replace_null_with_default_key();
// Kafka's NonEmptyListValidator.
api::Validator non_empty_list();
// Kafka's ConfigDef.NonEmptyString (blank is refused too, as Kafka's message says).
api::Validator non_empty_string();

// Kafka's required LIST with a NonEmptyListValidator, and a required STRING.
api::ConfigKey required_list(std::string name, std::string documentation);
api::ConfigKey required_string(std::string name, std::string documentation,
                               api::Importance importance = api::Importance::kMedium);

// Kafka's HashMap.put of `fn(current value or null)` for each named field of a schemaless map:
// absent fields are added, as in Kafka. Nothing changes unless every call succeeds.
template <class NameOf, class Fn>
Status update_fields(Value::MapEntries& entries, size_t count, NameOf name_of, Fn fn) {
  std::vector<Value> updated;
  updated.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const Value* current = find(entries, name_of(i));
    auto v = fn(current ? *current : Value(), i);
    if (!v) return tl::unexpected(std::move(v).error());
    updated.push_back(std::move(*v));
  }
  for (size_t i = 0; i < count; ++i) put(entries, name_of(i), std::move(updated[i]));
  return ok();
}

// Descriptor for a transform. `family` is Kafka's class name without package ("InsertField");
// with a side, the name gets Kafka's nested-class suffix ("InsertField$Value").
using TransformFactory =
    std::function<Result<std::unique_ptr<api::Transform>>(const api::Config& config)>;
api::TransformPlugin make_transform_plugin(std::string_view family, std::optional<Side> side,
                                           std::string summary,
                                           std::function<const api::ConfigDef&()> config_def,
                                           TransformFactory create);

// The `$Key` and `$Value` plugins of a family. `summary` has one "{}" for "key" / "value".
using SideFactory =
    std::function<Result<std::unique_ptr<api::Transform>>(Side side, const api::Config& config)>;
std::vector<api::TransformPlugin> key_value_plugins(
    std::string_view family, std::string_view summary,
    std::function<const api::ConfigDef&()> config_def, SideFactory create);
// A SideFactory for transforms whose constructor (Side, const Config&) cannot fail.
template <class T>
SideFactory construct() {
  return [](Side side, const api::Config& config) -> Result<std::unique_ptr<api::Transform>> {
    return std::make_unique<T>(side, config);
  };
}

}  // namespace kc::transforms
