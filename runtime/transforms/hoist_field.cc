// HoistField$Key / HoistField$Value (org.apache.kafka.connect.transforms.HoistField).

#include <string>

#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(required_string("field",
                             "Field name for the single field that will be created in the "
                             "resulting Struct or Map."));
    return d;
  }();
  return def;
}

class HoistField final : public api::Transform {
 public:
  HoistField(Side side, const api::Config& config)
      : side_(side), field_(config.get_string("field")) {}

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (!schema) {
      // As in Kafka, a null (tombstone) becomes {field: null}.
      Value::MapEntries entries;
      entries.emplace_back(Value::string(field_), std::move(value));
      value = Value::map(std::move(entries));
      return Outcome::kKeep;
    }
    const SchemaPtr* updated = cache_.get(schema);
    if (!updated) {
      auto s = std::make_shared<Schema>();
      s->type = Type::kStruct;
      s->fields.push_back({field_, schema});
      updated = &cache_.put(schema, std::move(s));
    }
    if (value.is_null() && !schema->optional && !schema->default_value) {
      return data_error("Invalid value: null used for required field: \"{}\", schema type: {}",
                        field_, api::type_name(schema->type));
    }
    Value::Fields fields;
    fields.emplace_back(field_, std::move(value));
    schema = *updated;
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  Side side_;
  std::string field_;
  SchemaCache cache_;
};

}  // namespace

std::vector<api::TransformPlugin> hoist_field_plugins() {
  return key_value_plugins(
      "HoistField",
      "Wrap the record {} in a Struct when a schema is present, or a Map in the case of "
      "schemaless data, under the configured field name.",
      config_def, construct<HoistField>());
}

}  // namespace kc::transforms
