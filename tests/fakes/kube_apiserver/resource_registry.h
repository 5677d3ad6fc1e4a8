#pragma once

// The resources the fake API server serves: a fixed set of built-in kinds, plus the kinds that
// CustomResourceDefinitions define while they exist. Thread-safe; entries are immutable and
// shared, so a request keeps using the entry it looked up even if its CRD is deleted meanwhile.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/kube/core/object.h"

namespace kc::fakes::kube {

using kc::kube::Object;

struct PrinterColumn {
  std::string name;
  std::string type;  // integer, number, string, boolean, date
  std::string format;
  std::string description;
  std::string json_path;
  int priority = 0;
};

struct ScalePaths {
  std::string spec_replicas;    // ".spec.replicas"
  std::string status_replicas;  // ".status.replicas"
  std::string label_selector;   // ".status.labelSelector" or empty
};

struct ApiResource {
  std::string group;
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool has_status = false;
  std::optional<ScalePaths> scale;
  std::vector<PrinterColumn> columns;  // CRDs only; built-ins print Name and Age
  Object schema;                       // openAPIV3Schema (CRDs); null: no validation
  std::string crd_name;                // the defining CRD, empty for built-ins
  bool storage_version = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // Identifies stored objects across versions: "apps/deployments".
  std::string storage_key() const { return group + "/" + plural; }
};

using ApiResourcePtr = std::shared_ptr<const ApiResource>;

class ResourceRegistry {
 public:
  ResourceRegistry();  // the built-in kinds

  ApiResourcePtr find(const std::string& group, const std::string& version,
                      const std::string& plural) const;
  std::vector<ApiResourcePtr> all() const;

  // Parses a CustomResourceDefinition (apiextensions.k8s.io/v1) into one entry per served
  // version. Errors: kInvalidConfig with every problem found ("spec.names.plural: Required value").
  static Result<std::vector<ApiResource>> parse_crd(const Object& crd);
  // Replaces the entries of CRD `name`.
  void set_crd(const std::string& name, std::vector<ApiResource> resources);
  void remove_crd(const std::string& name);
  // Stops serving a built-in kind (an API group a cluster does not have, for tests).
  void remove_builtin(const std::string& group, const std::string& version,
                      const std::string& plural);

 private:
  mutable std::mutex mu_;
  std::vector<ApiResourcePtr> resources_;
};

}  // namespace kc::fakes::kube
