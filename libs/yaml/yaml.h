#pragma once

// YAML to JSON: the one converter, for connector and worker files (runtime/config), kubeconfig
// files, CRD manifests and `application/apply-patch+yaml` bodies (libs/kube).
//
// Guarantees: hostile input is refused with an error, never a crash or unbounded memory. Aliases
// (`*a`) are expanded, so a document is bounded as it is converted: at most kMaxDepth levels of
// nesting (a self-referencing anchor such as `x: &c [*c]` stops there) and at most
// kMaxExpandedBytes of content after expansion ("billion laughs" stops there). Pure functions;
// thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/base/error.h"

namespace kc::yaml {

enum class Scalars {
  // As Kubernetes reads manifests (sigs.k8s.io/yaml): plain scalars resolve to null, booleans,
  // integers and floats by the YAML 1.2 core schema; quoted scalars stay strings.
  kTyped,
  // Every scalar is its text, as Kafka configuration values are; only null (`~`, `null`, an empty
  // value) is null.
  kText,
};

// Levels of nested lists and maps a document may have.
inline constexpr size_t kMaxDepth = 100;
// Content of a document after expanding aliases: each scalar counts its length, each scalar, list
// and map 16 bytes more.
inline constexpr size_t kMaxExpandedBytes = size_t{8} << 20;

// One document. Errors: kInvalidArgument with yaml-cpp's line/column, or naming the limit hit.
Result<nlohmann::json> to_json(std::string_view text, Scalars scalars = Scalars::kTyped);
// Every document of a "---"-separated stream; empty documents are skipped. The limits apply to
// the whole stream.
Result<std::vector<nlohmann::json>> documents_to_json(std::string_view text,
                                                      Scalars scalars = Scalars::kTyped);

}  // namespace kc::yaml
