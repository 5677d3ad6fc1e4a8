#pragma once

// Kafka Connect's data model: a value with an optional schema (SchemaAndValue in Java).
//
// A Value is cheap to move and copy: strings and bytes may *borrow* the bytes of the Kafka message
// they came from (valid while the record is being processed, see record.h), containers are shared
// and copied on write. `kRawJson` holds validated JSON text that nothing has needed to look inside
// yet: sinks that write JSON use the text as is; transforms call materialize() first.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kc::api {

enum class Type : uint8_t {
  kNull,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kString,
  kBytes,
  kArray,
  kMap,
  kStruct,
  kRawJson,
};

std::string_view type_name(Type type);  // Connect's names: "int32", "string", "struct", ...

class Value;
struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

// Connect schema (org.apache.kafka.connect.data.Schema).
struct Schema {
  struct Field {
    std::string name;
    SchemaPtr schema;
  };
  Type type = Type::kNull;
  bool optional = false;
  std::optional<std::string> name;
  std::optional<int32_t> version;
  std::optional<std::string> doc;
  std::map<std::string, std::string> parameters;
  std::shared_ptr<const Value> default_value;
  std::vector<Field> fields;  // struct
  SchemaPtr key_schema;       // map keys
  SchemaPtr value_schema;     // map values, array items

  const Field* field(std::string_view field_name) const;
};

class Value {
 public:
  using Array = std::vector<Value>;
  using MapEntries = std::vector<std::pair<Value, Value>>;
  using Fields = std::vector<std::pair<std::string, Value>>;  // struct fields in schema order

  Value() = default;  // null
  static Value null() { return {}; }
  static Value boolean(bool v);
  static Value int8(int8_t v) { return integer(Type::kInt8, v); }
  static Value int16(int16_t v) { return integer(Type::kInt16, v); }
  static Value int32(int32_t v) { return integer(Type::kInt32, v); }
  static Value int64(int64_t v) { return integer(Type::kInt64, v); }
  static Value integer(Type type, int64_t v);
  static Value float32(float v);
  static Value float64(double v);
  static Value string(std::string v);
  static Value string_view(std::string_view borrowed);  // borrows; see header comment
  static Value bytes(std::string v);
  static Value bytes_view(std::string_view borrowed);
  static Value raw_json(std::string text);
  static Value raw_json_view(std::string_view borrowed);
  static Value array(Array items);
  static Value map(MapEntries entries);
  static Value structure(Fields fields);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_integer() const { return type_ >= Type::kInt8 && type_ <= Type::kInt64; }

  bool as_bool() const;
  int64_t as_int() const;
  double as_double() const;
  // kString, kBytes and kRawJson: the text.
  std::string_view as_text() const;
  const Array& as_array() const;
  const MapEntries& as_map() const;
  const Fields& as_struct() const;

  // Mutable access; copies shared containers first (copy on write).
  Array& mutable_array();
  MapEntries& mutable_map();
  Fields& mutable_struct();

  // Looks up a struct field or a string map key; nullptr when absent or not a container.
  const Value* get(std::string_view key) const;

  // Makes strings and bytes own their memory so the value can outlive the Kafka message.
  void own();

  bool operator==(const Value& other) const;

 private:
  struct Borrowed {
    std::string_view text;
  };
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, std::string, Borrowed,
                   std::shared_ptr<Array>, std::shared_ptr<MapEntries>, std::shared_ptr<Fields>>;
  Value(Type type, Storage data) : type_(type), data_(std::move(data)) {}

  Type type_ = Type::kNull;
  Storage data_;
};

}  // namespace kc::api
