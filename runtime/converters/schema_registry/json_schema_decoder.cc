// JSON Schema: the payload is JSON (simdjson); the schema only says what Connect types the values
// have, as Confluent's JsonSchemaData maps them (docs/converters.md has the table).

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <simdjson.h>

#include "libs/base/base64.h"
#include "runtime/converters/schema_registry/connect_properties.h"
#include "runtime/converters/schema_registry/decoder.h"

namespace kc::schema_registry {
namespace {

namespace dom = simdjson::dom;
using api::Schema;
using api::SchemaPtr;
using api::Type;
using api::Value;

constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";

struct Node {
  SchemaPtr schema;
  std::vector<std::pair<std::string, const Node*>> fields;  // struct
  const Node* items = nullptr;                              // array items, map values
};

class JsonSchemaDecoder final : public Decoder {
 public:
  static Result<std::unique_ptr<Decoder>> create(const RegisteredSchema& registered,
                                                 const ConverterSettings&) {
    std::unique_ptr<JsonSchemaDecoder> d(new JsonSchemaDecoder());
    for (const auto& [name, text] : registered.references) {
      KC_ASSIGN_OR_RETURN(auto doc, d->load(text, name));
      d->references_[name] = doc;
    }
    KC_ASSIGN_OR_RETURN(auto root, d->load(registered.text, "the schema"));
    d->root_doc_ = root;
    KC_ASSIGN_OR_RETURN(d->root_, d->build(root, root, false, 0));
    return std::unique_ptr<Decoder>(std::move(d));
  }

  Result<api::SchemaAndValue> decode(std::string_view payload) override {
    dom::element e;
    if (auto err = parser_.parse(payload.data(), payload.size()).get(e)) {
      return make_error(Errc::kData, "payload is not JSON: {}", simdjson::error_message(err));
    }
    KC_ASSIGN_OR_RETURN(auto value, convert(*root_, e, 0));
    return api::SchemaAndValue{root_->schema, std::move(value)};
  }

 private:
  JsonSchemaDecoder() = default;

  Result<dom::element> load(std::string_view text, std::string_view what) {
    parsers_.push_back(std::make_unique<dom::parser>());
    dom::element e;
    if (auto err = parsers_.back()->parse(text.data(), text.size()).get(e)) {
      return tl::unexpected(schema_error(
          "JSON", fmt::format("{} is not JSON: {}", what, simdjson::error_message(err))));
    }
    return e;
  }

  // "#/definitions/X", "#/$defs/X", "other.json", "other.json#/definitions/X".
  Result<std::pair<dom::element, dom::element>> resolve(std::string_view ref, dom::element doc) {
    auto hash = ref.find('#');
    std::string_view file = ref.substr(0, hash);
    std::string_view pointer = hash == std::string_view::npos ? "" : ref.substr(hash + 1);
    if (!file.empty()) {
      auto it = references_.find(file);
      if (it == references_.end()) {
        return tl::unexpected(
            schema_error("JSON", fmt::format("$ref {} names no reference of the schema", ref)));
      }
      doc = it->second;
    }
    dom::element target = doc;
    if (!pointer.empty() && target.at_pointer(pointer).get(target)) {
      return tl::unexpected(schema_error("JSON", fmt::format("$ref {} does not resolve", ref)));
    }
    return std::make_pair(target, doc);
  }

  Node* make(Type type, bool optional) {
    nodes_.push_back(std::make_unique<Node>());
    auto s = std::make_shared<Schema>();
    s->type = type;
    s->optional = optional;
    nodes_.back()->schema = s;
    return nodes_.back().get();
  }

  static Schema& mutable_schema(Node* n) { return const_cast<Schema&>(*n->schema); }

  Result<const Node*> build(dom::element e, dom::element doc, bool optional, int depth) {
    if (depth > 64)
      return tl::unexpected(schema_error("JSON", "nested (or $ref'd) deeper than 64 levels"));
    // A $ref used several times is expanded each time: bound the whole, not just the depth.
    if (nodes_.size() > 20000) return tl::unexpected(schema_error("JSON", "more than 20000 types"));
    dom::object obj;
    if (e.get(obj)) {
      bool b = false;
      if (!e.get(b))
        return tl::unexpected(schema_error("JSON", "boolean schemas are not supported"));
      return tl::unexpected(schema_error("JSON", "a schema must be a JSON object"));
    }
    std::string_view ref;
    if (!obj["$ref"].get(ref)) {
      KC_ASSIGN_OR_RETURN(auto target, resolve(ref, doc));
      return build(target.first, target.second, optional, depth + 1);
    }
    dom::array alternatives;
    if (!obj["oneOf"].get(alternatives) || !obj["anyOf"].get(alternatives)) {
      std::vector<dom::element> non_null;
      bool has_null = false;
      for (auto alt : alternatives) {
        std::string_view t;
        if (!alt["type"].get(t) && t == "null") {
          has_null = true;
        } else {
          non_null.push_back(alt);
        }
      }
      if (non_null.size() == 1) return build(non_null[0], doc, optional || has_null, depth + 1);
      return tl::unexpected(schema_error(
          "JSON", "oneOf/anyOf with several non-null alternatives is not supported by kconnect"));
    }
    std::string_view type;
    dom::array types;
    if (!obj["type"].get(types)) {
      for (auto t : types) {
        std::string_view name;
        if (t.get(name))
          return tl::unexpected(schema_error("JSON", "\"type\" items must be strings"));
        if (name == "null") {
          optional = true;
        } else if (type.empty()) {
          type = name;
        } else {
          return tl::unexpected(schema_error("JSON",
                                             "a \"type\" list with several non-null types is not "
                                             "supported by kconnect"));
        }
      }
    } else if (obj["type"].get(type)) {
      dom::array symbols;
      if (!obj["enum"].get(symbols)) type = "string";
      dom::object properties;
      if (!obj["properties"].get(properties)) type = "object";
      if (type.empty()) return tl::unexpected(schema_error("JSON", "a schema without \"type\""));
    }
    std::string_view connect_type;
    std::ignore = obj["connect.type"].get(connect_type);
    Node* n = nullptr;
    if (type == "object") {
      dom::object properties;
      if (!obj["properties"].get(properties)) {
        n = make(Type::kStruct, optional);
        std::vector<std::string_view> required;
        dom::array required_list;
        if (!obj["required"].get(required_list)) {
          for (auto r : required_list) {
            std::string_view name;
            if (!r.get(name)) required.push_back(name);
          }
        }
        for (auto field : properties) {
          bool field_optional =
              std::find(required.begin(), required.end(), field.key) == required.end();
          KC_ASSIGN_OR_RETURN(auto child, build(field.value, doc, field_optional, depth + 1));
          n->fields.emplace_back(std::string(field.key), child);
          mutable_schema(n).fields.push_back({std::string(field.key), child->schema});
        }
      } else {
        dom::element values;
        if (obj["additionalProperties"].get(values) || values.is_bool()) {
          return tl::unexpected(schema_error(
              "JSON", "an object needs \"properties\" or an \"additionalProperties\" schema"));
        }
        n = make(Type::kMap, optional);
        KC_ASSIGN_OR_RETURN(n->items, build(values, doc, true, depth + 1));
        auto key = std::make_shared<Schema>();
        key->type = Type::kString;
        mutable_schema(n).key_schema = key;
        mutable_schema(n).value_schema = n->items->schema;
      }
    } else if (type == "array") {
      dom::element items;
      if (obj["items"].get(items))
        return tl::unexpected(schema_error("JSON", "array without \"items\""));
      n = make(Type::kArray, optional);
      KC_ASSIGN_OR_RETURN(n->items, build(items, doc, false, depth + 1));
      mutable_schema(n).value_schema = n->items->schema;
    } else if (type == "string") {
      n = make(connect_type == "bytes" ? Type::kBytes : Type::kString, optional);
    } else if (type == "integer") {
      Type t = connect_type == "int8"    ? Type::kInt8
               : connect_type == "int16" ? Type::kInt16
               : connect_type == "int32" ? Type::kInt32
                                         : Type::kInt64;
      n = make(t, optional);
    } else if (type == "number") {
      Type t = connect_type == "float32" ? Type::kFloat32
               : connect_type == "bytes" ? Type::kBytes
                                         : Type::kFloat64;
      if (connect_type == "int8" || connect_type == "int16" || connect_type == "int32" ||
          connect_type == "int64") {
        t = connect_type == "int64" ? Type::kInt64 : Type::kInt32;
      }
      n = make(t, optional);
    } else if (type == "boolean") {
      n = make(Type::kBoolean, optional);
    } else if (type == "null") {
      n = make(Type::kNull, true);
    } else {
      return tl::unexpected(schema_error("JSON", fmt::format("unknown type {}", type)));
    }
    auto& s = mutable_schema(n);
    std::string_view text;
    if (!obj["title"].get(text)) s.name = std::string(text);
    if (!obj["description"].get(text)) s.doc = std::string(text);
    read_connect_properties(obj, s.version, s.parameters);
    return n;
  }

  Result<Value> convert(const Node& n, dom::element e, int depth) {
    const Schema& s = *n.schema;
    if (depth > 200) return make_error(Errc::kData, "JSON value nested deeper than 200 levels");
    if (e.is_null()) {
      if (s.optional) return Value::null();
      return make_error(Errc::kData, "null for a required {} value", api::type_name(s.type));
    }
    auto mismatch = [&]() {
      return make_error(Errc::kData, "a {} value is not a JSON {}", api::type_name(s.type),
                        s.type == Type::kStruct || s.type == Type::kMap ? "object"
                        : s.type == Type::kArray                        ? "array"
                                                                        : "value of that type");
    };
    switch (s.type) {
      case Type::kBoolean: {
        bool b;
        if (e.get(b)) return mismatch();
        return Value::boolean(b);
      }
      case Type::kInt8:
      case Type::kInt16:
      case Type::kInt32:
      case Type::kInt64: {
        int64_t x;
        if (e.get(x)) return mismatch();
        int64_t lo = s.type == Type::kInt8    ? INT8_MIN
                     : s.type == Type::kInt16 ? INT16_MIN
                     : s.type == Type::kInt32 ? INT32_MIN
                                              : INT64_MIN;
        int64_t hi = s.type == Type::kInt8    ? INT8_MAX
                     : s.type == Type::kInt16 ? INT16_MAX
                     : s.type == Type::kInt32 ? INT32_MAX
                                              : INT64_MAX;
        if (x < lo || x > hi) {
          return make_error(Errc::kData, "{} is out of range for {}", x, api::type_name(s.type));
        }
        return Value::integer(s.type, x);
      }
      case Type::kFloat32:
      case Type::kFloat64: {
        double x;
        if (e.get(x)) return mismatch();
        return s.type == Type::kFloat32 ? Value::float32(static_cast<float>(x)) : Value::float64(x);
      }
      case Type::kString: {
        std::string_view x;
        if (e.get(x)) return mismatch();
        return Value::string(std::string(x));
      }
      case Type::kBytes: {
        if (s.name == kDecimalName && e.is_number()) {
          return make_error(Errc::kData, "numeric decimals are not supported; use base64 bytes");
        }
        std::string_view x;
        if (e.get(x)) return mismatch();
        auto decoded = base64::decode(x);
        if (!decoded) return make_error(Errc::kData, "a bytes value is not base64");
        return Value::bytes(std::move(*decoded));
      }
      case Type::kArray: {
        dom::array a;
        if (e.get(a)) return mismatch();
        Value::Array items;
        for (auto item : a) {
          KC_ASSIGN_OR_RETURN(auto v, convert(*n.items, item, depth + 1));
          items.push_back(std::move(v));
        }
        return Value::array(std::move(items));
      }
      case Type::kMap: {
        dom::object o;
        if (e.get(o)) return mismatch();
        Value::MapEntries entries;
        for (auto field : o) {
          KC_ASSIGN_OR_RETURN(auto v, convert(*n.items, field.value, depth + 1));
          entries.emplace_back(Value::string(std::string(field.key)), std::move(v));
        }
        return Value::map(std::move(entries));
      }
      case Type::kStruct: {
        dom::object o;
        if (e.get(o)) return mismatch();
        Value::Fields fields;
        fields.reserve(n.fields.size());
        for (const auto& [name, child] : n.fields) {
          dom::element fe;
          if (o[name].get(fe)) {
            if (!child->schema->optional) {
              return make_error(Errc::kData, "required property \"{}\" is missing", name);
            }
            fields.emplace_back(name, Value());
            continue;
          }
          auto v = convert(*child, fe, depth + 1);
          if (!v) {
            return make_error(Errc::kData, "property \"{}\": {}", name, v.error().message());
          }
          fields.emplace_back(name, std::move(*v));
        }
        return Value::structure(std::move(fields));
      }
      case Type::kNull:
      case Type::kRawJson:
        break;
    }
    return Value::null();
  }

  std::vector<std::unique_ptr<dom::parser>> parsers_;
  std::map<std::string, dom::element, std::less<>> references_;
  dom::element root_doc_;
  std::vector<std::unique_ptr<Node>> nodes_;
  const Node* root_ = nullptr;
  dom::parser parser_;
};

}  // namespace

Result<std::unique_ptr<Decoder>> make_json_schema_decoder(const RegisteredSchema& schema,
                                                          const ConverterSettings& settings) {
  return JsonSchemaDecoder::create(schema, settings);
}

}  // namespace kc::schema_registry
