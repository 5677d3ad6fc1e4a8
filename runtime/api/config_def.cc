#include "runtime/api/config_def.h"

#include <cassert>
#include <limits>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::api {

std::string_view config_type_name(ConfigType type) {
  switch (type) {
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kClass:
      return "CLASS";
    case ConfigType::kPassword:
      return "PASSWORD";
  }
  return "STRING";
}

std::string_view importance_name(Importance importance) {
  switch (importance) {
    case Importance::kHigh:
      return "HIGH";
    case Importance::kMedium:
      return "MEDIUM";
    case Importance::kLow:
      return "LOW";
  }
  return "MEDIUM";
}

ConfigDef& ConfigDef::define(ConfigKey key) {
  for (auto& existing : keys_) {
    if (existing.name == key.name) {
      existing = std::move(key);
      return *this;
    }
  }
  keys_.push_back(std::move(key));
  return *this;
}

ConfigDef& ConfigDef::include(const ConfigDef& other) {
  for (const auto& key : other.keys()) define(key);
  return *this;
}

const ConfigKey* ConfigDef::find(std::string_view name) const {
  for (const auto& key : keys_) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

namespace validators {

Validator range(int64_t min, int64_t max) {
  return [min, max](std::string_view v) -> std::optional<std::string> {
    auto n = strings::parse_int<int64_t>(v);
    if (!n) return std::nullopt;  // type errors are reported by the type check
    if (*n < min) return fmt::format("Value must be at least {}", min);
    if (*n > max) return fmt::format("Value must be no more than {}", max);
    return std::nullopt;
  };
}

Validator at_least(int64_t min) { return range(min, std::numeric_limits<int64_t>::max()); }

Validator one_of(std::vector<std::string> allowed, bool case_sensitive) {
  return [allowed = std::move(allowed),
          case_sensitive](std::string_view v) -> std::optional<std::string> {
    for (const auto& a : allowed) {
      if (case_sensitive ? a == v : strings::iequals(a, v)) return std::nullopt;
    }
    return fmt::format("String must be one of: {}", strings::join(allowed, ", "));
  };
}

Validator non_empty() {
  return [](std::string_view v) -> std::optional<std::string> {
    if (strings::trim(v).empty()) return "String may not be empty";
    return std::nullopt;
  };
}

Validator each(Validator item) {
  return [item = std::move(item)](std::string_view v) -> std::optional<std::string> {
    for (const auto& part : strings::split_list(v)) {
      if (auto why = item(part)) return fmt::format("item '{}': {}", part, *why);
    }
    return std::nullopt;
  };
}

}  // namespace validators

std::string ConfigIssue::to_string() const {
  if (value.empty()) return fmt::format("{}: {}", key, message);
  return fmt::format("{} = \"{}\": {}", key, value, message);
}

bool check_utf8(const RawConfig& raw, std::vector<ConfigIssue>& issues) {
  bool ok = true;
  for (const auto& [key, value] : raw) {
    bool key_ok = strings::is_valid_utf8(key);
    if (key_ok && strings::is_valid_utf8(value)) continue;
    ok = false;
    auto shown_key = strings::sanitize_utf8(key);
    issues.push_back(
        {ConfigIssue::Severity::kError, shown_key,
         is_sensitive_key(shown_key) ? std::string(kHidden) : strings::sanitize_utf8(value),
         fmt::format("the {} is not valid UTF-8 (an ill-formed byte sequence is shown "
                     "as U+FFFD); configuration keys and values must be UTF-8 text",
                     key_ok ? "value" : "key")});
  }
  return ok;
}

bool is_sensitive_key(std::string_view key) {
  auto lower = strings::to_lower(key);
  if (lower == "ssl.ca.pem" || lower == "ssl.certificate.pem" ||
      lower == "ssl.truststore.certificates" || lower == "ssl.keystore.certificate.chain") {
    return false;  // public certificates
  }
  // The http sink's request headers carry API keys and signatures under any name.
  if (strings::starts_with(lower, "http.headers.")) return true;
  for (std::string_view needle :
       {"password", "secret", "jaas", "ssl.key.pem", "ssl.keystore.key", "token", "credential",
        "appkey", "apikey", "api.key", "private", "user.info", "integration.key"}) {
    if (lower.find(needle) != std::string::npos) return true;
  }
  return false;
}

namespace {

std::optional<std::string> type_error(ConfigType type, std::string_view value) {
  auto describe = [&] {
    return fmt::format("Not a valid value of type {}", config_type_name(type));
  };
  switch (type) {
    case ConfigType::kInt:
      if (!strings::parse_int<int32_t>(value)) return describe();
      break;
    case ConfigType::kLong:
      if (!strings::parse_int<int64_t>(value)) return describe();
      break;
    case ConfigType::kDouble:
      if (!strings::parse_double(value)) return describe();
      break;
    case ConfigType::kBoolean:
      if (!strings::parse_bool(value)) return "Expected value to be either true or false";
      break;
    case ConfigType::kClass:
      if (strings::trim(value).empty()) return "Class name may not be empty";
      break;
    case ConfigType::kString:
    case ConfigType::kList:
    case ConfigType::kPassword:
      break;
  }
  return std::nullopt;
}

}  // namespace

Config Config::parse(const ConfigDef& def, const RawConfig& values,
                     std::vector<ConfigIssue>& issues, std::string_view display_prefix) {
  Config config;
  config.originals_ = values;
  for (const auto& key : def.keys()) {
    auto it = values.find(key.name);
    std::string shown_key = fmt::format("{}{}", display_prefix, key.name);
    if (it == values.end()) {
      if (key.required) {
        issues.push_back(
            {ConfigIssue::Severity::kError, shown_key, "",
             fmt::format("Missing required configuration \"{}\" which has no default value.",
                         shown_key)});
      } else if (key.default_value) {
        config.values_[key.name] = *key.default_value;
      }
      continue;
    }
    std::string_view value = it->second;
    if (key.type != ConfigType::kString && key.type != ConfigType::kPassword)
      value = strings::trim(value);
    bool secret = key.type == ConfigType::kPassword || is_sensitive_key(key.name);
    std::string shown_value = secret ? std::string(kHidden) : std::string(value);
    auto why = type_error(key.type, value);
    if (!why && key.validator) why = key.validator(value);
    if (why) {
      std::string message = *why;
      if (!key.allowed.empty()) message += fmt::format(" (allowed: {})", key.allowed);
      issues.push_back({ConfigIssue::Severity::kError, shown_key, shown_value, message});
      if (key.default_value) config.values_[key.name] = *key.default_value;
      continue;
    }
    config.values_[key.name] = std::string(value);
  }
  return config;
}

const std::string& Config::get_string(std::string_view key) const {
  static const std::string kEmpty;
  auto it = values_.find(key);
  return it == values_.end() ? kEmpty : it->second;
}

std::optional<std::string> Config::get_optional(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

int32_t Config::get_int(std::string_view key) const {
  return strings::parse_int<int32_t>(get_string(key)).value_or(0);
}
int64_t Config::get_long(std::string_view key) const {
  return strings::parse_int<int64_t>(get_string(key)).value_or(0);
}
double Config::get_double(std::string_view key) const {
  return strings::parse_double(get_string(key)).value_or(0.0);
}
bool Config::get_bool(std::string_view key) const {
  return strings::parse_bool(get_string(key)).value_or(false);
}
std::vector<std::string> Config::get_list(std::string_view key) const {
  return strings::split_list(get_string(key));
}

RawConfig Config::with_prefix(std::string_view prefix) const {
  RawConfig out;
  for (const auto& [k, v] : originals_) {
    if (strings::starts_with(k, prefix) && k.size() > prefix.size())
      out[k.substr(prefix.size())] = v;
  }
  return out;
}

}  // namespace kc::api
