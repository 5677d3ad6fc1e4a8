#include "libs/kube/runtime/owner_mapping.h"

namespace kc::kube::runtime {

std::optional<ObjectKey> controller_key(const Object& owned, const ResourceType& owner_type) {
  auto ref = controller_of(owned);
  if (!ref || ref->kind != owner_type.kind) return std::nullopt;
  auto slash = ref->api_version.find('/');
  std::string group = slash == std::string::npos ? "" : ref->api_version.substr(0, slash);
  if (group != owner_type.group) return std::nullopt;
  return ObjectKey{owner_type.namespaced ? namespace_of(owned) : "", ref->name};
}

}  // namespace kc::kube::runtime
