#pragma once

// Declarative configuration definitions, as Kafka's ConfigDef: every connector, converter,
// transform and the worker describe their keys once; validation, `kconnect-runtime validate`,
// the REST validate endpoint, the docs and the operator all read the same definitions.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kc::api {

enum class ConfigType { kString, kInt, kLong, kDouble, kBoolean, kList, kClass, kPassword };
std::string_view config_type_name(ConfigType type);  // Kafka's names: STRING, INT, ...

enum class Importance { kHigh, kMedium, kLow };
std::string_view importance_name(Importance importance);

// Checks a type-correct value; returns the reason it is refused, or nullopt.
using Validator = std::function<std::optional<std::string>(std::string_view value)>;

struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  std::optional<std::string> default_value;  // nullopt: no default (Kafka's null)
  bool required = false;                     // must be given (Kafka: NO_DEFAULT_VALUE)
  Validator validator;
  std::string allowed;  // what the validator accepts, for people: "[1,...]", "none, all"
  Importance importance = Importance::kMedium;
  std::string documentation;
  std::string group;
  std::vector<std::string> recommended;
};

class ConfigDef {
 public:
  ConfigDef& define(ConfigKey key);
  // Adds every key of `other` (later definitions of the same name win).
  ConfigDef& include(const ConfigDef& other);
  const ConfigKey* find(std::string_view name) const;
  const std::vector<ConfigKey>& keys() const { return keys_; }

 private:
  std::vector<ConfigKey> keys_;
};

namespace validators {
Validator range(int64_t min, int64_t max);
Validator at_least(int64_t min);
// Case-insensitive unless told otherwise (Kafka's CaseInsensitiveValidString / ValidString).
Validator one_of(std::vector<std::string> allowed, bool case_sensitive = false);
Validator non_empty();
// Every item of a LIST must pass `item`.
Validator each(Validator item);
}  // namespace validators

// One problem with a configuration. `value` is what to show for it: "[hidden]" for secrets.
struct ConfigIssue {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string key;
  std::string value;
  std::string message;

  std::string to_string() const;  // "tasks.max = "0": Value must be at least 1 (allowed: [1,...])"
};

using RawConfig = std::map<std::string, std::string, std::less<>>;

// True for keys whose values must never be shown (PASSWORD keys, credentials, private keys).
bool is_sensitive_key(std::string_view key);
inline constexpr std::string_view kHidden = "[hidden]";

// Configuration keys and values must be well-formed UTF-8 (they end up in JSON: REST bodies, the
// state file, logs). Adds one kError issue per offending key or value, shown with each ill-formed
// sequence replaced by U+FFFD (values of sensitive keys hidden); returns false when it added any.
bool check_utf8(const RawConfig& raw, std::vector<ConfigIssue>& issues);

// A configuration parsed against a ConfigDef: defaults applied, every value type-checked.
class Config {
 public:
  Config() = default;
  // Appends an issue for every missing required key, wrong type or refused value. Keys that are not
  // in `def` are kept (originals()) and not reported: whether they are unknown depends on context.
  // `display_prefix` is prepended to key names in issues (e.g. "key.converter.").
  static Config parse(const ConfigDef& def, const RawConfig& values,
                      std::vector<ConfigIssue>& issues, std::string_view display_prefix = "");

  // Values of defined keys, defaults applied. Absent optional keys give "" / 0 / false / {}.
  // Calling a getter with the wrong type for the key's definition is a programming error.
  const std::string& get_string(std::string_view key) const;
  std::optional<std::string> get_optional(std::string_view key) const;
  int32_t get_int(std::string_view key) const;
  int64_t get_long(std::string_view key) const;
  double get_double(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  std::vector<std::string> get_list(std::string_view key) const;

  bool is_set(std::string_view key) const { return originals_.count(key) > 0; }
  const RawConfig& originals() const { return originals_; }
  // Given keys that start with `prefix`, with the prefix removed.
  RawConfig with_prefix(std::string_view prefix) const;

 private:
  RawConfig originals_;
  RawConfig values_;  // defined keys with defaults applied
};

}  // namespace kc::api
