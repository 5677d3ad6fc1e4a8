// InsertField$Key / InsertField$Value (org.apache.kafka.connect.transforms.InsertField).

#include <charconv>
#include <optional>
#include <string>

#include "runtime/api/json.h"
#include "runtime/transforms/json_text.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "field insertion";
constexpr std::string_view kOptionalityDoc =
    "Suffix with `!` to make this a required field, or `?` to keep it optional (the default).";

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    auto field = [&](std::string name, std::string doc) {
      d.define({.name = std::move(name),
                .type = api::ConfigType::kString,
                .importance = api::Importance::kMedium,
                .documentation = fmt::format("{} {}", doc, kOptionalityDoc)});
    };
    field("topic.field", "Field name for Kafka topic.");
    field("partition.field", "Field name for Kafka partition.");
    field("offset.field", "Field name for Kafka offset - only applicable to sink connectors.");
    field("timestamp.field", "Field name for record timestamp.");
    field("static.field", "Field name for static data field.");
    d.define({.name = "static.value",
              .type = api::ConfigType::kString,
              .importance = api::Importance::kMedium,
              .documentation = "Static field value, if field name configured."});
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

struct Spec {
  std::string name;
  bool optional = true;
};

std::optional<Spec> parse_spec(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const std::string& s = *text;
  if (!s.empty() && s.back() == '?') return Spec{s.substr(0, s.size() - 1), true};
  if (!s.empty() && s.back() == '!') return Spec{s.substr(0, s.size() - 1), false};
  return Spec{s, true};
}

class InsertField final : public api::Transform {
 public:
  InsertField(Side side, const api::Config& config)
      : side_(side),
        topic_(parse_spec(config.get_optional("topic.field"))),
        partition_(parse_spec(config.get_optional("partition.field"))),
        offset_(parse_spec(config.get_optional("offset.field"))),
        timestamp_(parse_spec(config.get_optional("timestamp.field"))),
        static_(parse_spec(config.get_optional("static.field"))),
        static_value_(config.get_optional("static.value")),
        replace_null_with_default_(config.get_bool("replace.null.with.default")) {
    const std::optional<Spec>* specs[5] = {&topic_, &partition_, &offset_, &timestamp_, &static_};
    for (size_t i = 0; i < 5; ++i) {
      if (!*specs[i]) continue;
      const std::string& name = (*specs[i])->name;
      raw_[i].name = name;
      api::json::write_string(name, raw_[i].key_json);
      raw_[i].key_json += ':';
    }
    if (static_value_) api::json::write_string(*static_value_, static_json_);
  }

  static Result<std::unique_ptr<api::Transform>> create(Side side, const api::Config& config) {
    auto t = std::make_unique<InsertField>(side, config);
    if (!t->topic_ && !t->partition_ && !t->offset_ && !t->timestamp_ && !t->static_) {
      return make_error(Errc::kInvalidConfig, "No field insertion configured");
    }
    if (t->static_ && !t->static_value_) {
      return make_error(Errc::kInvalidConfig, "No value specified for static field: {}",
                        t->static_->name);
    }
    return std::unique_ptr<api::Transform>(std::move(t));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (value.is_null()) return Outcome::kKeep;  // tombstones pass through, as in Kafka
    if (!schema) {
      if (value.type() == Type::kRawJson && insert_raw(record, value)) return Outcome::kKeep;
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      NamedValue fields[5];
      size_t n = collect(record, fields);
      put_all(*entries, fields, n);
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    const SchemaPtr* updated = cache_.get(schema);
    if (!updated) {
      KC_ASSIGN_OR_RETURN(auto built, updated_schema(*schema));
      updated = &cache_.put(schema, std::move(built));
    }
    Value::Fields fields;
    fields.reserve((*updated)->fields.size());
    const auto& old = value.as_struct();
    for (size_t i = 0; i < schema->fields.size() && i < old.size(); ++i) {
      fields.emplace_back(old[i].first, field_value(old[i].second, *schema->fields[i].schema,
                                                    replace_null_with_default_));
    }
    auto ts = record_timestamp(record);
    if (topic_) fields.emplace_back(topic_->name, Value::string(record.topic));
    if (partition_) fields.emplace_back(partition_->name, Value::int32(record.partition));
    if (offset_) fields.emplace_back(offset_->name, Value::int64(record.offset));
    if (timestamp_) fields.emplace_back(timestamp_->name, ts ? Value::int64(*ts) : Value());
    if (static_) fields.emplace_back(static_->name, Value::string(*static_value_));
    schema = *updated;
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  // The fields to insert into a schemaless value (the timestamp only when the record has one).
  size_t collect(const SinkRecord& record, NamedValue* fields) const {
    size_t n = 0;
    if (topic_) fields[n++] = {topic_->name, Value::string(record.topic)};
    if (partition_) fields[n++] = {partition_->name, Value::int32(record.partition)};
    if (offset_) fields[n++] = {offset_->name, Value::int64(record.offset)};
    if (timestamp_) {
      if (auto ts = record_timestamp(record)) fields[n++] = {timestamp_->name, Value::int64(*ts)};
    }
    if (static_) fields[n++] = {static_->name, Value::string(*static_value_)};
    return n;
  }

  // A kRawJson object is edited as text: the same result as the parsed path, without parsing
  // the values. False when the text is not an object or has escaped keys: use the parsed path.
  bool insert_raw(const SinkRecord& record, Value& value) {
    std::string_view text = value.as_text();
    // The JSON text of each value to insert.
    const Raw* which[5];
    std::string_view values[5];
    char numbers[3][24];
    size_t n = 0;
    auto number = [&](size_t slot, int64_t v) {
      auto [end, ec] = std::to_chars(numbers[slot], numbers[slot] + sizeof(numbers[slot]), v);
      return std::string_view(numbers[slot], static_cast<size_t>(end - numbers[slot]));
    };
    if (topic_) {
      if (record.topic != last_topic_) {
        last_topic_ = record.topic;
        last_topic_json_.clear();
        api::json::write_string(record.topic, last_topic_json_);
      }
      which[n] = &raw_[0];
      values[n++] = last_topic_json_;
    }
    if (partition_) {
      which[n] = &raw_[1];
      values[n++] = number(0, record.partition);
    }
    if (offset_) {
      which[n] = &raw_[2];
      values[n++] = number(1, record.offset);
    }
    if (timestamp_) {
      if (auto ts = record_timestamp(record)) {
        which[n] = &raw_[3];
        values[n++] = number(2, *ts);
      }
    }
    if (static_) {
      which[n] = &raw_[4];
      values[n++] = static_json_;
    }

    if (!scan_.scan(text)) return false;
    bool replaces = false;
    for (const auto& f : scan_) {
      if (f.key_escaped) return false;
      for (size_t j = 0; j < n; ++j) replaces = replaces || which[j]->name == f.key;
    }
    size_t extra = 0;
    for (size_t j = 0; j < n; ++j) extra += 1 + which[j]->key_json.size() + values[j].size();
    std::string out;
    out.reserve(text.size() + extra);
    if (!replaces) {
      // The common case: new names. The object as written, up to its closing brace, then the
      // new members.
      size_t close = text.find_last_of('}');
      out.append(text.data(), close);
      for (size_t j = 0; j < n; ++j) {
        if (scan_.size() > 0 || j > 0) out += ',';
        out += which[j]->key_json;
        out += values[j];
      }
      out += '}';
      value = Value::raw_json(std::move(out));
      return true;
    }
    bool done[5] = {};
    out += '{';
    for (const auto& f : scan_) {
      if (out.size() > 1) out += ',';
      size_t j = 0;
      while (j < n && which[j]->name != f.key) ++j;
      if (j < n) {
        out += which[j]->key_json;
        out += values[j];
        done[j] = true;
      } else {
        // The member as written: from the key's opening quote to the end of the value.
        const char* member = f.key.data() - 1;
        out.append(member, static_cast<size_t>(f.value.data() + f.value.size() - member));
      }
    }
    for (size_t j = 0; j < n; ++j) {
      if (done[j]) continue;
      if (out.size() > 1) out += ',';
      out += which[j]->key_json;
      out += values[j];
    }
    out += '}';
    value = Value::raw_json(std::move(out));
    return true;
  }

  Result<SchemaPtr> updated_schema(const Schema& schema) const {
    auto s = copy_schema_basics(schema, Type::kStruct);
    s->fields = schema.fields;
    auto add = [&](const std::optional<Spec>& spec, SchemaPtr field_schema) -> Status {
      if (!spec) return ok();
      if (s->field(spec->name)) {
        return data_error("Cannot create field because of field name duplication {}", spec->name);
      }
      s->fields.push_back({spec->name, std::move(field_schema)});
      return ok();
    };
    auto prim = [](const std::optional<Spec>& spec, Type type) {
      return primitive_schema(type, !spec || spec->optional);
    };
    KC_RETURN_IF_ERROR(add(topic_, prim(topic_, Type::kString)));
    KC_RETURN_IF_ERROR(add(partition_, prim(partition_, Type::kInt32)));
    KC_RETURN_IF_ERROR(add(offset_, prim(offset_, Type::kInt64)));
    KC_RETURN_IF_ERROR(
        add(timestamp_, logical_schema(kTimestampName, !timestamp_ || timestamp_->optional)));
    KC_RETURN_IF_ERROR(add(static_, prim(static_, Type::kString)));
    return SchemaPtr(s);
  }

  Side side_;
  std::optional<Spec> topic_, partition_, offset_, timestamp_, static_;
  std::optional<std::string> static_value_;
  bool replace_null_with_default_;
  SchemaCache cache_;

  // For the text path (insert_raw): per field (topic, partition, offset, timestamp, static) its
  // name and "\"name\":".
  struct Raw {
    std::string_view name;
    std::string key_json;
  };
  Raw raw_[5];
  std::string static_json_;
  std::string last_topic_, last_topic_json_;
  json_text::ObjectIndex scan_;  // reused between records
};

}  // namespace

std::vector<api::TransformPlugin> insert_field_plugins() {
  return key_value_plugins(
      "InsertField",
      "Insert field(s) using attributes from the record metadata or a configured static value, "
      "into the record {}.",
      config_def, InsertField::create);
}

}  // namespace kc::transforms
