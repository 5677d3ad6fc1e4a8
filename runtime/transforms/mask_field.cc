// MaskField$Key / MaskField$Value (org.apache.kafka.connect.transforms.MaskField).

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "runtime/transforms/java_values.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "mask fields";

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(required_list("fields", "Names of fields to mask."));
    d.define({.name = "replacement",
              .type = api::ConfigType::kString,
              .validator = non_empty_string(),
              .allowed = "non-empty string",
              .importance = api::Importance::kLow,
              .documentation = "Custom value replacement, that will be applied to all 'fields' "
                               "values (numeric or non-empty string values only)."});
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

// Values.convertToLong/Double on a string: any number, truncated for integers.
std::optional<double> replacement_number(std::string_view text) { return java::parse_double(text); }

class MaskField final : public api::Transform {
 public:
  MaskField(Side side, const api::Config& config)
      : side_(side),
        fields_(config.get_list("fields")),
        replacement_(config.get_optional("replacement")),
        replace_null_with_default_(config.get_bool("replace.null.with.default")) {}

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (value.is_null()) return Outcome::kKeep;
    if (!schema) {
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      KC_RETURN_IF_ERROR(update_fields(
          *entries, fields_.size(), [&](size_t i) -> std::string_view { return fields_[i]; },
          [&](const Value& v, size_t) { return masked(v, nullptr); }));
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    Value::Fields fields = value.as_struct();
    for (size_t i = 0; i < fields.size() && i < schema->fields.size(); ++i) {
      const Schema& fs = *schema->fields[i].schema;
      Value v = field_value(fields[i].second, fs, replace_null_with_default_);
      if (std::find(fields_.begin(), fields_.end(), fields[i].first) != fields_.end()) {
        KC_ASSIGN_OR_RETURN(v, masked(v, &fs));
      }
      fields[i].second = std::move(v);
    }
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  // The masked form of `v`; `schema` is the field's schema when there is one.
  Result<Value> masked(const Value& v, const Schema* schema) const {
    if (v.is_null()) return Value();
    Type type = schemaless_type(v);
    bool logical_date = schema && schema->name &&
                        (*schema->name == kTimestampName || *schema->name == kDateName ||
                         *schema->name == kTimeName);
    bool decimal = schema && schema->name && *schema->name == kDecimalName;
    if (replacement_) return with_replacement(type, logical_date || decimal);
    if (decimal) {
      return type == Type::kBytes ? Value::bytes(std::string(1, '\0')) : Value::float64(0);
    }
    switch (type) {
      case Type::kBoolean:
        return Value::boolean(false);
      case Type::kInt8:
      case Type::kInt16:
      case Type::kInt32:
      case Type::kInt64:
        return Value::integer(type, 0);  // also Date/Time/Timestamp: new Date(0)
      case Type::kFloat32:
        return Value::float32(0);
      case Type::kFloat64:
        return Value::float64(0);
      case Type::kString:
        return Value::string("");
      case Type::kArray:
        return Value::array({});
      case Type::kMap:
        return Value::map({});
      default:
        return data_error("Cannot mask value of type: {}", api::type_name(type));
    }
  }

  Result<Value> with_replacement(Type type, bool logical) const {
    const std::string& r = *replacement_;
    auto refuse = [&] {
      return data_error("Cannot mask value of type {} with custom replacement.",
                        logical ? "logical date/decimal" : api::type_name(type));
    };
    if (logical) return refuse();
    switch (type) {
      case Type::kString:
        return Value::string(r);
      case Type::kInt8:
      case Type::kInt16:
      case Type::kInt32:
      case Type::kInt64:
      case Type::kFloat32:
      case Type::kFloat64: {
        std::optional<int64_t> n = java::parse_integer(r, std::numeric_limits<int64_t>::min(),
                                                       std::numeric_limits<int64_t>::max());
        auto d = n ? std::optional<double>(static_cast<double>(*n)) : replacement_number(r);
        if (!d) return data_error("Unable to convert {} (String) to number", r);
        switch (type) {
          case Type::kInt8:
            return Value::int8(static_cast<int8_t>(n ? *n : java::double_to_long(*d)));
          case Type::kInt16:
            return Value::int16(static_cast<int16_t>(n ? *n : java::double_to_long(*d)));
          case Type::kInt32:
            return Value::int32(static_cast<int32_t>(n ? *n : java::double_to_long(*d)));
          case Type::kInt64:
            return Value::int64(n ? *n : java::double_to_long(*d));
          case Type::kFloat32:
            return Value::float32(java::double_to_float(*d));
          default:
            return Value::float64(*d);
        }
      }
      default:
        return refuse();
    }
  }

  Side side_;
  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;
  bool replace_null_with_default_;
};

}  // namespace

std::vector<api::TransformPlugin> mask_field_plugins() {
  return key_value_plugins(
      "MaskField",
      "Mask fields of the record {} with a valid null value for the field type (0, false, empty "
      "string, empty array or map), or with a custom replacement.",
      config_def, construct<MaskField>());
}

}  // namespace kc::transforms
