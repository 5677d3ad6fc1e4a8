// Cast$Key / Cast$Value (org.apache.kafka.connect.transforms.Cast).

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "runtime/transforms/date_format.h"
#include "runtime/transforms/java_values.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "cast types";
constexpr std::string_view kInputTypes =
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";
constexpr std::string_view kOutputTypes =
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";

// Schema.Type names as Kafka spells them in the spec (case-insensitive there).
constexpr std::pair<std::string_view, Type> kTypeNames[] = {
    {"INT8", Type::kInt8},       {"INT16", Type::kInt16},     {"INT32", Type::kInt32},
    {"INT64", Type::kInt64},     {"FLOAT32", Type::kFloat32}, {"FLOAT64", Type::kFloat64},
    {"BOOLEAN", Type::kBoolean}, {"STRING", Type::kString},   {"BYTES", Type::kBytes},
    {"ARRAY", Type::kArray},     {"MAP", Type::kMap},         {"STRUCT", Type::kStruct}};

std::string_view upper_name(Type type) {
  for (const auto& [name, t] : kTypeNames) {
    if (t == type) return name;
  }
  return "UNKNOWN";
}

bool output_type(Type t) {
  return t == Type::kInt8 || t == Type::kInt16 || t == Type::kInt32 || t == Type::kInt64 ||
         t == Type::kFloat32 || t == Type::kFloat64 || t == Type::kBoolean || t == Type::kString;
}

struct Spec {
  std::optional<Type> whole;                         // cast the entire key/value
  std::vector<std::pair<std::string, Type>> fields;  // field -> type (last mapping wins)
};

Result<Spec> parse_spec(const std::vector<std::string>& mappings) {
  auto invalid = [](std::string message) {
    return make_error(Errc::kInvalidConfig, std::move(message));
  };
  if (mappings.empty()) return invalid("Must specify at least one field to cast.");
  Spec spec;
  for (const auto& mapping : mappings) {
    auto parts = strings::split(mapping, ':');
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
    if (parts.size() > 2 || parts.empty())
      return invalid(fmt::format("Invalid cast mapping: {}", mapping));
    std::string type_name = strings::to_upper(strings::trim(parts.back()));
    std::optional<Type> type;
    for (const auto& [name, t] : kTypeNames) {
      if (name == type_name) type = t;
    }
    if (!type) {
      return invalid(
          fmt::format("Invalid type found in casting spec: {}", strings::trim(parts.back())));
    }
    if (!output_type(*type)) {
      return invalid(
          fmt::format("Cast transformation does not support casting to {}; supported types are {}",
                      upper_name(*type), kOutputTypes));
    }
    if (parts.size() == 1) {
      spec.whole = type;
    } else {
      std::string field(strings::trim(parts[0]));
      bool replaced = false;
      for (auto& [f, t] : spec.fields) {
        if (f == field) {
          t = *type;
          replaced = true;
        }
      }
      if (!replaced) spec.fields.emplace_back(std::move(field), *type);
    }
  }
  if (spec.whole && mappings.size() > 1) {
    return invalid(
        "Cast transformations that specify a type to cast the entire value to may only specify a "
        "single cast in their spec");
  }
  return spec;
}

std::optional<std::string> check_spec(std::string_view value) {
  auto spec = parse_spec(strings::split_list(value));
  if (!spec) return spec.error().message();
  return std::nullopt;
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "spec",
              .type = api::ConfigType::kList,
              .required = true,
              .validator = check_spec,
              .allowed = "list of colon-delimited pairs, e.g. foo:bar,abc:xyz",
              .importance = api::Importance::kHigh,
              .documentation =
                  "List of fields and the type to cast them to of the form field1:type,field2:type "
                  "to cast fields of Maps or Structs. A single type to cast the entire value. "
                  "Valid types are int8, int16, int32, int64, float32, float64, boolean, and "
                  "string."});
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

bool is_logical_date(const Schema* schema) {
  return schema && schema->name &&
         (*schema->name == kTimestampName || *schema->name == kDateName ||
          *schema->name == kTimeName);
}

Result<Value> cast_value(const Value& v, const Schema* schema, Type to) {
  if (v.is_null()) return Value();
  Type from = schema ? schema->type : schemaless_type(v);
  if (!(from >= Type::kBoolean && from <= Type::kBytes)) {
    return data_error(
        "Cast transformation does not support casting from {}; supported types are {}",
        upper_name(from), kInputTypes);
  }
  if (schema && schema->name && *schema->name == kDecimalName) {
    return data_error("Cast transformation does not support Decimal values in kconnect");
  }
  if (is_logical_date(schema)) {
    if (to != Type::kString || !v.is_integer()) {
      return data_error("Unexpected type in Cast transformation: java.util.Date ({} value)",
                        *schema->name);
    }
    int64_t ms = v.as_int();
    if (*schema->name == kDateName) {
      ms = std::clamp<int64_t>(ms, -106'751'991'167, 106'751'991'167) * 86'400'000;
    }
    return Value::string(iso_date_string(ms));
  }
  Type actual = v.type();
  bool integer = v.is_integer();
  bool floating = actual == Type::kFloat32 || actual == Type::kFloat64;
  auto unexpected = [&] {
    return data_error("Unexpected type in Cast transformation: {}", api::type_name(actual));
  };
  auto unparsable = [&] {
    return data_error(
        "Cast transformation could not read a string as {}: not a number or out of "
        "range for the type",
        api::type_name(to));
  };
  switch (to) {
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64: {
      int64_t n = 0;
      if (integer) {
        n = v.as_int();
      } else if (floating) {
        n = to == Type::kInt64 ? java::double_to_long(v.as_double())
                               : java::double_to_int(v.as_double());
      } else if (actual == Type::kBoolean) {
        n = v.as_bool() ? 1 : 0;
      } else if (actual == Type::kString) {
        auto [min, max] = to == Type::kInt8    ? std::pair<int64_t, int64_t>{INT8_MIN, INT8_MAX}
                          : to == Type::kInt16 ? std::pair<int64_t, int64_t>{INT16_MIN, INT16_MAX}
                          : to == Type::kInt32 ? std::pair<int64_t, int64_t>{INT32_MIN, INT32_MAX}
                                               : std::pair<int64_t, int64_t>{INT64_MIN, INT64_MAX};
        auto parsed = java::parse_integer(v.as_text(), min, max);
        if (!parsed) return unparsable();
        n = *parsed;
      } else {
        return unexpected();
      }
      // Java's narrowing conversions wrap (two's complement).
      switch (to) {
        case Type::kInt8:
          return Value::int8(static_cast<int8_t>(n));
        case Type::kInt16:
          return Value::int16(static_cast<int16_t>(n));
        case Type::kInt32:
          return Value::int32(static_cast<int32_t>(n));
        default:
          return Value::int64(n);
      }
    }
    case Type::kFloat32:
    case Type::kFloat64: {
      double d = 0;
      if (integer) {
        d = static_cast<double>(v.as_int());
      } else if (floating) {
        d = v.as_double();
      } else if (actual == Type::kBoolean) {
        d = v.as_bool() ? 1 : 0;
      } else if (actual == Type::kString) {
        auto parsed = java::parse_double(v.as_text());
        if (!parsed) return unparsable();
        d = *parsed;
      } else {
        return unexpected();
      }
      if (to == Type::kFloat32) {
        return Value::float32(integer ? static_cast<float>(v.as_int()) : java::double_to_float(d));
      }
      return Value::float64(d);
    }
    case Type::kBoolean:
      if (integer) return Value::boolean(v.as_int() != 0);
      if (floating) return Value::boolean(java::double_to_long(v.as_double()) != 0);
      if (actual == Type::kBoolean) return v;
      if (actual == Type::kString) return Value::boolean(strings::iequals(v.as_text(), "true"));
      return unexpected();
    case Type::kString:
      if (integer) return Value::string(std::to_string(v.as_int()));
      if (actual == Type::kFloat32) {
        return Value::string(java::float_to_string(java::double_to_float(v.as_double())));
      }
      if (actual == Type::kFloat64) return Value::string(java::double_to_string(v.as_double()));
      if (actual == Type::kBoolean) return Value::string(v.as_bool() ? "true" : "false");
      if (actual == Type::kString) return Value::string(std::string(v.as_text()));
      if (actual == Type::kBytes) return Value::string(base64::encode(v.as_text()));
      return unexpected();
    default:
      return data_error("{} is not supported in the Cast transformation.", upper_name(to));
  }
}

Result<SchemaPtr> cast_schema(const Schema& source, Type to) {
  // Kafka copies the name too; a logical type's name on the new type would be wrong.
  bool logical = is_logical_date(&source) || (source.name && *source.name == kDecimalName);
  auto s = logical ? std::make_shared<Schema>() : copy_schema_basics(source, to);
  s->type = to;
  s->optional = source.optional;
  if (source.default_value) {
    KC_ASSIGN_OR_RETURN(auto d, cast_value(*source.default_value, &source, to));
    s->default_value = std::make_shared<const Value>(std::move(d));
  }
  return SchemaPtr(s);
}

class Cast final : public api::Transform {
 public:
  Cast(Side side, Spec spec, bool replace_null_with_default)
      : side_(side),
        spec_(std::move(spec)),
        replace_null_with_default_(replace_null_with_default) {}

  static Result<std::unique_ptr<api::Transform>> create(Side side, const api::Config& config) {
    KC_ASSIGN_OR_RETURN(auto spec, parse_spec(config.get_list("spec")));
    return std::unique_ptr<api::Transform>(std::make_unique<Cast>(
        side, std::move(spec), config.get_bool("replace.null.with.default")));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (value.is_null()) return Outcome::kKeep;
    if (!schema) {
      if (spec_.whole) {
        if (value.type() == Type::kRawJson) KC_RETURN_IF_ERROR(materialize(value, record));
        KC_ASSIGN_OR_RETURN(value, cast_value(value, nullptr, *spec_.whole));
        return Outcome::kKeep;
      }
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      // As in Kafka, a field absent from the map is added with null.
      KC_RETURN_IF_ERROR(update_fields(
          *entries, spec_.fields.size(),
          [&](size_t i) -> std::string_view { return spec_.fields[i].first; },
          [&](const Value& v, size_t i) {
            return cast_value(v, nullptr, spec_.fields[i].second);
          }));
      return Outcome::kKeep;
    }
    const SchemaPtr* updated = cache_.get(schema);
    if (!updated) {
      KC_ASSIGN_OR_RETURN(auto built, derive(*schema));
      updated = &cache_.put(schema, std::move(built));
    }
    if (spec_.whole) {
      KC_ASSIGN_OR_RETURN(auto c, cast_value(value, schema.get(), *spec_.whole));
      schema = *updated;
      value = std::move(c);
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    Value::Fields fields = value.as_struct();
    for (size_t i = 0; i < fields.size() && i < schema->fields.size(); ++i) {
      const Schema& fs = *schema->fields[i].schema;
      Value v = field_value(fields[i].second, fs, replace_null_with_default_);
      if (auto type = target(fields[i].first)) {
        KC_ASSIGN_OR_RETURN(v, cast_value(v, &fs, *type));
      }
      fields[i].second = std::move(v);
    }
    schema = *updated;
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  std::optional<Type> target(std::string_view field) const {
    for (const auto& [f, t] : spec_.fields) {
      if (f == field) return t;
    }
    return std::nullopt;
  }

  Result<SchemaPtr> derive(const Schema& schema) const {
    if (spec_.whole) return cast_schema(schema, *spec_.whole);
    if (schema.type != Type::kStruct) {
      return data_error("Only Struct objects supported for [{}], found: {}", kPurpose,
                        api::type_name(schema.type));
    }
    auto s = copy_schema_basics(schema, Type::kStruct);
    s->optional = schema.optional;
    for (const auto& f : schema.fields) {
      if (auto type = target(f.name)) {
        KC_ASSIGN_OR_RETURN(auto fs, cast_schema(*f.schema, *type));
        s->fields.push_back({f.name, std::move(fs)});
      } else {
        s->fields.push_back(f);
      }
    }
    return SchemaPtr(s);
  }

  Side side_;
  Spec spec_;
  bool replace_null_with_default_;
  SchemaCache cache_;
};

}  // namespace

std::vector<api::TransformPlugin> cast_plugins() {
  return key_value_plugins(
      "Cast",
      "Cast fields or the entire record {} to a specific type, e.g. to force an integer field to "
      "a smaller width. Only simple primitive types are supported -- integers, floats, boolean, "
      "and string.",
      config_def, Cast::create);
}

}  // namespace kc::transforms
