#pragma once

// Kubernetes objects as JSON values, and the metadata accessors every part of libs/kube uses.
//
// libs/kube is a dynamic client (like client-go's dynamic client): an object is the JSON the API
// server sends (`nlohmann::json`), and typed views (operator/api) are built on top. Objects shared
// between threads are immutable snapshots (`ObjectPtr`). Pure functions, no I/O, thread-safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/base/error.h"

namespace kc::kube {

using Object = nlohmann::json;
using ObjectPtr = std::shared_ptr<const Object>;

// Namespace and name of an object; namespace is empty for cluster-scoped objects. Its string form
// is "ns/name" (or "name"), the key work queues and stores use.
struct ObjectKey {
  std::string ns;
  std::string name;

  std::string str() const;
  static ObjectKey parse(std::string_view key);
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
};

// metadata.* accessors: empty string / 0 / empty list when absent or of another type.
std::string name_of(const Object& object);
std::string namespace_of(const Object& object);
std::string uid_of(const Object& object);
std::string resource_version_of(const Object& object);
int64_t generation_of(const Object& object);
ObjectKey key_of(const Object& object);
std::string label_of(const Object& object, std::string_view label);
bool is_being_deleted(const Object& object);  // metadata.deletionTimestamp is set
std::vector<std::string> finalizers_of(const Object& object);
bool has_finalizer(const Object& object, std::string_view finalizer);

// The value at a dotted path ("spec.replicas"), or nullptr when a step is missing.
const Object* find_path(const Object& object, std::string_view dotted_path);

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;

  Object to_json() const;
  static OwnerReference from_json(const Object& ref);
};

std::vector<OwnerReference> owner_references_of(const Object& object);
// The owner reference a controller sets on the objects it creates for `owner`:
// controller=true, blockOwnerDeletion=true (what controller-runtime's SetControllerReference does).
OwnerReference controller_reference(const Object& owner);
// The controlling owner (controller=true), if any.
std::optional<OwnerReference> controller_of(const Object& object);

// Parses a JSON document; kProtocol with the parser's position on malformed input.
Result<Object> parse_json(std::string_view text);

}  // namespace kc::kube
