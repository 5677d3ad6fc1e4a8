#include "operator/api/json_reader.h"

namespace kc::operator_api {

JsonReader::JsonReader(const Json* node, std::string path, FieldErrors& errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (node_ != nullptr && !node_->is_object()) {
    errors_.add(path_, "must be an object");
    node_ = nullptr;
  }
}

const Json* JsonReader::member(const std::string& name, const char* expected,
                               bool (*check)(const Json&)) {
  seen_.insert(name);
  if (node_ == nullptr) return nullptr;
  auto it = node_->find(name);
  if (it == node_->end() || it->is_null()) return nullptr;
  if (!check(*it)) {
    errors_.add(path(name), std::string("must be ") + expected);
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonReader::string(const std::string& name) {
  const Json* v = member(name, "a string", [](const Json& j) { return j.is_string(); });
  if (v == nullptr) return std::nullopt;
  return v->get<std::string>();
}

std::optional<int64_t> JsonReader::integer(const std::string& name) {
  const Json* v = member(name, "an integer", [](const Json& j) { return j.is_number_integer(); });
  if (v == nullptr) return std::nullopt;
  return v->get<int64_t>();
}

std::optional<bool> JsonReader::boolean(const std::string& name) {
  const Json* v = member(name, "true or false", [](const Json& j) { return j.is_boolean(); });
  if (v == nullptr) return std::nullopt;
  return v->get<bool>();
}

const Json* JsonReader::object(const std::string& name) {
  return member(name, "an object", [](const Json& j) { return j.is_object(); });
}

const Json* JsonReader::array(const std::string& name) {
  return member(name, "a list", [](const Json& j) { return j.is_array(); });
}

std::optional<std::vector<std::string>> JsonReader::strings(const std::string& name) {
  const Json* list = array(name);
  if (list == nullptr) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string()) {
      errors_.add(item(path(name), i), "must be a string");
      continue;
    }
    out.push_back((*list)[i].get<std::string>());
  }
  return out;
}

std::optional<std::map<std::string, std::string>> JsonReader::string_map(const std::string& name) {
  const Json* map = object(name);
  if (map == nullptr) return std::nullopt;
  std::map<std::string, std::string> out;
  for (auto it = map->begin(); it != map->end(); ++it) {
    if (!it.value().is_string()) {
      errors_.add(key(path(name), it.key()), "must be a string");
      continue;
    }
    out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

void JsonReader::finish() {
  if (node_ == nullptr) return;
  for (auto it = node_->begin(); it != node_->end(); ++it) {
    if (!seen_.count(it.key())) errors_.add(path(it.key()), "unknown field");
  }
}

}  // namespace kc::operator_api
