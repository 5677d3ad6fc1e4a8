#include "libs/kube/core/yaml.h"

#include <yaml-cpp/yaml.h>

#include "libs/base/strings.h"

namespace kc::kube {
namespace {

Object scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  bool numeric_start =
      (text[0] >= '0' && text[0] <= '9') || ((text[0] == '-' || text[0] == '+') && text.size() > 1);
  if (numeric_start) {
    if (auto i = strings::parse_int<int64_t>(text); i && text.find(' ') == std::string::npos) {
      return *i;
    }
    if (strings::starts_with(text, "0x")) {
      if (auto i = strings::parse_int<int64_t>(text.substr(2)); i) return *i;
    }
    bool looks_float = text.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                       text.find_first_of("0123456789") != std::string::npos;
    if (looks_float) {
      if (auto d = strings::parse_double(text); d) return *d;
    }
  }
  return text;
}

Result<Object> node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Object(nullptr);
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      Object list = Object::array();
      for (const auto& item : node) {
        KC_ASSIGN_OR_RETURN(auto value, node_to_json(item));
        list.push_back(std::move(value));
      }
      return list;
    }
    case YAML::NodeType::Map: {
      Object map = Object::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return make_error(Errc::kInvalidArgument, "YAML line {}: mapping keys must be scalars",
                            entry.first.Mark().line + 1);
        }
        KC_ASSIGN_OR_RETURN(auto value, node_to_json(entry.second));
        map[entry.first.Scalar()] = std::move(value);
      }
      return map;
    }
  }
  return Object(nullptr);
}

}  // namespace

Result<Object> yaml_to_json(std::string_view text) {
  try {
    return node_to_json(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kInvalidArgument, "YAML: {}", e.what());
  }
}

Result<std::vector<Object>> yaml_documents_to_json(std::string_view text) {
  std::vector<Object> out;
  try {
    for (const auto& doc : YAML::LoadAll(std::string(text))) {
      KC_ASSIGN_OR_RETURN(auto value, node_to_json(doc));
      if (!value.is_null()) out.push_back(std::move(value));
    }
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kInvalidArgument, "YAML: {}", e.what());
  }
  return out;
}

}  // namespace kc::kube
