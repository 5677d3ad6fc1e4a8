#include "operator/api/common.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace kc::operator_api {
namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_name_part(const std::string& s) {
  if (s.empty() || s.size() > 63 || !alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

JsonReader read_spec(const Json& object, FieldErrors& errors) {
  const Json* spec = object.contains("spec") ? &object["spec"] : nullptr;
  if (spec == nullptr) errors.add("spec", "required");
  return JsonReader(spec, "spec", errors);
}

ObjectMeta read_meta(const Json& object) {
  ObjectMeta meta;
  const Json m = object.value("metadata", Json::object());
  meta.name = m.value("name", "");
  meta.ns = m.value("namespace", "");
  meta.uid = m.value("uid", "");
  meta.resource_version = m.value("resourceVersion", "");
  meta.generation = m.value("generation", int64_t{0});
  meta.deleting = m.contains("deletionTimestamp") && !m["deletionTimestamp"].is_null();
  for (auto [field_name, target] :
       {std::pair{"labels", &meta.labels}, std::pair{"annotations", &meta.annotations}}) {
    if (!m.contains(field_name) || !m[field_name].is_object()) continue;
    for (auto it = m[field_name].begin(); it != m[field_name].end(); ++it) {
      if (it.value().is_string()) (*target)[it.key()] = it.value().get<std::string>();
    }
  }
  return meta;
}

std::map<std::string, std::string> read_config(const Json* node, const std::string& path,
                                               FieldErrors& errors) {
  std::map<std::string, std::string> out;
  if (node == nullptr) return out;
  for (auto it = node->begin(); it != node->end(); ++it) {
    const Json& v = it.value();
    if (it.key().empty()) {
      errors.add(path, "keys must not be empty");
    } else if (v.is_string()) {
      out[it.key()] = v.get<std::string>();
    } else if (v.is_boolean()) {
      out[it.key()] = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_integer()) {
      out[it.key()] = std::to_string(v.get<int64_t>());
    } else if (v.is_number()) {
      out[it.key()] = v.dump();
    } else {
      errors.add(key(path, it.key()),
                 fmt::format("must be a string, number or boolean, not {}", v.type_name()));
    }
  }
  return out;
}

bool is_dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63 || !lower_alnum(s.front()) || !lower_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

bool is_dns_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253 || !lower_alnum(s.front()) || !lower_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return lower_alnum(c) || c == '-' || c == '.'; });
}

bool is_qualified_name(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return is_name_part(s);
  return is_dns_subdomain(s.substr(0, slash)) && is_name_part(s.substr(slash + 1));
}

bool is_label_value(const std::string& s) { return s.empty() || is_name_part(s); }

void check_labels(const std::map<std::string, std::string>& labels, const std::string& path,
                  FieldErrors& errors) {
  for (const auto& [k, v] : labels) {
    if (!is_qualified_name(k)) {
      errors.add(key(path, k),
                 "not a valid label key (an optional DNS prefix and '/', then up to "
                 "63 characters [A-Za-z0-9-_.] starting and ending alphanumeric)");
    }
    if (!is_label_value(v)) {
      errors.add(key(path, k),
                 "not a valid label value (up to 63 characters [A-Za-z0-9-_.] "
                 "starting and ending alphanumeric)");
    }
  }
}

void check_annotations(const std::map<std::string, std::string>& annotations,
                       const std::string& path, FieldErrors& errors) {
  for (const auto& [k, v] : annotations) {
    if (!is_qualified_name(k)) errors.add(key(path, k), "not a valid annotation key");
  }
}

}  // namespace kc::operator_api
