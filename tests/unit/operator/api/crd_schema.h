#pragma once

// The openAPIV3Schema of a CRD in crds/, for tests that hold the C++ types to the CRD.

#include <string>

#include "libs/kube/core/object.h"
#include "libs/yaml/yaml.h"
#include "tests/support/files.h"
#include "tests/support/kube/kubectl.h"

namespace kc::testing {

inline kube::Object crd_schema(const std::string& file) {
  auto crd = yaml::to_json(read_text(source_path(std::string("crds/") + file)));
  if (!crd) return {};
  return (*crd)["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}

}  // namespace kc::testing
