#pragma once

// Field ownership for server-side apply (metadata.managedFields, FieldsV1), simplified from
// sigs.k8s.io/structured-merge-diff: a field set is the set of leaf paths (scalars, lists and
// empty maps are leaves; every list is atomic, including associative ones).
//
// - An Update (create, PUT, merge/JSON patch) by manager U makes U own the leaves it changed and
//   takes them from every other manager, without conflict.
// - An Apply by manager M sets M's field set to the leaves of its configuration. A leaf owned by
//   another manager whose live value differs from the applied one is a conflict (409) unless
//   forced; forcing moves ownership to M. Leaves M owned before and no longer applies are removed
//   from the object when no other manager owns them.
// Pure functions.

#include <set>
#include <string>
#include <vector>

#include "libs/kube/core/object.h"

namespace kc::fakes::kube {

using kc::kube::Object;
using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

enum class FieldScope { kMain, kStatus };  // which part of an object a request may own

struct ManagedEntry {
  std::string manager;
  std::string operation;  // "Apply" or "Update"
  std::string api_version;
  std::string time;
  std::string subresource;  // "" or "status"
  FieldSet fields;
};

std::vector<ManagedEntry> decode_managed_fields(const Object& object);
Object encode_managed_fields(const std::vector<ManagedEntry>& entries);

// The owned-field leaves of `object` within `scope`.
FieldSet leaf_fields(const Object& object, FieldScope scope);
std::string format_field_path(const FieldPath& path);  // ".spec.replicas"

// Records an Update by `manager` from `before` (null when created) to `after`.
void record_update(std::vector<ManagedEntry>& entries, const Object& before, const Object& after,
                   const ManagedEntry& writer, FieldScope scope);

struct ApplyConflict {
  std::string manager;
  std::string path;  // ".spec.replicas"
};

struct ApplyOutcome {
  Object object;                         // live merged with the configuration
  std::vector<ApplyConflict> conflicts;  // non-empty: nothing was applied
};

// Applies `config` by `applier` (applier.fields is ignored) to `live` (null when absent).
ApplyOutcome apply_configuration(std::vector<ManagedEntry>& entries, const Object& live,
                                 const Object& config, const ManagedEntry& applier, bool force,
                                 FieldScope scope);

}  // namespace kc::fakes::kube
