#include "runtime/api/value.h"

#include <cmath>

namespace kc::api {

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBoolean:
      return "boolean";
    case Type::kInt8:
      return "int8";
    case Type::kInt16:
      return "int16";
    case Type::kInt32:
      return "int32";
    case Type::kInt64:
      return "int64";
    case Type::kFloat32:
      return "float";
    case Type::kFloat64:
      return "double";
    case Type::kString:
      return "string";
    case Type::kBytes:
      return "bytes";
    case Type::kArray:
      return "array";
    case Type::kMap:
      return "map";
    case Type::kStruct:
      return "struct";
    case Type::kRawJson:
      return "json";
  }
  return "unknown";
}

const Schema::Field* Schema::field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

Value Value::boolean(bool v) { return Value(Type::kBoolean, v); }
Value Value::integer(Type type, int64_t v) { return Value(type, v); }
Value Value::float32(float v) { return Value(Type::kFloat32, static_cast<double>(v)); }
Value Value::float64(double v) { return Value(Type::kFloat64, v); }
Value Value::string(std::string v) { return Value(Type::kString, std::move(v)); }
Value Value::string_view(std::string_view v) { return Value(Type::kString, Borrowed{v}); }
Value Value::bytes(std::string v) { return Value(Type::kBytes, std::move(v)); }
Value Value::bytes_view(std::string_view v) { return Value(Type::kBytes, Borrowed{v}); }
Value Value::raw_json(std::string text) { return Value(Type::kRawJson, std::move(text)); }
Value Value::raw_json_view(std::string_view text) { return Value(Type::kRawJson, Borrowed{text}); }
Value Value::array(Array items) {
  return Value(Type::kArray, std::make_shared<Array>(std::move(items)));
}
Value Value::map(MapEntries entries) {
  return Value(Type::kMap, std::make_shared<MapEntries>(std::move(entries)));
}
Value Value::structure(Fields fields) {
  return Value(Type::kStruct, std::make_shared<Fields>(std::move(fields)));
}

bool Value::as_bool() const { return std::get<bool>(data_); }
int64_t Value::as_int() const { return std::get<int64_t>(data_); }
double Value::as_double() const {
  if (const auto* i = std::get_if<int64_t>(&data_)) return static_cast<double>(*i);
  return std::get<double>(data_);
}

std::string_view Value::as_text() const {
  if (const auto* s = std::get_if<std::string>(&data_)) return *s;
  if (const auto* b = std::get_if<Borrowed>(&data_)) return b->text;
  return {};
}

const Value::Array& Value::as_array() const { return *std::get<std::shared_ptr<Array>>(data_); }
const Value::MapEntries& Value::as_map() const {
  return *std::get<std::shared_ptr<MapEntries>>(data_);
}
const Value::Fields& Value::as_struct() const { return *std::get<std::shared_ptr<Fields>>(data_); }

namespace {
template <class T>
T& unshare(std::shared_ptr<T>& p) {
  if (p.use_count() > 1) p = std::make_shared<T>(*p);
  return *p;
}
}  // namespace

Value::Array& Value::mutable_array() { return unshare(std::get<std::shared_ptr<Array>>(data_)); }
Value::MapEntries& Value::mutable_map() {
  return unshare(std::get<std::shared_ptr<MapEntries>>(data_));
}
Value::Fields& Value::mutable_struct() { return unshare(std::get<std::shared_ptr<Fields>>(data_)); }

const Value* Value::get(std::string_view key) const {
  if (type_ == Type::kStruct) {
    for (const auto& [name, v] : as_struct()) {
      if (name == key) return &v;
    }
  } else if (type_ == Type::kMap) {
    for (const auto& [k, v] : as_map()) {
      if (k.type() == Type::kString && k.as_text() == key) return &v;
    }
  }
  return nullptr;
}

void Value::own() {
  if (auto* b = std::get_if<Borrowed>(&data_)) {
    data_ = std::string(b->text);
    return;
  }
  if (type_ == Type::kArray) {
    for (auto& v : mutable_array()) v.own();
  } else if (type_ == Type::kMap) {
    for (auto& [k, v] : mutable_map()) {
      k.own();
      v.own();
    }
  } else if (type_ == Type::kStruct) {
    for (auto& [k, v] : mutable_struct()) v.own();
  }
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kNull:
      return true;
    case Type::kBoolean:
      return as_bool() == other.as_bool();
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
      return as_int() == other.as_int();
    case Type::kFloat32:
    case Type::kFloat64: {
      double a = as_double(), b = other.as_double();
      return a == b || (std::isnan(a) && std::isnan(b));
    }
    case Type::kString:
    case Type::kBytes:
    case Type::kRawJson:
      return as_text() == other.as_text();
    case Type::kArray:
      return as_array() == other.as_array();
    case Type::kMap:
      return as_map() == other.as_map();
    case Type::kStruct:
      return as_struct() == other.as_struct();
  }
  return false;
}

}  // namespace kc::api
