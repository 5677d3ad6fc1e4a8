#pragma once

// Validation results: every problem at once, each with the field path a user edits
// ("spec.tls.trustedCertificates[0].pattern") and what is allowed.

#include <string>
#include <vector>

namespace kc::operator_api {

struct FieldError {
  std::string path;
  std::string message;

  std::string str() const { return path + ": " + message; }
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

class FieldErrors {
 public:
  void add(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  const std::vector<FieldError>& all() const { return errors_; }
  // "spec.a: ...; spec.b: ..." (for a condition message).
  std::string summary() const;

 private:
  std::vector<FieldError> errors_;
};

// Paths: "spec" + "tls" -> "spec.tls"; index -> "spec.topics[2]"; key -> spec.config["a.b"].
std::string field(const std::string& parent, const std::string& name);
std::string item(const std::string& parent, size_t index);
std::string key(const std::string& parent, const std::string& map_key);

}  // namespace kc::operator_api
