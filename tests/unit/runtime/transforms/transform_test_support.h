#pragma once

// Helpers for the transform tests: plugins come from the real registry, records are built the way
// the pipeline builds them (schemaless JSON borrowed from the "consumed" bytes).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/api/json.h"
#include "runtime/registry/builtin_plugins.h"
#include "runtime/transforms/chain.h"

namespace kc::transforms::testing {

using api::Schema;
using api::SchemaPtr;
using api::SinkRecord;
using api::Type;
using api::Value;
using Outcome = api::Transform::Outcome;

// A transform created from its type and keys, through the registry (the test fails on any issue).
inline std::unique_ptr<api::Transform> make(std::string_view type, api::RawConfig config = {}) {
  const auto* plugin = registry::builtin().find_transform(type);
  EXPECT_NE(plugin, nullptr) << type;
  if (!plugin) return nullptr;
  std::vector<api::ConfigIssue> issues;
  auto parsed = api::Config::parse(plugin->info.config_def(), config, issues);
  for (const auto& i : issues) ADD_FAILURE() << i.to_string();
  auto t = plugin->create(parsed);
  EXPECT_TRUE(t) << (t ? "" : t.error().message());
  return t ? std::move(*t) : nullptr;
}

// The issues the chain validator reports for one transform "t" of `type` with `keys`.
inline std::vector<api::ConfigIssue> issues_for(std::string_view type, api::RawConfig keys) {
  api::RawConfig raw{{"transforms", "t"}, {"transforms.t.type", std::string(type)}};
  for (auto& [k, v] : keys) raw["transforms.t." + k] = v;
  std::vector<api::ConfigIssue> issues;
  validate(raw, registry::builtin(), issues);
  return issues;
}

// "key: message" of every error, one per line, for EXPECT_THAT(HasSubstr(...)).
inline std::string errors_for(std::string_view type, api::RawConfig keys) {
  std::string out;
  for (const auto& i : issues_for(type, std::move(keys))) {
    if (i.severity == api::ConfigIssue::Severity::kError) out += i.to_string() + "\n";
  }
  return out;
}

// A record consumed from orders/3 at offset 42 whose value is `json` as the schemaless
// JsonConverter gives it (kRawJson borrowing the consumed bytes). `json` must outlive the record.
inline SinkRecord json_record(const std::string& json, std::string topic = "orders") {
  SinkRecord r;
  r.topic = topic;
  r.partition = 3;
  r.offset = 42;
  r.timestamp = 1700000000123;  // 2023-11-14T22:13:20.123Z
  r.timestamp_type = api::TimestampType::kCreateTime;
  r.original_partition = 3;
  r.original_offset = 42;
  r.raw_value = json;
  r.value = Value::raw_json_view(json);
  return r;
}

inline SinkRecord value_record(SchemaPtr schema, Value value) {
  SinkRecord r;
  r.topic = "orders";
  r.partition = 3;
  r.offset = 42;
  r.timestamp = 1700000000123;
  r.timestamp_type = api::TimestampType::kCreateTime;
  r.original_partition = 3;
  r.original_offset = 42;
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

inline std::string json(const Value& v) { return api::json::to_json(v); }

inline SchemaPtr prim(Type type, bool optional = false) {
  auto s = std::make_shared<Schema>();
  s->type = type;
  s->optional = optional;
  return s;
}

inline SchemaPtr with_default(Type type, Value def) {
  auto s = std::make_shared<Schema>();
  s->type = type;
  s->optional = true;
  s->default_value = std::make_shared<const Value>(std::move(def));
  return s;
}

inline SchemaPtr logical(Type type, std::string name, bool optional = false) {
  auto s = std::make_shared<Schema>();
  s->type = type;
  s->name = std::move(name);
  s->version = 1;
  s->optional = optional;
  return s;
}

inline SchemaPtr struct_of(std::vector<std::pair<std::string, SchemaPtr>> fields,
                           bool optional = false) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kStruct;
  s->optional = optional;
  s->name = "com.example.Order";
  for (auto& [n, f] : fields) s->fields.push_back({n, f});
  return s;
}

inline std::vector<std::string> field_names(const SchemaPtr& s) {
  std::vector<std::string> out;
  for (const auto& f : s->fields) out.push_back(f.name);
  return out;
}

}  // namespace kc::transforms::testing
