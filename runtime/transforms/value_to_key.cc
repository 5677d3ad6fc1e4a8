// ValueToKey (org.apache.kafka.connect.transforms.ValueToKey).

#include <string>
#include <vector>

#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "copying fields from value to key";

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(
        required_list("fields", "Field names on the record value to extract as the record key."));
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

struct Derived {
  SchemaPtr key_schema;
  std::vector<size_t> source;  // value field index of each key field
};

class ValueToKey final : public api::Transform {
 public:
  explicit ValueToKey(const api::Config& config)
      : fields_(config.get_list("fields")),
        replace_null_with_default_(config.get_bool("replace.null.with.default")) {}

  Result<Outcome> apply(SinkRecord& record) override {
    if (!record.value_schema) {
      // Kafka's requireMap: a tombstone is an error here too (use a RecordIsTombstone predicate).
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(record.value, record, kPurpose));
      Value::MapEntries key;
      key.reserve(fields_.size());
      for (const auto& name : fields_) {
        const Value* v = find(*entries, name);
        put(key, name, v ? *v : Value());
      }
      record.key_schema = nullptr;
      record.key = Value::map(std::move(key));
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(record.value, record.value_schema, kPurpose));
    const Schema& schema = *record.value_schema;
    const Derived* derived = cache_.get(record.value_schema);
    if (!derived) {
      Derived d;
      auto key_schema = std::make_shared<Schema>();
      key_schema->type = Type::kStruct;
      for (const auto& name : fields_) {
        auto index = field_index(schema, name);
        if (!index) return data_error("Field does not exist: {}", name);
        if (key_schema->field(name)) continue;
        key_schema->fields.push_back({name, schema.fields[*index].schema});
        d.source.push_back(*index);
      }
      d.key_schema = key_schema;
      derived = &cache_.put(record.value_schema, std::move(d));
    }
    const auto& values = record.value.as_struct();
    Value::Fields key;
    key.reserve(derived->source.size());
    for (size_t i = 0; i < derived->source.size(); ++i) {
      size_t from = derived->source[i];
      key.emplace_back(derived->key_schema->fields[i].name,
                       field_value(from < values.size() ? values[from].second : Value(),
                                   *schema.fields[from].schema, replace_null_with_default_));
    }
    record.key_schema = derived->key_schema;
    record.key = Value::structure(std::move(key));
    return Outcome::kKeep;
  }

 private:
  std::vector<std::string> fields_;
  bool replace_null_with_default_;
  DerivedCache<Derived> cache_;
};

}  // namespace

std::vector<api::TransformPlugin> value_to_key_plugins() {
  return {make_transform_plugin(
      "ValueToKey", std::nullopt,
      "Replace the record key with a new key formed from a subset of fields in the record value.",
      config_def, [](const api::Config& c) -> Result<std::unique_ptr<api::Transform>> {
        return std::make_unique<ValueToKey>(c);
      })};
}

}  // namespace kc::transforms
