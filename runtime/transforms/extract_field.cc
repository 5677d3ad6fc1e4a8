// ExtractField$Key / ExtractField$Value (org.apache.kafka.connect.transforms.ExtractField), with
// KIP-821's field.syntax.version (V2: dotted paths into nested structs and maps, backticks around
// names that contain dots).

#include <string>
#include <vector>

#include "libs/base/strings.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "field extraction";

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(required_string("field", "Field name to extract."));
    d.define({.name = "field.syntax.version",
              .type = api::ConfigType::kString,
              .default_value = "V1",
              .validator = api::validators::one_of({"V1", "V2"}),
              .allowed = "(case insensitive) [V1, V2]",
              .importance = api::Importance::kHigh,
              .documentation =
                  "Defines the version of the syntax to access fields. If set to `V1`, then the "
                  "field paths are limited to access the elements at the root level of the struct "
                  "or map. If set to `V2`, the syntax will support accessing nested elements. To "
                  "access nested elements, dotted notation is used. If dots are already included "
                  "in the field name, then backtick pairs can be used to wrap field names "
                  "containing dots. E.g. to access the subfield `baz` from a field named "
                  "\"foo.bar\" in a struct/map the following format can be used to access its "
                  "elements: \"`foo.bar`.baz\"."});
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

// SingleFieldPath (KIP-821) V2 parsing.
Result<std::vector<std::string>> parse_v2(std::string_view path) {
  auto incomplete = [&](size_t at) {
    return make_error(Errc::kInvalidConfig,
                      "Incomplete backtick pair in path: [{}], consider adding a backslash before "
                      "backtick at position {} to escape it",
                      path, at);
  };
  std::vector<std::string> steps;
  size_t idx = 0;
  while (idx < path.size()) {
    if (path[idx] != '`') {
      size_t dot = path.find('.', idx);
      if (dot == std::string_view::npos) {
        steps.emplace_back(path.substr(idx));
        idx = path.size();
      } else {
        steps.emplace_back(path.substr(idx, dot - idx));
        idx = dot + 1;
      }
      continue;
    }
    size_t backtick_at = idx;
    ++idx;
    std::string field;
    size_t start = idx;
    while (true) {
      idx = path.find('`', idx);
      if (idx == std::string_view::npos) return incomplete(backtick_at);
      bool escaped = path[idx - 1] == '\\';
      if (idx >= path.size() - 1) {
        if (escaped) return incomplete(backtick_at);
        field.append(path.substr(start, idx - start));
        steps.push_back(std::move(field));
        ++idx;
        break;
      }
      if (path[idx + 1] != '.') {
        ++idx;
        continue;
      }
      if (escaped) {
        field.append(path.substr(start, idx - 1 - start));
        field.push_back('`');
        ++idx;
        start = idx;
        continue;
      }
      field.append(path.substr(start, idx - start));
      steps.push_back(std::move(field));
      idx += 2;
      break;
    }
  }
  if (!path.empty() && path.back() == '.') steps.emplace_back();
  return steps;
}

class ExtractField final : public api::Transform {
 public:
  ExtractField(Side side, std::string original, std::vector<std::string> steps,
               bool replace_null_with_default)
      : side_(side),
        original_(std::move(original)),
        steps_(std::move(steps)),
        replace_null_with_default_(replace_null_with_default) {}

  static Result<std::unique_ptr<api::Transform>> create(Side side, const api::Config& config) {
    std::string field = config.get_string("field");
    std::vector<std::string> steps{field};
    if (strings::iequals(config.get_string("field.syntax.version"), "V2")) {
      KC_ASSIGN_OR_RETURN(steps, parse_v2(field));
    }
    return std::unique_ptr<api::Transform>(std::make_unique<ExtractField>(
        side, std::move(field), std::move(steps), config.get_bool("replace.null.with.default")));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (!schema) {
      if (value.is_null()) return Outcome::kKeep;  // null stays null
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      Value* current = nullptr;
      Value::MapEntries* map = entries;
      for (size_t i = 0; i < steps_.size(); ++i) {
        current = find(*map, steps_[i]);
        if (!current || i + 1 == steps_.size()) break;
        if (current->is_null()) {
          current = nullptr;
          break;
        }
        KC_ASSIGN_OR_RETURN(map, require_map(*current, record, "nested field access"));
      }
      Value extracted = current ? std::move(*current) : Value();
      value = std::move(extracted);
      return Outcome::kKeep;
    }
    // Resolve the field schema first: an unknown field is an error even for a null value.
    const Schema* s = schema.get();
    SchemaPtr field_schema;
    std::vector<size_t> indexes;
    for (const auto& step : steps_) {
      if (!s || s->type != Type::kStruct) return data_error("Unknown field: {}", original_);
      auto index = field_index(*s, step);
      if (!index) return data_error("Unknown field: {}", original_);
      indexes.push_back(*index);
      field_schema = s->fields[*index].schema;
      s = field_schema.get();
    }
    if (value.is_null()) {
      schema = field_schema;
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    const Value* current = &value;
    const Schema* current_schema = schema.get();
    Value extracted;
    for (size_t i = 0; i < indexes.size(); ++i) {
      if (current->type() != Type::kStruct) {
        return data_error("Only Struct objects supported for [nested field access], found: {}",
                          describe(*current));
      }
      const auto& fields = current->as_struct();
      if (indexes[i] >= fields.size()) break;
      const Schema& fs = *current_schema->fields[indexes[i]].schema;
      const Value& v = fields[indexes[i]].second;
      if (i + 1 == indexes.size()) {
        extracted = field_value(v, fs, replace_null_with_default_);
        break;
      }
      if (v.is_null()) break;
      current = &v;
      current_schema = &fs;
    }
    schema = field_schema;
    value = std::move(extracted);
    return Outcome::kKeep;
  }

 private:
  Side side_;
  std::string original_;
  std::vector<std::string> steps_;
  bool replace_null_with_default_;
};

}  // namespace

std::vector<api::TransformPlugin> extract_field_plugins() {
  return key_value_plugins(
      "ExtractField",
      "Extract the specified field from a Struct when schema present, or a Map in the case of "
      "schemaless data, and make it the record {}. Null values are passed through unmodified.",
      config_def, ExtractField::create);
}

}  // namespace kc::transforms
