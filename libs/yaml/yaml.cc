#include "libs/yaml/yaml.h"

#include <charconv>

#include <yaml-cpp/yaml.h>

#include "libs/base/strings.h"

namespace kc::yaml {
namespace {

using nlohmann::json;

json typed_scalar(const YAML::Node& node) {
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
    // YAML 1.2 core schema: 0x hexadecimal and 0o octal integers ("0x10" is 16, "0xff" 255).
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
      int64_t value = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data() + 2, end, value, text[1] == 'x' ? 16 : 8);
      if (ec == std::errc() && ptr == end) return value;
    }
    bool looks_float = text.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                       text.find_first_of("0123456789") != std::string::npos;
    if (looks_float) {
      if (auto d = strings::parse_double(text); d) return *d;
    }
  }
  return text;
}

// One conversion: the scalar mode and what the limits have left.
class Converter {
 public:
  explicit Converter(Scalars scalars) : scalars_(scalars) {}

  Result<json> convert(const YAML::Node& node, size_t depth = 0) {
    KC_RETURN_IF_ERROR(charge(node));
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return json(nullptr);
      case YAML::NodeType::Scalar:
        return scalars_ == Scalars::kTyped ? typed_scalar(node) : json(node.Scalar());
      case YAML::NodeType::Sequence:
      case YAML::NodeType::Map:
        break;
    }
    if (depth >= kMaxDepth) {
      return make_error(Errc::kInvalidArgument,
                        "YAML line {}: nested deeper than {} levels (an alias of its own anchor?)",
                        node.Mark().line + 1, kMaxDepth);
    }
    if (node.IsSequence()) {
      json list = json::array();
      for (const auto& item : node) {
        KC_ASSIGN_OR_RETURN(auto value, convert(item, depth + 1));
        list.push_back(std::move(value));
      }
      return list;
    }
    json map = json::object();
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        return make_error(Errc::kInvalidArgument, "YAML line {}: mapping keys must be scalars",
                          entry.first.Mark().line + 1);
      }
      KC_RETURN_IF_ERROR(charge(entry.first));
      KC_ASSIGN_OR_RETURN(auto value, convert(entry.second, depth + 1));
      map[entry.first.Scalar()] = std::move(value);
    }
    return map;
  }

 private:
  // Takes a node's share of the expanded-size budget.
  Status charge(const YAML::Node& node) {
    constexpr size_t kNodeBytes = 16;
    size_t cost = kNodeBytes + (node.IsScalar() ? node.Scalar().size() : 0);
    if (cost > budget_) {
      return make_error(Errc::kInvalidArgument,
                        "YAML line {}: the document expands to more than {} MiB (aliases?)",
                        node.Mark().line + 1, kMaxExpandedBytes >> 20);
    }
    budget_ -= cost;
    return ok();
  }

  Scalars scalars_;
  size_t budget_ = kMaxExpandedBytes;
};

}  // namespace

Result<json> to_json(std::string_view text, Scalars scalars) {
  try {
    return Converter(scalars).convert(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kInvalidArgument, "YAML: {}", e.what());
  }
}

Result<std::vector<json>> documents_to_json(std::string_view text, Scalars scalars) {
  std::vector<json> out;
  Converter converter(scalars);
  try {
    for (const auto& doc : YAML::LoadAll(std::string(text))) {
      KC_ASSIGN_OR_RETURN(auto value, converter.convert(doc));
      if (!value.is_null()) out.push_back(std::move(value));
    }
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kInvalidArgument, "YAML: {}", e.what());
  }
  return out;
}

}  // namespace kc::yaml
