#include "libs/kube/core/label_selector.h"

#include <algorithm>

#include "libs/base/strings.h"

namespace kc::kube {
namespace {

// Splits on commas that are not inside parentheses.
std::vector<std::string_view> split_requirements(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      parts.push_back(strings::trim(text.substr(start, i - start)));
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return parts;
}

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

}  // namespace

std::map<std::string, std::string> labels_of(const Object& object) {
  std::map<std::string, std::string> out;
  const Object* labels = find_path(object, "metadata.labels");
  if (labels == nullptr || !labels->is_object()) return out;
  for (auto it = labels->begin(); it != labels->end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  if (strings::trim(text).empty()) return selector;
  for (auto part : split_requirements(text)) {
    auto bad = [&] {
      return make_error(Errc::kInvalidArgument, "label selector requirement '{}' does not parse",
                        part);
    };
    if (part.empty()) return bad();
    Requirement req;
    if (part.front() == '!') {
      req.key = std::string(strings::trim(part.substr(1)));
      req.op = Op::kNotExists;
    } else if (auto pos = part.find("!="); pos != std::string_view::npos) {
      req.key = std::string(strings::trim(part.substr(0, pos)));
      req.op = Op::kNotEquals;
      req.values.emplace_back(strings::trim(part.substr(pos + 2)));
    } else if (auto eq = part.find('='); eq != std::string_view::npos) {
      req.key = std::string(strings::trim(part.substr(0, eq)));
      req.op = Op::kEquals;
      size_t value_start = eq + 1;
      if (value_start < part.size() && part[value_start] == '=') ++value_start;
      req.values.emplace_back(strings::trim(part.substr(value_start)));
    } else if (auto open = part.find('('); open != std::string_view::npos) {
      if (part.back() != ')') return bad();
      auto head = strings::split(strings::trim(part.substr(0, open)), ' ');
      std::vector<std::string_view> words;
      for (auto w : head) {
        if (!w.empty()) words.push_back(w);
      }
      if (words.size() != 2 || (words[1] != "in" && words[1] != "notin")) return bad();
      req.key = std::string(words[0]);
      req.op = words[1] == "in" ? Op::kIn : Op::kNotIn;
      auto inner = part.substr(open + 1, part.size() - open - 2);
      for (auto v : strings::split(inner, ',')) req.values.emplace_back(strings::trim(v));
    } else {
      req.key = std::string(part);
      req.op = Op::kExists;
    }
    if (!valid_key(req.key)) return bad();
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

LabelSelector LabelSelector::from_labels(const std::map<std::string, std::string>& labels) {
  LabelSelector selector;
  for (const auto& [k, v] : labels) selector.requirements_.push_back({k, Op::kEquals, {v}});
  return selector;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& req : requirements_) {
    auto it = labels.find(req.key);
    bool has = it != labels.end();
    auto in_values = [&] {
      return has && std::find(req.values.begin(), req.values.end(), it->second) != req.values.end();
    };
    switch (req.op) {
      case Op::kEquals:
      case Op::kIn:
        if (!in_values()) return false;
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        if (in_values()) return false;
        break;
      case Op::kExists:
        if (!has) return false;
        break;
      case Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

bool LabelSelector::matches(const Object& object) const { return matches(labels_of(object)); }

std::string LabelSelector::str() const {
  std::vector<std::string> parts;
  for (const auto& req : requirements_) {
    switch (req.op) {
      case Op::kEquals:
        parts.push_back(req.key + "=" + req.values[0]);
        break;
      case Op::kNotEquals:
        parts.push_back(req.key + "!=" + req.values[0]);
        break;
      case Op::kIn:
        parts.push_back(req.key + " in (" + strings::join(req.values, ",") + ")");
        break;
      case Op::kNotIn:
        parts.push_back(req.key + " notin (" + strings::join(req.values, ",") + ")");
        break;
      case Op::kExists:
        parts.push_back(req.key);
        break;
      case Op::kNotExists:
        parts.push_back("!" + req.key);
        break;
    }
  }
  return strings::join(parts, ",");
}

}  // namespace kc::kube
