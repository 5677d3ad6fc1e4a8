#include "runtime/converters/json_converter.h"

#include <list>
#include <unordered_map>

#include <fmt/format.h>
#include <simdjson.h>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "runtime/api/json.h"

namespace kc::converters {
namespace {

using api::Schema;
using api::SchemaPtr;
using api::Type;
using api::Value;
namespace dom = simdjson::dom;

constexpr std::string_view kEnvelopeError =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
    "contain additional fields. If you are trying to deserialize plain JSON data, set "
    "schemas.enable=false in your converter configuration.";
constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";

struct Options {
  bool schemas_enable = true;
  size_t cache_size = 1000;
  bool decimal_numeric = false;
  bool replace_null_with_default = true;
};

std::optional<Type> type_from_name(std::string_view name) {
  static const std::pair<std::string_view, Type> kTypes[] = {
      {"boolean", Type::kBoolean}, {"int8", Type::kInt8},     {"int16", Type::kInt16},
      {"int32", Type::kInt32},     {"int64", Type::kInt64},   {"float", Type::kFloat32},
      {"double", Type::kFloat64},  {"string", Type::kString}, {"bytes", Type::kBytes},
      {"array", Type::kArray},     {"map", Type::kMap},       {"struct", Type::kStruct}};
  for (const auto& [n, t] : kTypes) {
    if (n == name) return t;
  }
  return std::nullopt;
}

Error data_error(std::string message) { return Error(Errc::kData, std::move(message)); }

Result<Value> convert(const SchemaPtr& schema, dom::element e, const Options& opts);

// Connect's JSON schema representation (JsonSchema.java / JsonConverter.asConnectSchema).
Result<SchemaPtr> parse_schema(dom::element e, const Options& opts) {
  if (e.is_null()) return SchemaPtr();
  dom::object obj;
  if (e.get(obj)) return tl::unexpected(data_error("Schema must be a JSON object"));
  std::string_view type_name;
  if (obj["type"].get(type_name))
    return tl::unexpected(data_error("Schema must contain 'type' field"));
  auto type = type_from_name(type_name);
  if (!type) return tl::unexpected(data_error(fmt::format("Unknown schema type: {}", type_name)));
  auto schema = std::make_shared<Schema>();
  schema->type = *type;
  bool optional = false;
  if (!obj["optional"].get(optional)) schema->optional = optional;
  std::string_view text;
  if (!obj["name"].get(text)) schema->name = std::string(text);
  if (!obj["doc"].get(text)) schema->doc = std::string(text);
  int64_t version = 0;
  if (!obj["version"].get(version)) schema->version = static_cast<int32_t>(version);
  dom::object params;
  if (!obj["parameters"].get(params)) {
    for (auto field : params) {
      std::string_view v;
      if (field.value.get(v))
        return tl::unexpected(data_error("Schema parameters must have string values"));
      schema->parameters.emplace(std::string(field.key), std::string(v));
    }
  }
  switch (*type) {
    case Type::kArray: {
      dom::element items;
      if (obj["items"].get(items))
        return tl::unexpected(data_error("Array schema did not specify the element type"));
      KC_ASSIGN_OR_RETURN(schema->value_schema, parse_schema(items, opts));
      break;
    }
    case Type::kMap: {
      dom::element keys, values;
      if (obj["keys"].get(keys) || obj["values"].get(values)) {
        return tl::unexpected(data_error("Map schema did not specify the key and value types"));
      }
      KC_ASSIGN_OR_RETURN(schema->key_schema, parse_schema(keys, opts));
      KC_ASSIGN_OR_RETURN(schema->value_schema, parse_schema(values, opts));
      break;
    }
    case Type::kStruct: {
      dom::array fields;
      if (obj["fields"].get(fields))
        return tl::unexpected(data_error("Struct schema's \"fields\" argument is not an array."));
      for (auto f : fields) {
        std::string_view field_name;
        if (f["field"].get(field_name))
          return tl::unexpected(data_error("Struct schema's field name not specified properly"));
        KC_ASSIGN_OR_RETURN(auto field_schema, parse_schema(f, opts));
        schema->fields.push_back({std::string(field_name), field_schema});
      }
      break;
    }
    default:
      break;
  }
  dom::element def;
  if (!obj["default"].get(def) && !def.is_null()) {
    SchemaPtr bare = schema;
    KC_ASSIGN_OR_RETURN(auto default_value, convert(bare, def, opts));
    default_value.own();
    schema->default_value = std::make_shared<const Value>(std::move(default_value));
  }
  return SchemaPtr(schema);
}

Result<Value> convert_schemaless(dom::element e) {
  switch (e.type()) {
    case dom::element_type::NULL_VALUE:
      return Value::null();
    case dom::element_type::BOOL:
      return Value::boolean(e.get_bool().value_unsafe());
    case dom::element_type::INT64:
      return Value::int64(e.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return Value::float64(static_cast<double>(e.get_uint64().value_unsafe()));
    case dom::element_type::DOUBLE:
      return Value::float64(e.get_double().value_unsafe());
    case dom::element_type::STRING:
      return Value::string(std::string(e.get_string().value_unsafe()));
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT:
      return Value::raw_json(simdjson::minify(e));
  }
  return Value::null();
}

Result<Value> convert(const SchemaPtr& schema, dom::element e, const Options& opts) {
  if (!schema) return convert_schemaless(e);
  if (e.is_null()) {
    if (opts.replace_null_with_default && schema->default_value) return *schema->default_value;
    if (schema->optional) return Value::null();
    return tl::unexpected(data_error(
        fmt::format("Invalid null value for required {} field", api::type_name(schema->type))));
  }
  auto mismatch = [&](std::string_view expected) {
    return tl::unexpected(data_error(fmt::format("Schema type {} expects a JSON {}, found {}",
                                                 api::type_name(schema->type), expected,
                                                 e.is_string()   ? "string"
                                                 : e.is_bool()   ? "boolean"
                                                 : e.is_number() ? "number"
                                                 : e.is_array()  ? "array"
                                                                 : "object")));
  };
  switch (schema->type) {
    case Type::kBoolean: {
      bool b;
      if (e.get(b)) return mismatch("boolean");
      return Value::boolean(b);
    }
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64: {
      int64_t n;
      if (e.get(n)) return mismatch("integer");
      return Value::integer(schema->type, n);
    }
    case Type::kFloat32:
    case Type::kFloat64: {
      double d;
      if (e.get(d)) return mismatch("number");
      return schema->type == Type::kFloat32 ? Value::float32(static_cast<float>(d))
                                            : Value::float64(d);
    }
    case Type::kString: {
      std::string_view s;
      if (e.get(s)) return mismatch("string");
      return Value::string(std::string(s));
    }
    case Type::kBytes: {
      if (schema->name == kDecimalName && e.is_number()) {
        double d = 0;
        if (e.get(d)) return mismatch("number");
        return Value::float64(d);
      }
      std::string_view s;
      if (e.get(s)) return mismatch("base64 string");
      auto decoded = base64::decode(s);
      if (!decoded) return tl::unexpected(data_error("Invalid bytes field: not base64"));
      return Value::bytes(std::move(*decoded));
    }
    case Type::kArray: {
      dom::array arr;
      if (e.get(arr)) return mismatch("array");
      Value::Array items;
      for (auto item : arr) {
        KC_ASSIGN_OR_RETURN(auto v, convert(schema->value_schema, item, opts));
        items.push_back(std::move(v));
      }
      return Value::array(std::move(items));
    }
    case Type::kMap: {
      Value::MapEntries entries;
      bool string_keys = schema->key_schema && schema->key_schema->type == Type::kString;
      if (string_keys) {
        dom::object obj;
        if (e.get(obj)) return mismatch("object");
        for (auto field : obj) {
          KC_ASSIGN_OR_RETURN(auto v, convert(schema->value_schema, field.value, opts));
          entries.emplace_back(Value::string(std::string(field.key)), std::move(v));
        }
      } else {
        dom::array arr;
        if (e.get(arr)) return mismatch("array of [key, value] pairs");
        for (auto pair : arr) {
          dom::array kv;
          if (pair.get(kv) || kv.size() != 2)
            return tl::unexpected(data_error("Found invalid map entry instead of array tuple"));
          KC_ASSIGN_OR_RETURN(auto k, convert(schema->key_schema, kv.at(0).value_unsafe(), opts));
          KC_ASSIGN_OR_RETURN(auto v, convert(schema->value_schema, kv.at(1).value_unsafe(), opts));
          entries.emplace_back(std::move(k), std::move(v));
        }
      }
      return Value::map(std::move(entries));
    }
    case Type::kStruct: {
      dom::object obj;
      if (e.get(obj)) return mismatch("object");
      Value::Fields fields;
      for (const auto& field : schema->fields) {
        dom::element fe;
        Value v;
        if (obj[field.name].get(fe)) {
          if (field.schema && field.schema->default_value && opts.replace_null_with_default) {
            v = *field.schema->default_value;
          } else if (field.schema && !field.schema->optional) {
            return tl::unexpected(
                data_error(fmt::format("Missing required field \"{}\"", field.name)));
          }
        } else {
          auto converted = convert(field.schema, fe, opts);
          if (!converted) {
            return tl::unexpected(data_error(
                fmt::format("field \"{}\": {}", field.name, converted.error().message())));
          }
          v = std::move(*converted);
        }
        fields.emplace_back(field.name, std::move(v));
      }
      return Value::structure(std::move(fields));
    }
    case Type::kNull:
    case Type::kRawJson:
      break;
  }
  return convert_schemaless(e);
}

void write_schema(const SchemaPtr& schema, std::string& out) {
  if (!schema) {
    out += "null";
    return;
  }
  out += "{\"type\":";
  api::json::write_string(api::type_name(schema->type), out);
  if (schema->type == Type::kArray) {
    out += ",\"items\":";
    write_schema(schema->value_schema, out);
  } else if (schema->type == Type::kMap) {
    out += ",\"keys\":";
    write_schema(schema->key_schema, out);
    out += ",\"values\":";
    write_schema(schema->value_schema, out);
  } else if (schema->type == Type::kStruct) {
    out += ",\"fields\":[";
    bool first = true;
    for (const auto& f : schema->fields) {
      if (!first) out.push_back(',');
      first = false;
      std::string field_json;
      write_schema(f.schema, field_json);
      // {"type":...} + "field" member
      out += field_json.substr(0, field_json.size() - 1);
      out += ",\"field\":";
      api::json::write_string(f.name, out);
      out.push_back('}');
    }
    out.push_back(']');
  }
  out += ",\"optional\":";
  out += schema->optional ? "true" : "false";
  if (schema->name) {
    out += ",\"name\":";
    api::json::write_string(*schema->name, out);
  }
  if (schema->version) fmt::format_to(std::back_inserter(out), ",\"version\":{}", *schema->version);
  if (schema->doc) {
    out += ",\"doc\":";
    api::json::write_string(*schema->doc, out);
  }
  if (!schema->parameters.empty()) {
    out += ",\"parameters\":{";
    bool first = true;
    for (const auto& [k, v] : schema->parameters) {
      if (!first) out.push_back(',');
      first = false;
      api::json::write_string(k, out);
      out.push_back(':');
      api::json::write_string(v, out);
    }
    out.push_back('}');
  }
  if (schema->default_value) {
    out += ",\"default\":";
    api::json::write(*schema->default_value, out);
  }
  out.push_back('}');
}

// A small LRU of parsed schemas keyed by their minified JSON text (schemas.cache.size).
class SchemaCache {
 public:
  explicit SchemaCache(size_t capacity) : capacity_(capacity) {}
  SchemaPtr find(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }
  void insert(std::string key, SchemaPtr schema) {
    if (capacity_ == 0) return;
    order_.emplace_front(key, std::move(schema));
    index_[std::move(key)] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  size_t capacity_;
  std::list<std::pair<std::string, SchemaPtr>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, SchemaPtr>>::iterator> index_;
};

class JsonConverter final : public api::Converter {
 public:
  explicit JsonConverter(Options opts) : opts_(opts), cache_(opts.cache_size) {}

  Result<api::SchemaAndValue> to_connect(std::string_view /*topic*/,
                                         std::optional<std::string_view> bytes) override {
    if (!bytes) return api::SchemaAndValue{};  // tombstone
    auto doc = parser_.parse(bytes->data(), bytes->size());
    if (doc.error()) {
      shrink_if_large(bytes->size());
      return tl::unexpected(data_error(fmt::format(
          "Converting byte[] to Kafka Connect data failed due to serialization error: {}",
          simdjson::error_message(doc.error()))));
    }
    dom::element root = doc.value_unsafe();
    auto result = opts_.schemas_enable ? with_schema(root) : without_schema(root, *bytes);
    shrink_if_large(bytes->size());
    return result;
  }

  Result<std::optional<std::string>> from_connect(std::string_view /*topic*/,
                                                  const api::SchemaAndValue& data) override {
    if (!opts_.schemas_enable) {
      if (data.value.is_null()) return std::optional<std::string>();
      return std::optional<std::string>(api::json::to_json(data.value));
    }
    if (!data.schema && data.value.is_null()) return std::optional<std::string>();
    std::string out = "{\"schema\":";
    write_schema(data.schema, out);
    out += ",\"payload\":";
    api::json::write(data.value, out);
    out.push_back('}');
    return std::optional<std::string>(std::move(out));
  }

 private:
  Result<api::SchemaAndValue> without_schema(dom::element root, std::string_view bytes) {
    if (root.is_object() || root.is_array()) {
      return api::SchemaAndValue{nullptr, Value::raw_json_view(bytes)};
    }
    KC_ASSIGN_OR_RETURN(auto v, convert_schemaless(root));
    return api::SchemaAndValue{nullptr, std::move(v)};
  }

  Result<api::SchemaAndValue> with_schema(dom::element root) {
    dom::object obj;
    dom::element schema_el, payload;
    if (root.get(obj) || obj.size() != 2 || obj["schema"].get(schema_el) ||
        obj["payload"].get(payload)) {
      return tl::unexpected(data_error(std::string(kEnvelopeError)));
    }
    SchemaPtr schema;
    if (!schema_el.is_null()) {
      std::string key = simdjson::minify(schema_el);
      schema = cache_.find(key);
      if (!schema) {
        KC_ASSIGN_OR_RETURN(schema, parse_schema(schema_el, opts_));
        cache_.insert(std::move(key), schema);
      }
    }
    KC_ASSIGN_OR_RETURN(auto value, convert(schema, payload, opts_));
    return api::SchemaAndValue{schema, std::move(value)};
  }

  void shrink_if_large(size_t size) {
    if (size > (1u << 20)) parser_ = dom::parser();
  }

  Options opts_;
  SchemaCache cache_;
  dom::parser parser_;
};

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "schemas.enable",
              .type = api::ConfigType::kBoolean,
              .default_value = "true",
              .importance = api::Importance::kHigh,
              .documentation = "Include schemas within each of the serialized values and keys."});
    d.define({.name = "schemas.cache.size",
              .type = api::ConfigType::kInt,
              .default_value = "1000",
              .validator = api::validators::at_least(0),
              .allowed = "[0,...]",
              .importance = api::Importance::kHigh,
              .documentation =
                  "The maximum number of schemas that can be cached in this converter instance."});
    d.define({.name = "decimal.format",
              .type = api::ConfigType::kString,
              .default_value = "BASE64",
              .validator = api::validators::one_of({"BASE64", "NUMERIC"}),
              .allowed = "BASE64, NUMERIC",
              .importance = api::Importance::kLow,
              .documentation = "Controls which format this converter will serialize decimals in."});
    d.define({.name = "replace.null.with.default",
              .type = api::ConfigType::kBoolean,
              .default_value = "true",
              .importance = api::Importance::kLow,
              .documentation = "Whether to replace fields that have a default value and that are "
                               "null to the default value."});
    return d;
  }();
  return def;
}

}  // namespace

api::ConverterPlugin json_converter_plugin() {
  return {.info = {.name = "json",
                   .class_name = "org.apache.kafka.connect.json.JsonConverter",
                   .aliases = {"JsonConverter"},
                   .summary = "JSON, with or without Connect's schema envelope.",
                   .config_def = config_def},
          .header_converter = true,
          .create = [](const api::Config& config,
                       api::ConverterRole) -> Result<std::unique_ptr<api::Converter>> {
            Options opts;
            opts.schemas_enable = config.get_bool("schemas.enable");
            opts.cache_size = static_cast<size_t>(config.get_int("schemas.cache.size"));
            opts.decimal_numeric = strings::iequals(config.get_string("decimal.format"), "NUMERIC");
            opts.replace_null_with_default = config.get_bool("replace.null.with.default");
            return std::make_unique<JsonConverter>(opts);
          }};
}

}  // namespace kc::converters
