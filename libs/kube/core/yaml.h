#pragma once

// YAML to JSON, as Kubernetes reads manifests (sigs.k8s.io/yaml): plain scalars resolve to null,
// booleans, integers and floats by the YAML 1.2 core schema; quoted scalars stay strings.
// Used for kubeconfig files, CRD manifests and `application/apply-patch+yaml` bodies.
// Pure functions; thread-safe.

#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/kube/core/object.h"

namespace kc::kube {

// One document. Errors: kInvalidArgument with yaml-cpp's line/column.
Result<Object> yaml_to_json(std::string_view text);
// Every document of a "---"-separated stream; empty documents are skipped.
Result<std::vector<Object>> yaml_documents_to_json(std::string_view text);

}  // namespace kc::kube
