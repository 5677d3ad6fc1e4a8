#include "runtime/api/json.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

#include "libs/base/base64.h"
#include "libs/base/strings.h"

namespace kc::api::json {
namespace {

// simdjson keeps buffers sized for the largest document it has seen; release them after an
// unusually large one so one 10 MiB record does not pin memory for the life of the thread.
constexpr size_t kShrinkAbove = 1 << 20;

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

void maybe_shrink(size_t doc_size) {
  if (doc_size > kShrinkAbove) thread_parser() = simdjson::dom::parser();
}

Value from_element(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      Value::Array items;
      simdjson::dom::array array;
      if (e.get(array)) return Value::null();
      for (auto child : array) items.push_back(from_element(child));
      return Value::array(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      Value::MapEntries entries;
      simdjson::dom::object object;
      if (e.get(object)) return Value::null();
      for (auto field : object) {
        entries.emplace_back(Value::string(std::string(field.key)), from_element(field.value));
      }
      return Value::map(std::move(entries));
    }
    case simdjson::dom::element_type::INT64:
      return Value::int64(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return Value::float64(static_cast<double>(e.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE:
      return Value::float64(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return Value::string(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL:
      return Value::boolean(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::null();
  }
  return Value::null();
}

void write_double(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";  // JSON has no NaN/Infinity
    return;
  }
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    fmt::format_to(std::back_inserter(out), "{:.1f}", d);
  } else {
    fmt::format_to(std::back_inserter(out), "{}", d);
  }
}

}  // namespace

void write_string(std::string_view text, std::string& out) {
  strings::append_json_string(out, text);
}

void write(const Value& value, std::string& out) {
  switch (value.type()) {
    case Type::kNull:
      out += "null";
      return;
    case Type::kBoolean:
      out += value.as_bool() ? "true" : "false";
      return;
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
      fmt::format_to(std::back_inserter(out), "{}", value.as_int());
      return;
    case Type::kFloat32:
    case Type::kFloat64:
      write_double(value.as_double(), out);
      return;
    case Type::kString:
      write_string(value.as_text(), out);
      return;
    case Type::kBytes:
      write_string(base64::encode(value.as_text()), out);
      return;
    case Type::kRawJson: {
      auto text = value.as_text();
      if (std::memchr(text.data(), '\n', text.size()) != nullptr) {
        if (auto minified = minify(text)) {
          out += *minified;
          return;
        }
      }
      out += text;
      return;
    }
    case Type::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        write(item, out);
      }
      out.push_back(']');
      return;
    }
    case Type::kMap: {
      const auto& entries = value.as_map();
      bool string_keys = true;
      for (const auto& [k, v] : entries) string_keys = string_keys && k.type() == Type::kString;
      bool first = true;
      out.push_back(string_keys ? '{' : '[');
      for (const auto& [k, v] : entries) {
        if (!first) out.push_back(',');
        first = false;
        if (string_keys) {
          write_string(k.as_text(), out);
          out.push_back(':');
          write(v, out);
        } else {
          out.push_back('[');
          write(k, out);
          out.push_back(',');
          write(v, out);
          out.push_back(']');
        }
      }
      out.push_back(string_keys ? '}' : ']');
      return;
    }
    case Type::kStruct: {
      out.push_back('{');
      bool first = true;
      for (const auto& [name, v] : value.as_struct()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(name, out);
        out.push_back(':');
        write(v, out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string to_json(const Value& value) {
  std::string out;
  write(value, out);
  return out;
}

Result<Value> parse(std::string_view text) {
  auto& parser = thread_parser();
  auto doc = parser.parse(text.data(), text.size());
  if (doc.error()) {
    maybe_shrink(text.size());
    return make_error(Errc::kData, "invalid JSON: {}", simdjson::error_message(doc.error()));
  }
  Value v = from_element(doc.value_unsafe());
  maybe_shrink(text.size());
  return v;
}

Result<Value> materialize(const Value& value) {
  if (value.type() != Type::kRawJson) return value;
  return parse(value.as_text());
}

Result<std::string> minify(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  auto err = simdjson::minify(text.data(), text.size(), out.data(), len);
  if (err) return make_error(Errc::kData, "invalid JSON: {}", simdjson::error_message(err));
  out.resize(len);
  return out;
}

}  // namespace kc::api::json
