#pragma once

// From an owned object to the key of the object that controls it (its ownerReference with
// controller=true), so a change to a Deployment the operator made wakes the KafkaConnectCluster
// that owns it. Pure functions.

#include <optional>
#include <string_view>

#include "libs/kube/core/object.h"
#include "libs/kube/core/resource.h"

namespace kc::kube::runtime {

// The key of `owned`'s controller when that controller is of `owner_type` (group and kind match;
// any version). Owners of namespaced objects live in the same namespace.
std::optional<ObjectKey> controller_key(const Object& owned, const ResourceType& owner_type);

}  // namespace kc::kube::runtime
