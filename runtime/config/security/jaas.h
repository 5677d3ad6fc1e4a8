#pragma once

// Kafka's `sasl.jaas.config`, parsed as Kafka parses it
// (org.apache.kafka.common.security.JaasConfig):
//
//   <LoginModuleClass> <controlFlag> (<optionName>=<optionValue>)* ;
//
// Tokens follow java.io.StreamTokenizer as Kafka configures it: bytes 0..32 are white space;
// `;` and `=` stand alone; `"` and `'` quote a value, inside which a backslash escapes the next
// character (\n \t \r \b \f \a \v, octal \0-\377, anything else stands for itself); `//`, `/* */`
// and a lone `/` start comments (so an unquoted value cannot contain `/`: quote URLs); every
// other byte, including UTF-8, belongs to a word. The control flag is required, requisite,
// sufficient or optional, in any case. Option names are case-sensitive; a repeated option keeps its
// last value. One entry or several, each ended by `;`.
//
// Differences from Java, on purpose: an unterminated quote is an error (Java ends the value at
// the line end or the input end), and so is a backslash at the very end.
//
// Errors: Errc::kInvalidConfig with Kafka's wording where Kafka has one ("Value not specified for
// key 'password' in JAAS config"). Messages name options, never their values (they hold secrets).
// Threading: pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/base/error.h"

namespace kc::config::security {

struct JaasEntry {
  std::string
      login_module;  // as written: "org.apache.kafka.common.security.plain.PlainLoginModule"
  std::string control_flag;  // lower case: "required", "requisite", "sufficient", "optional"
  std::vector<std::pair<std::string, std::string>> options;  // in order, names unique

  // The option's value, or nullptr.
  const std::string* option(std::string_view name) const;
  // The class name without its package: "PlainLoginModule".
  std::string_view simple_name() const;
};

Result<std::vector<JaasEntry>> parse_jaas_config(std::string_view text);

}  // namespace kc::config::security
