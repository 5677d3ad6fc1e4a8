// HeaderFrom$Key / HeaderFrom$Value (org.apache.kafka.connect.transforms.HeaderFrom, KIP-145).

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(required_list(
        "fields", "Field names in the record whose values are to be copied or moved to headers."));
    d.define(required_list("headers",
                           "Header names, in the same order as the field names listed in the "
                           "fields configuration property."));
    d.define({.name = "operation",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = api::validators::one_of({"move", "copy"}, /*case_sensitive=*/true),
              .allowed = "[move, copy]",
              .importance = api::Importance::kHigh,
              .documentation = "Either `move` if the fields are to be moved to the headers "
                               "(removed from the key/value), or `copy` if the fields are to be "
                               "copied to the headers (retained in the key/value)."});
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

struct Derived {
  SchemaPtr schema;            // without the moved fields (move), or the input schema (copy)
  std::vector<size_t> kept;    // input index of each output field
  std::vector<size_t> source;  // input index of each configured field
};

class HeaderFrom final : public api::Transform {
 public:
  HeaderFrom(Side side, const api::Config& config)
      : side_(side),
        fields_(config.get_list("fields")),
        headers_(config.get_list("headers")),
        move_(config.get_string("operation") == "move"),
        replace_null_with_default_(config.get_bool("replace.null.with.default")) {}

  static Result<std::unique_ptr<api::Transform>> create(Side side, const api::Config& config) {
    if (config.get_list("fields").size() != config.get_list("headers").size()) {
      return make_error(Errc::kInvalidConfig,
                        "'fields' config must have the same number of elements as 'headers' "
                        "config.");
    }
    return std::unique_ptr<api::Transform>(std::make_unique<HeaderFrom>(side, config));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (value.is_null()) return Outcome::kKeep;
    std::string purpose = move_ ? "header move" : "header copy";
    if (!schema) {
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, purpose));
      for (size_t i = 0; i < fields_.size(); ++i) {
        const Value* v = find(*entries, fields_[i]);
        record.headers.push_back({headers_[i], nullptr, v ? *v : Value()});
      }
      if (move_) {
        for (const auto& f : fields_) erase_key(*entries, f);
      }
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, purpose));
    const Derived* derived = cache_.get(schema);
    if (!derived) {
      KC_ASSIGN_OR_RETURN(auto built, derive(schema));
      derived = &cache_.put(schema, std::move(built));
    }
    const auto& old = value.as_struct();
    for (size_t i = 0; i < fields_.size(); ++i) {
      size_t from = derived->source[i];
      const Schema& fs = *schema->fields[from].schema;
      Value v = from < old.size() ? field_value(old[from].second, fs, replace_null_with_default_)
                                  : Value();
      record.headers.push_back({headers_[i], schema->fields[from].schema, std::move(v)});
    }
    if (move_) {
      Value::Fields fields;
      fields.reserve(derived->kept.size());
      for (size_t from : derived->kept) {
        fields.emplace_back(schema->fields[from].name,
                            from < old.size()
                                ? field_value(old[from].second, *schema->fields[from].schema,
                                              replace_null_with_default_)
                                : Value());
      }
      value = Value::structure(std::move(fields));
      schema = derived->schema;
    }
    return Outcome::kKeep;
  }

 private:
  Result<Derived> derive(const SchemaPtr& schema) const {
    Derived d;
    for (const auto& f : fields_) {
      auto index = field_index(*schema, f);
      if (!index) return data_error("Field does not exist: {}", f);
      d.source.push_back(*index);
    }
    if (!move_) {
      d.schema = schema;
      return d;
    }
    auto s = copy_schema_basics(*schema, Type::kStruct);
    for (size_t i = 0; i < schema->fields.size(); ++i) {
      if (std::find(fields_.begin(), fields_.end(), schema->fields[i].name) != fields_.end()) {
        continue;
      }
      s->fields.push_back(schema->fields[i]);
      d.kept.push_back(i);
    }
    d.schema = s;
    return d;
  }

  Side side_;
  std::vector<std::string> fields_, headers_;
  bool move_;
  bool replace_null_with_default_;
  DerivedCache<Derived> cache_;
};

}  // namespace

std::vector<api::TransformPlugin> header_from_plugins() {
  return key_value_plugins(
      "HeaderFrom",
      "Moves or copies fields in the record {} into the record's headers. Corresponding elements "
      "of `fields` and `headers` together identify a field and the header it should be moved or "
      "copied to.",
      config_def, HeaderFrom::create);
}

}  // namespace kc::transforms
