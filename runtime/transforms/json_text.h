#pragma once

// One-level parsing of JSON text for transforms (see materialize() in support.h).
//
// The JsonConverter hands schemaless objects over as kRawJson: text simdjson has validated and
// nobody has parsed. Most transforms only touch top-level fields, so this parser reads the outer
// object or array and leaves nested objects and arrays as kRawJson spans of the same text. Keys
// and strings without escapes can borrow the text instead of copying it.

#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/value.h"

namespace kc::transforms::json_text {

// Parses `text` one level deep: objects become kMap (string keys, document order), arrays kArray,
// integral numbers kInt64 (float64 when out of range), other numbers kFloat64, as api::json does.
// Nested objects and arrays become kRawJson. With `borrow`, keys, strings and nested spans are
// views of `text` (which must then outlive the result); otherwise they own copies.
// Errors are Errc::kData ("invalid JSON: ...").
Result<api::Value> parse_shallow(std::string_view text, bool borrow);

// One top-level field of a JSON object's text.
struct RawField {
  std::string_view key;      // between the quotes, as written (escapes not decoded)
  std::string_view value;    // the value's text
  bool key_escaped = false;  // the key contains a backslash (compare after decoding)
};

// The top-level fields of a JSON object's text, in document order, found without parsing the
// values: the fast path for transforms that only add, drop or rename top-level fields. Flat
// objects without escapes (the common case: no nested objects or arrays, no backslashes) are
// indexed from a vectorised pass over their quotes; others are walked byte by byte.
// Reusable: keeps its storage between scans. Views point into the scanned text.
class ObjectIndex {
 public:
  // False when `text` is not an object or is malformed (the index is then unspecified).
  bool scan(std::string_view text);

  const RawField* begin() const { return fields_.data(); }
  const RawField* end() const { return fields_.data() + count_; }
  size_t size() const { return count_; }

 private:
  void add(const RawField& f) {
    if (count_ == fields_.size()) fields_.resize(fields_.size() * 2 + 16);
    fields_[count_++] = f;
  }
  bool scan_flat(std::string_view text);
  bool scan_general(std::string_view text);

  std::vector<RawField> fields_;  // [0, count_) are valid
  size_t count_ = 0;
};

// The JSON type of validated text from its first significant character: kMap, kArray, kString,
// kBoolean, kNull, or kFloat64 for numbers.
api::Type peek_type(std::string_view text);

}  // namespace kc::transforms::json_text
