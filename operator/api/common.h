#pragma once

// Pieces both custom resources use: object metadata, Secret references, Kafka-style config maps,
// and the name checks Kubernetes applies.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "operator/api/json_reader.h"

namespace kc::operator_api {

// The metadata the operator needs from a custom resource.
struct ObjectMeta {
  std::string name;
  std::string ns;
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool deleting = false;
};
ObjectMeta read_meta(const Json& object);

// A reader of a custom resource's `spec`, which is required (an "spec: required" error when it is
// absent; every read then returns nullopt). `object` must outlive the reader.
JsonReader read_spec(const Json& object, FieldErrors& errors);

struct SecretKeyRef {
  std::string name;
  std::string key;
};

// Kafka Connect properties from a JSON object whose values may be strings, integers, numbers or
// booleans; they are kept as the strings a properties file would hold ("10", "true").
// Objects, lists and null are reported at their key.
std::map<std::string, std::string> read_config(const Json* node, const std::string& path,
                                               FieldErrors& errors);

// RFC 1123 DNS subdomain (<= 253) and label (<= 63), as Kubernetes checks object names.
bool is_dns_subdomain(const std::string& s);
bool is_dns_label(const std::string& s);
// A label or annotation key: optional DNS-subdomain prefix and '/', then a name of <= 63
// characters of [A-Za-z0-9-_.] starting and ending alphanumeric.
bool is_qualified_name(const std::string& s);
// A label value: <= 63, empty or [A-Za-z0-9-_.] starting and ending alphanumeric.
bool is_label_value(const std::string& s);

void check_labels(const std::map<std::string, std::string>& labels, const std::string& path,
                  FieldErrors& errors);
void check_annotations(const std::map<std::string, std::string>& annotations,
                       const std::string& path, FieldErrors& errors);

}  // namespace kc::operator_api
