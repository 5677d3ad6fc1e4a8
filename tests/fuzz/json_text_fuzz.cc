// libFuzzer target: the transforms' hand-written one-level JSON reader (runtime/transforms/
// json_text.h) against simdjson's DOM (api::json::parse) on every input.
//
// json_text trusts that simdjson has validated its input (kRawJson's contract), so for every text
// simdjson accepts it must agree with simdjson exactly:
//  - parse_shallow (borrowing and copying) gives the DOM's value once its nested kRawJson spans
//    are parsed in turn;
//  - ObjectIndex::scan of an object finds the DOM's members in order: the same keys (decoded),
//    values whose text parses to the DOM's member values;
//  - peek_type names the DOM's top-level type.
// Text simdjson refuses must not crash it (any result is fine there). A disagreement traps.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/api/json.h"
#include "runtime/transforms/json_text.h"

namespace {

using kc::api::Type;
using kc::api::Value;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// `v` with every kRawJson inside it parsed (by simdjson), recursively.
Value deep(const Value& v) {
  switch (v.type()) {
    case Type::kRawJson: {
      auto parsed = kc::api::json::parse(v.as_text());
      check(parsed.has_value());
      return deep(*parsed);
    }
    case Type::kArray: {
      Value::Array items;
      for (const auto& item : v.as_array()) items.push_back(deep(item));
      return Value::array(std::move(items));
    }
    case Type::kMap: {
      Value::MapEntries entries;
      for (const auto& [k, item] : v.as_map()) entries.emplace_back(deep(k), deep(item));
      return Value::map(std::move(entries));
    }
    default: {
      Value owned = v;
      owned.own();
      return owned;
    }
  }
}

Type dom_kind(const Value& dom) {
  switch (dom.type()) {
    case Type::kInt64:
    case Type::kFloat64:
      return Type::kFloat64;  // peek_type's answer for any number
    default:
      return dom.type();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace json_text = kc::transforms::json_text;
  auto dom = kc::api::json::parse(text);
  if (!dom) {
    // Not JSON: json_text is never given such text, but must not crash on it.
    (void)json_text::parse_shallow(text, true);
    json_text::ObjectIndex index;
    (void)index.scan(text);
    return 0;
  }
  for (bool borrow : {true, false}) {
    auto shallow = json_text::parse_shallow(text, borrow);
    check(shallow.has_value());
    check(deep(*shallow) == *dom);
  }
  check(json_text::peek_type(text) == dom_kind(*dom));
  if (dom->type() != Type::kMap) return 0;
  json_text::ObjectIndex index;
  check(index.scan(text));
  const auto& members = dom->as_map();
  check(index.size() == members.size());
  size_t i = 0;
  for (const auto& field : index) {
    auto key = kc::api::json::parse("\"" + std::string(field.key) + "\"");
    check(key.has_value() && key->as_text() == members[i].first.as_text());
    check(field.key_escaped == (field.key.find('\\') != std::string_view::npos));
    auto value = kc::api::json::parse(field.value);
    check(value.has_value() && *value == members[i].second);
    ++i;
  }
  return 0;
}
