#pragma once

// The API server's Status object (metav1.Status) and how an HTTP error status becomes a kc::Error.
//
// Mapping (the "typed errors" of libs/kube):
//   404                         -> Errc::kNotFound
//   409 reason AlreadyExists    -> Errc::kAlreadyExists
//   409 reason Conflict         -> Errc::kConflict   (stale resourceVersion, SSA field conflict)
//   410 Gone / reason Expired   -> Errc::kConflict   (message says "Expired"; watchers relist)
//   400                         -> Errc::kInvalidArgument
//   422 Invalid                 -> Errc::kInvalidConfig (message lists every field cause)
//   401, 403                    -> Errc::kPermissionDenied
//   429, 500, 502, 503          -> Errc::kUnavailable, retriable
//   504 / reason Timeout        -> Errc::kTimeout, retriable
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/kube/core/object.h"

namespace kc::kube {

struct StatusCause {
  std::string reason;  // "FieldValueRequired"
  std::string field;   // "spec.clusterRef.name"
  std::string message;
};

struct ApiStatus {
  int code = 0;
  std::string reason;  // "NotFound", "Conflict", "Invalid", "Expired", ...
  std::string message;
  std::vector<StatusCause> causes;
  // details.name / group / kind: which object the status is about (kubectl prints them).
  std::string details_name;
  std::string details_group;
  std::string details_kind;

  Object to_json() const;
  // Reads a Status object; a body that is not one gives {code, reason "", message = body text}.
  static ApiStatus from_body(int http_status, std::string_view body);
};

Error to_error(const ApiStatus& status, std::string_view operation);

// True for errors that mean "the resourceVersion you hold is too old" (HTTP 410).
bool is_expired(const ApiStatus& status);

}  // namespace kc::kube
