#include "tests/fakes/kube_apiserver/schema.h"

#include <regex>

#include <fmt/format.h>

#include "libs/base/base64.h"
#include "libs/kube/core/time.h"

namespace kc::fakes::kube {
namespace {

std::string child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string index(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

bool is_root_metadata(const std::string& path, const std::string& key) {
  return path.empty() && (key == "apiVersion" || key == "kind" || key == "metadata");
}

bool flag(const Object& schema, const char* name) {
  auto it = schema.find(name);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

const Object* member(const Object& schema, const char* name) {
  auto it = schema.find(name);
  return it == schema.end() ? nullptr : &*it;
}

void defaults(Object& value, const Object& schema, const std::string& path) {
  if (value.is_object()) {
    if (const Object* props = member(schema, "properties"); props && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        if (is_root_metadata(path, it.key())) continue;
        // Since 1.20 a null in a field that is not nullable but has a default is pruned before
        // defaulting (so it gets the default); a null without a default stays and fails
        // validation ("must be of type string: \"null\"").
        if (value.contains(it.key()) && value[it.key()].is_null() &&
            !flag(it.value(), "nullable") && it.value().contains("default")) {
          value.erase(it.key());
        }
        if (!value.contains(it.key()) && it.value().contains("default")) {
          value[it.key()] = it.value()["default"];
        }
        if (value.contains(it.key())) defaults(value[it.key()], it.value(), child(path, it.key()));
      }
    }
    if (const Object* extra = member(schema, "additionalProperties"); extra && extra->is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        defaults(it.value(), *extra, child(path, it.key()));
      }
    }
  } else if (value.is_array()) {
    if (const Object* items = member(schema, "items"); items && items->is_object()) {
      for (size_t i = 0; i < value.size(); ++i) defaults(value[i], *items, index(path, i));
    }
  }
}

void prune(Object& value, const Object& schema, const std::string& path,
           std::vector<std::string>& removed) {
  if (flag(schema, "x-kubernetes-int-or-string")) return;
  if (value.is_object()) {
    const Object* props = member(schema, "properties");
    const Object* extra = member(schema, "additionalProperties");
    bool keep_unknown = flag(schema, "x-kubernetes-preserve-unknown-fields") ||
                        (extra != nullptr && extra->is_boolean() && extra->get<bool>());
    std::vector<std::string> drop;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (is_root_metadata(path, it.key())) continue;
      if (props != nullptr && props->contains(it.key())) {
        prune(it.value(), (*props)[it.key()], child(path, it.key()), removed);
      } else if (extra != nullptr && extra->is_object()) {
        prune(it.value(), *extra, child(path, it.key()), removed);
      } else if (!keep_unknown) {
        drop.push_back(it.key());
      }
    }
    for (const auto& key : drop) {
      removed.push_back(child(path, key));
      value.erase(key);
    }
  } else if (value.is_array()) {
    if (const Object* items = member(schema, "items"); items && items->is_object()) {
      for (size_t i = 0; i < value.size(); ++i) prune(value[i], *items, index(path, i), removed);
    }
  }
}

std::string type_of(const Object& value) {
  if (value.is_object()) return "object";
  if (value.is_array()) return "array";
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  return "null";
}

// The string formats kube-apiserver checks (k8s.io/kube-openapi/pkg/validation/strfmt, the
// formats apiextensions-apiserver admits); any other format is accepted unchecked, as there.
bool format_matches(const std::string& format, const std::string& s) {
  if (format == "date-time") return kc::kube::parse_time(s).has_value();
  if (format == "date") {
    static const std::regex kDate(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$)");
    return std::regex_match(s, kDate);
  }
  if (format == "byte") return base64::decode(s).has_value();
  if (format == "uuid") {
    static const std::regex kUuid(
        R"(^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$)");
    return std::regex_match(s, kUuid);
  }
  if (format == "ipv4") {
    static const std::regex kIpv4(
        R"(^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$)");
    return std::regex_match(s, kIpv4);
  }
  if (format == "hostname") {
    static const std::regex kHost(
        R"(^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$)");
    return s.size() <= 255 && std::regex_match(s, kHost);
  }
  if (format == "duration") {
    static const std::regex kDuration(R"(^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$)");
    return s == "0" || std::regex_match(s, kDuration);
  }
  return true;
}

bool type_matches(const Object& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  return true;
}

class Validator {
 public:
  std::vector<StatusCause> causes;

  void run(const Object& value, const Object& schema, const std::string& path) {
    if (value.is_null()) {
      if (!flag(schema, "nullable") && schema.contains("type")) {
        invalid(path, "\"null\"",
                fmt::format("{} in body must be of type {}: \"null\"", path,
                            schema["type"].get<std::string>()));
      }
      return;
    }
    if (flag(schema, "x-kubernetes-int-or-string")) {
      if (!value.is_string() && !value.is_number_integer()) {
        invalid(path, value.dump(),
                fmt::format("{} in body must be of type integer or string: \"{}\"", path,
                            type_of(value)));
      }
      return;
    }
    if (const Object* type = member(schema, "type"); type && type->is_string()) {
      if (!type_matches(value, type->get<std::string>())) {
        invalid(path, value.dump(),
                fmt::format("{} in body must be of type {}: \"{}\"", path, type->get<std::string>(),
                            type_of(value)));
        return;
      }
    }
    if (const Object* values = member(schema, "enum"); values && values->is_array()) {
      bool found = false;
      std::vector<std::string> allowed;
      for (const auto& v : *values) {
        found = found || v == value;
        allowed.push_back(v.dump());
      }
      if (!found) {
        causes.push_back({"FieldValueNotSupported", path,
                          fmt::format("Unsupported value: {}: supported values: {}", value.dump(),
                                      fmt::join(allowed, ", "))});
      }
    }
    if (value.is_string()) check_string(value.get<std::string>(), schema, path);
    if (value.is_number()) check_number(value, schema, path);
    if (value.is_array()) check_array(value, schema, path);
    if (value.is_object()) check_object(value, schema, path);
    check_junctors(value, schema, path);
  }

 private:
  void invalid(const std::string& path, const std::string& shown, const std::string& detail) {
    causes.push_back(
        {"FieldValueInvalid", path, fmt::format("Invalid value: {}: {}", shown, detail)});
  }

  void check_string(const std::string& s, const Object& schema, const std::string& path) {
    if (const Object* format = member(schema, "format"); format && format->is_string()) {
      if (!format_matches(format->get<std::string>(), s)) {
        invalid(path, fmt::format("\"{}\"", s),
                fmt::format("{} in body must be of type {}: \"{}\"", path,
                            format->get<std::string>(), s));
      }
    }
    if (const Object* max = member(schema, "maxLength");
        max && max->is_number_integer() && s.size() > max->get<size_t>()) {
      causes.push_back({"FieldValueTooLong", path,
                        fmt::format("Too long: may not be longer than {}", max->get<size_t>())});
    }
    if (const Object* min = member(schema, "minLength");
        min && min->is_number_integer() && s.size() < min->get<size_t>()) {
      invalid(path, fmt::format("\"{}\"", s),
              fmt::format("{} in body should be at least {} chars long", path, min->get<size_t>()));
    }
    if (const Object* pattern = member(schema, "pattern"); pattern && pattern->is_string()) {
      try {
        if (!std::regex_search(s, std::regex(pattern->get<std::string>()))) {
          invalid(path, fmt::format("\"{}\"", s),
                  fmt::format("{} in body should match '{}'", path, pattern->get<std::string>()));
        }
      } catch (const std::regex_error&) {
        // An ECMAScript-incompatible RE2 pattern is not checked here.
      }
    }
  }

  void check_number(const Object& v, const Object& schema, const std::string& path) {
    double d = v.get<double>();
    if (const Object* min = member(schema, "minimum"); min && min->is_number()) {
      bool exclusive = flag(schema, "exclusiveMinimum");
      if (exclusive ? d <= min->get<double>() : d < min->get<double>()) {
        invalid(path, v.dump(),
                fmt::format("{} in body should be greater than {}{}", path,
                            exclusive ? "" : "or equal to ", min->dump()));
      }
    }
    if (const Object* max = member(schema, "maximum"); max && max->is_number()) {
      bool exclusive = flag(schema, "exclusiveMaximum");
      if (exclusive ? d >= max->get<double>() : d > max->get<double>()) {
        invalid(path, v.dump(),
                fmt::format("{} in body should be less than {}{}", path,
                            exclusive ? "" : "or equal to ", max->dump()));
      }
    }
  }

  void check_array(const Object& v, const Object& schema, const std::string& path) {
    if (const Object* min = member(schema, "minItems");
        min && min->is_number_integer() && v.size() < min->get<size_t>()) {
      invalid(path, std::to_string(v.size()),
              fmt::format("{} in body should have at least {} items", path, min->get<size_t>()));
    }
    if (const Object* max = member(schema, "maxItems");
        max && max->is_number_integer() && v.size() > max->get<size_t>()) {
      causes.push_back(
          {"FieldValueTooMany", path,
           fmt::format("Too many: {}: must have at most {} items", v.size(), max->get<size_t>())});
    }
    if (const Object* items = member(schema, "items"); items && items->is_object()) {
      for (size_t i = 0; i < v.size(); ++i) run(v[i], *items, index(path, i));
    }
  }

  void check_object(const Object& v, const Object& schema, const std::string& path) {
    if (const Object* required = member(schema, "required"); required && required->is_array()) {
      for (const auto& key : *required) {
        if (key.is_string() && !v.contains(key.get<std::string>())) {
          causes.push_back(
              {"FieldValueRequired", child(path, key.get<std::string>()), "Required value"});
        }
      }
    }
    if (const Object* min = member(schema, "minProperties");
        min && min->is_number_integer() && v.size() < min->get<size_t>()) {
      invalid(
          path, std::to_string(v.size()),
          fmt::format("{} in body should have at least {} properties", path, min->get<size_t>()));
    }
    if (const Object* max = member(schema, "maxProperties");
        max && max->is_number_integer() && v.size() > max->get<size_t>()) {
      causes.push_back({"FieldValueTooMany", path,
                        fmt::format("Too many: {}: must have at most {} properties", v.size(),
                                    max->get<size_t>())});
    }
    const Object* props = member(schema, "properties");
    const Object* extra = member(schema, "additionalProperties");
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (is_root_metadata(path, it.key())) continue;
      if (props != nullptr && props->contains(it.key())) {
        run(it.value(), (*props)[it.key()], child(path, it.key()));
      } else if (extra != nullptr && extra->is_object()) {
        run(it.value(), *extra, child(path, it.key()));
      }
    }
  }

  size_t matching(const Object& v, const Object& branches, const std::string& path) {
    size_t count = 0;
    for (const auto& branch : branches) {
      Validator inner;
      inner.run(v, branch, path);
      if (inner.causes.empty()) ++count;
    }
    return count;
  }

  void check_junctors(const Object& v, const Object& schema, const std::string& path) {
    if (const Object* one = member(schema, "oneOf"); one && one->is_array()) {
      if (matching(v, *one, path) != 1) {
        invalid(path, v.is_object() ? "\"object\"" : v.dump(),
                fmt::format("{} in body must validate one and only one schema (oneOf)", path));
      }
    }
    if (const Object* any = member(schema, "anyOf"); any && any->is_array()) {
      if (matching(v, *any, path) == 0) {
        invalid(path, v.is_object() ? "\"object\"" : v.dump(),
                fmt::format("{} in body must validate at least one schema (anyOf)", path));
      }
    }
    if (const Object* all = member(schema, "allOf"); all && all->is_array()) {
      for (const auto& branch : *all) run(v, branch, path);
    }
    if (const Object* no = member(schema, "not"); no && no->is_object()) {
      if (matching(v, Object::array({*no}), path) == 1) {
        invalid(path, v.is_object() ? "\"object\"" : v.dump(),
                fmt::format("{} in body must not validate the schema (not)", path));
      }
    }
  }
};

}  // namespace

void apply_defaults(Object& value, const Object& schema) { defaults(value, schema, ""); }

std::vector<std::string> prune_unknown_fields(Object& value, const Object& schema) {
  std::vector<std::string> removed;
  prune(value, schema, "", removed);
  return removed;
}

std::vector<StatusCause> validate_against_schema(const Object& value, const Object& schema) {
  Validator v;
  v.run(value, schema, "");
  return std::move(v.causes);
}

std::string join_causes(const std::vector<StatusCause>& causes) {
  std::vector<std::string> parts;
  parts.reserve(causes.size());
  for (const auto& c : causes) {
    parts.push_back(c.field.empty() ? c.message : c.field + ": " + c.message);
  }
  if (parts.size() == 1) return parts[0];
  return "[" + fmt::format("{}", fmt::join(parts, ", ")) + "]";
}

}  // namespace kc::fakes::kube
