#include "runtime/transforms/support.h"

#include <algorithm>
#include <array>
#include <functional>

#include "libs/base/strings.h"
#include "runtime/transforms/json_text.h"

namespace kc::transforms {

Operand operand(SinkRecord& record, Side side) {
  if (side == Side::kKey) return {record.key_schema, record.key};
  return {record.value_schema, record.value};
}

const Value& operand_value(const SinkRecord& record, Side side) {
  return side == Side::kKey ? record.key : record.value;
}

namespace {

bool within(std::string_view inner, const std::optional<std::string_view>& outer) {
  if (!outer || outer->empty() || inner.empty()) return false;
  std::less_equal<const char*> le;
  return le(outer->data(), inner.data()) &&
         le(inner.data() + inner.size(), outer->data() + outer->size());
}

}  // namespace

Status materialize(Value& value, const SinkRecord& record) {
  if (value.type() != Type::kRawJson) return ok();
  std::string_view text = value.as_text();
  bool borrow = within(text, record.raw_value) || within(text, record.raw_key);
  KC_ASSIGN_OR_RETURN(auto parsed, json_text::parse_shallow(text, borrow));
  value = std::move(parsed);
  return ok();
}

Type schemaless_type(const Value& value) {
  if (value.type() != Type::kRawJson) return value.type();
  return json_text::peek_type(value.as_text());
}

std::string_view describe(const Value& value) { return api::type_name(schemaless_type(value)); }

Result<Value::MapEntries*> require_map(Value& value, const SinkRecord& record,
                                       std::string_view purpose) {
  if (value.type() == Type::kRawJson && json_text::peek_type(value.as_text()) == Type::kMap) {
    KC_RETURN_IF_ERROR(materialize(value, record));
  }
  if (value.type() != Type::kMap) {
    return data_error("Only Map objects supported in absence of schema for [{}], found: {}",
                      purpose, describe(value));
  }
  return &value.mutable_map();
}

Status require_struct(const Value& value, const SchemaPtr& schema, std::string_view purpose) {
  if (value.type() != Type::kStruct || !schema || schema->type != Type::kStruct) {
    return data_error("Only Struct objects supported for [{}], found: {}", purpose,
                      describe(value));
  }
  return ok();
}

Value* find(Value::MapEntries& entries, std::string_view key) {
  for (auto& [k, v] : entries) {
    if (k.type() == Type::kString && k.as_text() == key) return &v;
  }
  return nullptr;
}

const Value* find(const Value::MapEntries& entries, std::string_view key) {
  for (const auto& [k, v] : entries) {
    if (k.type() == Type::kString && k.as_text() == key) return &v;
  }
  return nullptr;
}

void put(Value::MapEntries& entries, std::string_view key, Value value) {
  if (Value* existing = find(entries, key)) {
    *existing = std::move(value);
    return;
  }
  entries.emplace_back(Value::string(std::string(key)), std::move(value));
}

void put_all(Value::MapEntries& entries, NamedValue* fields, size_t count) {
  bool done[8] = {};
  size_t remaining = count;
  for (auto& [k, v] : entries) {
    if (remaining == 0) break;
    if (k.type() != Type::kString) continue;
    std::string_view key = k.as_text();
    for (size_t j = 0; j < count; ++j) {
      if (!done[j] && fields[j].name == key) {
        v = std::move(fields[j].value);
        done[j] = true;
        --remaining;
      }
    }
  }
  for (size_t j = 0; j < count; ++j) {
    if (!done[j])
      entries.emplace_back(Value::string(std::string(fields[j].name)), std::move(fields[j].value));
  }
}

bool erase_key(Value::MapEntries& entries, std::string_view key) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) {
    return e.first.type() == Type::kString && e.first.as_text() == key;
  });
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

Value field_value(const Value& value, const Schema& field_schema, bool replace_null_with_default) {
  if (value.is_null() && replace_null_with_default && field_schema.default_value) {
    return *field_schema.default_value;
  }
  return value;
}

std::optional<size_t> field_index(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].name == name) return i;
  }
  return std::nullopt;
}

std::shared_ptr<Schema> copy_schema_basics(const Schema& source, Type type) {
  auto s = std::make_shared<Schema>();
  s->type = type;
  s->name = source.name;
  s->version = source.version;
  s->doc = source.doc;
  s->parameters = source.parameters;
  return s;
}

SchemaPtr primitive_schema(Type type, bool optional) {
  static const auto kSchemas = [] {
    std::array<std::array<SchemaPtr, 2>, static_cast<size_t>(Type::kRawJson) + 1> all;
    for (size_t t = 0; t < all.size(); ++t) {
      for (size_t o = 0; o < 2; ++o) {
        auto s = std::make_shared<Schema>();
        s->type = static_cast<Type>(t);
        s->optional = o == 1;
        all[t][o] = s;
      }
    }
    return all;
  }();
  return kSchemas[static_cast<size_t>(type)][optional ? 1 : 0];
}

SchemaPtr logical_schema(std::string_view logical_name, bool optional) {
  auto make = [](std::string_view name, Type type, bool opt) {
    auto s = std::make_shared<Schema>();
    s->type = type;
    s->name = std::string(name);
    s->version = 1;
    s->optional = opt;
    return SchemaPtr(s);
  };
  static const SchemaPtr kSchemas[3][2] = {
      {make(kTimestampName, Type::kInt64, false), make(kTimestampName, Type::kInt64, true)},
      {make(kDateName, Type::kInt32, false), make(kDateName, Type::kInt32, true)},
      {make(kTimeName, Type::kInt32, false), make(kTimeName, Type::kInt32, true)},
  };
  size_t i = logical_name == kTimestampName ? 0 : logical_name == kDateName ? 1 : 2;
  return kSchemas[i][optional ? 1 : 0];
}

std::optional<int64_t> record_timestamp(const SinkRecord& record) {
  if (record.timestamp_type == api::TimestampType::kNoTimestamp || record.timestamp < 0) {
    return std::nullopt;
  }
  return record.timestamp;
}

api::ConfigKey replace_null_with_default_key() {
  return {.name = "replace.null.with.default",
          .type = api::ConfigType::kBoolean,
          .default_value = "true",
          .importance = api::Importance::kMedium,
          .documentation =
              "Whether to replace fields that have a default value and that are null to the "
              "default value. When set to true, the default value is used, otherwise null is "
              "used."};
}

api::Validator non_empty_list() {
  return [](std::string_view v) -> std::optional<std::string> {
    if (strings::split_list(v).empty()) return "Empty list";
    return std::nullopt;
  };
}

api::Validator non_empty_string() {
  return [](std::string_view v) -> std::optional<std::string> {
    if (v.empty()) return "String must be non-empty";
    return std::nullopt;
  };
}

api::ConfigKey required_list(std::string name, std::string documentation) {
  return {.name = std::move(name),
          .type = api::ConfigType::kList,
          .required = true,
          .validator = non_empty_list(),
          .allowed = "non-empty list",
          .importance = api::Importance::kHigh,
          .documentation = std::move(documentation)};
}

api::ConfigKey required_string(std::string name, std::string documentation,
                               api::Importance importance) {
  return {.name = std::move(name),
          .type = api::ConfigType::kString,
          .required = true,
          .importance = importance,
          .documentation = std::move(documentation)};
}

std::vector<api::TransformPlugin> key_value_plugins(
    std::string_view family, std::string_view summary,
    std::function<const api::ConfigDef&()> config_def, SideFactory create) {
  std::vector<api::TransformPlugin> out;
  for (Side side : {Side::kKey, Side::kValue}) {
    out.push_back(make_transform_plugin(
        family, side, fmt::format(fmt::runtime(summary), side == Side::kKey ? "key" : "value"),
        config_def, [create, side](const api::Config& c) { return create(side, c); }));
  }
  return out;
}

api::TransformPlugin make_transform_plugin(std::string_view family, std::optional<Side> side,
                                           std::string summary,
                                           std::function<const api::ConfigDef&()> config_def,
                                           TransformFactory create) {
  std::string name(family);
  if (side) name += *side == Side::kKey ? "$Key" : "$Value";
  api::TransformPlugin plugin;
  plugin.info.name = name;
  plugin.info.class_name = fmt::format("{}{}", kPackage, name);
  plugin.info.summary = std::move(summary);
  plugin.info.config_def = std::move(config_def);
  plugin.create = std::move(create);
  return plugin;
}

}  // namespace kc::transforms
