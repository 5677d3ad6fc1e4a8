#pragma once

// Reads one JSON object field by field into typed values, recording a FieldError for every field
// of the wrong type and, on finish(), for every field nobody asked for ("unknown field").

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "operator/api/field_errors.h"

namespace kc::operator_api {

using Json = nlohmann::json;

class JsonReader {
 public:
  // `node` may be null (absent): every read then returns nullopt.
  JsonReader(const Json* node, std::string path, FieldErrors& errors);

  std::optional<std::string> string(const std::string& name);
  std::optional<int64_t> integer(const std::string& name);
  std::optional<bool> boolean(const std::string& name);
  // The member when it is an object (nullptr when absent or of another type: error recorded).
  const Json* object(const std::string& name);
  const Json* array(const std::string& name);
  std::optional<std::vector<std::string>> strings(const std::string& name);
  // A map of string values (labels, annotations).
  std::optional<std::map<std::string, std::string>> string_map(const std::string& name);
  // Marks a member as known without reading it.
  void skip(const std::string& name) { seen_.insert(name); }

  std::string path(const std::string& name) const { return field(path_, name); }
  FieldErrors& errors() { return errors_; }
  void finish();

 private:
  const Json* member(const std::string& name, const char* expected, bool (*check)(const Json&));

  const Json* node_;
  std::string path_;
  FieldErrors& errors_;
  std::set<std::string> seen_;
};

}  // namespace kc::operator_api
