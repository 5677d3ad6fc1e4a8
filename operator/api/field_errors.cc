#include "operator/api/field_errors.h"

#include <fmt/format.h>

namespace kc::operator_api {

std::string FieldErrors::summary() const {
  std::string out;
  for (const auto& e : errors_) out += (out.empty() ? "" : "; ") + e.str();
  return out;
}

std::string field(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

std::string item(const std::string& parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

std::string key(const std::string& parent, const std::string& map_key) {
  return fmt::format("{}[\"{}\"]", parent, map_key);
}

}  // namespace kc::operator_api
