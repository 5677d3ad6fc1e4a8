// Flatten$Key / Flatten$Value (org.apache.kafka.connect.transforms.Flatten).

#include <string>

#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "flattening";

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "delimiter",
              .type = api::ConfigType::kString,
              .default_value = ".",
              .importance = api::Importance::kMedium,
              .documentation = "Delimiter to insert between field names from the input record when "
                               "generating field names for the output record"});
    return d;
  }();
  return def;
}

bool passes_through(Type t) {
  switch (t) {
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
    case Type::kFloat32:
    case Type::kFloat64:
    case Type::kBoolean:
    case Type::kString:
    case Type::kBytes:
    case Type::kArray:  // arrays are kept as they are, not flattened
      return true;
    default:
      return false;
  }
}

std::string upper(Type t) {
  std::string s(api::type_name(t));
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

class Flatten final : public api::Transform {
 public:
  Flatten(Side side, const api::Config& config)
      : side_(side), delimiter_(config.get_string("delimiter")) {}

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (value.is_null()) return Outcome::kKeep;
    if (!schema) {
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      Value::MapEntries out;
      out.reserve(entries->size());
      KC_RETURN_IF_ERROR(flatten_map(*entries, "", out, record));
      value = Value::map(std::move(out));
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    const SchemaPtr* updated = cache_.get(schema);
    if (!updated) {
      auto s = copy_schema_basics(*schema, Type::kStruct);
      KC_RETURN_IF_ERROR(
          build_schema(*schema, "", *s, schema->optional, schema->default_value.get()));
      updated = &cache_.put(schema, SchemaPtr(s));
    }
    Value::Fields fields;
    fields.reserve((*updated)->fields.size());
    build_values(&value, *schema, fields);
    // Names come from the derived schema (same order as build_schema walked them).
    for (size_t i = 0; i < fields.size() && i < (*updated)->fields.size(); ++i) {
      fields[i].first = (*updated)->fields[i].name;
    }
    schema = *updated;
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  std::string name(std::string_view prefix, std::string_view field) const {
    if (prefix.empty()) return std::string(field);
    std::string n;
    n.reserve(prefix.size() + delimiter_.size() + field.size());
    n.append(prefix).append(delimiter_).append(field);
    return n;
  }

  Status flatten_map(Value::MapEntries& in, std::string_view prefix, Value::MapEntries& out,
                     const SinkRecord& record) const {
    for (auto& [k, v] : in) {
      if (k.type() != Type::kString) {
        return data_error("Flatten transformation requires string map keys, found: {}",
                          describe(k));
      }
      std::string field = name(prefix, k.as_text());
      if (v.is_null()) {
        put(out, field, Value());
        continue;
      }
      Type type = schemaless_type(v);
      if (passes_through(type)) {
        put(out, field, std::move(v));
      } else if (type == Type::kMap) {
        KC_ASSIGN_OR_RETURN(auto* nested, require_map(v, record, kPurpose));
        KC_RETURN_IF_ERROR(flatten_map(*nested, field, out, record));
      } else {
        return data_error(
            "Flatten transformation does not support {} for record without schemas (for field "
            "{}).",
            upper(type), field);
      }
    }
    return ok();
  }

  Status build_schema(const Schema& s, std::string_view prefix, Schema& out, bool optional,
                      const Value* default_from_parent) const {
    const Value::Fields* parent_defaults =
        default_from_parent && default_from_parent->type() == Type::kStruct
            ? &default_from_parent->as_struct()
            : nullptr;
    for (size_t i = 0; i < s.fields.size(); ++i) {
      const auto& f = s.fields[i];
      std::string field = name(prefix, f.name);
      bool field_optional = optional || f.schema->optional;
      const Value* field_default = f.schema->default_value.get();
      if (!field_default && parent_defaults && i < parent_defaults->size() &&
          !(*parent_defaults)[i].second.is_null()) {
        field_default = &(*parent_defaults)[i].second;
      }
      if (passes_through(f.schema->type)) {
        if (out.field(field)) {
          return data_error("Cannot create field because of field name duplication {}", field);
        }
        auto fs = copy_schema_basics(*f.schema, f.schema->type);
        fs->key_schema = f.schema->key_schema;
        fs->value_schema = f.schema->value_schema;
        fs->optional = field_optional;
        if (field_default) fs->default_value = std::make_shared<const Value>(*field_default);
        out.fields.push_back({field, std::move(fs)});
      } else if (f.schema->type == Type::kStruct) {
        KC_RETURN_IF_ERROR(build_schema(*f.schema, field, out, field_optional, field_default));
      } else {
        return data_error(
            "Flatten transformation does not support {} for record with schemas (for field {}).",
            upper(f.schema->type), field);
      }
    }
    return ok();
  }

  // `value` is null when a nested struct is null: its fields all become null.
  static void build_values(const Value* value, const Schema& s, Value::Fields& out) {
    const Value::Fields* fields =
        value && value->type() == Type::kStruct ? &value->as_struct() : nullptr;
    for (size_t i = 0; i < s.fields.size(); ++i) {
      const auto& f = s.fields[i];
      const Value* v = fields && i < fields->size() ? &(*fields)[i].second : nullptr;
      if (f.schema->type == Type::kStruct) {
        build_values(v, *f.schema, out);
      } else {
        out.emplace_back(std::string(), v ? field_value(*v, *f.schema, true) : Value());
      }
    }
  }

  Side side_;
  std::string delimiter_;
  SchemaCache cache_;
};

}  // namespace

std::vector<api::TransformPlugin> flatten_plugins() {
  return key_value_plugins(
      "Flatten",
      "Flatten a nested record {}, generating names for each field by concatenating the field "
      "names at each level with a configurable delimiter character. Applies to Struct when "
      "schema present, or a Map in the case of schemaless data. Arrays are kept as they are. "
      "The default delimiter is '.'.",
      config_def, construct<Flatten>());
}

}  // namespace kc::transforms
