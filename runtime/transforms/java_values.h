#pragma once

// Java value semantics the transforms reproduce: number parsing and formatting as
// Long.parseLong / Double.parseDouble / Double.toString do it, Java's narrowing casts, and
// Connect's Values.parseString for header literals.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/api/value.h"

namespace kc::transforms::java {

// Long.parseLong / Integer.parseInt ...: optional sign, decimal digits, nothing else; nullopt when
// malformed or outside [min, max].
std::optional<int64_t> parse_integer(std::string_view s, int64_t min, int64_t max);
// Double.parseDouble: surrounding whitespace, "NaN", "Infinity", a trailing f/F/d/D accepted.
std::optional<double> parse_double(std::string_view s);

// (long) d and (int) d: NaN is 0, out-of-range values saturate.
int64_t double_to_long(double d);
int32_t double_to_int(double d);
// (float) d: values beyond float's range become infinities (a plain C++ cast would be undefined).
float double_to_float(double d);

// Double.toString / Float.toString: shortest digits that round-trip, "1.0E10" outside
// [1e-3, 1e7), "NaN", "Infinity".
std::string double_to_string(double d);
std::string float_to_string(float f);

// Connect's Values.parseString, for InsertHeader's value.literal: true/false (any case) become a
// boolean, integers the smallest of int8..int64 that holds them, decimals float32 (float64 when
// out of float's range), anything else (including arrays, maps and dates, which Kafka would
// parse) stays a string. Sets `type` to the schema type of the result.
api::Value parse_literal(std::string_view text, api::Type& type);

}  // namespace kc::transforms::java
