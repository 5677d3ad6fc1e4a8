#pragma once

// Standard status conditions (metav1.Condition) and the one way to change them.
//
// Conventions followed (Kubernetes API conventions, "Typical status properties"): a condition has
// type, status ("True"/"False"/"Unknown"), observedGeneration, lastTransitionTime, reason
// (CamelCase) and message; lastTransitionTime changes only when status changes.
//
// to_json() writes exactly what metav1.Condition's schema admits, so a real kube-apiserver accepts
// it: every field present, strings never null (message may be ""), reason matching
// ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ (1-1024 chars), message at most 32768 bytes of valid
// UTF-8, lastTransitionTime RFC 3339, observedGeneration an integer >= 0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/kube/core/object.h"
#include "libs/kube/core/time.h"

namespace kc::kube {

struct Condition {
  std::string type;
  std::string status;  // "True", "False" or "Unknown"
  std::string reason;
  std::string message;
  int64_t observed_generation = 0;
  std::string last_transition_time;  // RFC 3339; set_condition fills it

  Object to_json() const;
  static Condition from_json(const Object& condition);
  friend bool operator==(const Condition&, const Condition&) = default;
};

// The metav1.Condition field limits (k8s.io/apimachinery/pkg/apis/meta/v1/types.go).
inline constexpr size_t kConditionMessageMaxBytes = 32768;
inline constexpr size_t kConditionReasonMaxLength = 1024;

// True when `reason` matches metav1.Condition's reason pattern and length.
bool is_valid_condition_reason(std::string_view reason);
// `reason` made valid: characters outside [A-Za-z0-9_,:] dropped, a leading non-letter or an empty
// result prefixed with "Unknown", cut to 1024 characters, a trailing ',' or ':' removed.
std::string condition_reason(std::string_view reason);
// `message` as valid UTF-8, cut at a character boundary to kConditionMessageMaxBytes.
std::string condition_message(std::string_view message);

// Sets `condition` in `conditions` (replacing the one of the same type, or appending). The
// lastTransitionTime is `now` when the type is new or its status flipped, and is kept otherwise
// (condition.last_transition_time is ignored). Returns true when anything changed.
bool set_condition(std::vector<Condition>& conditions, Condition condition, WallTime now);

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type);
bool is_condition_true(const std::vector<Condition>& conditions, std::string_view type);

// status.conditions of an object (empty when absent).
std::vector<Condition> conditions_of(const Object& object);
Object conditions_to_json(const std::vector<Condition>& conditions);

}  // namespace kc::kube
