#pragma once

// Structural OpenAPI v3 schemas of CustomResourceDefinitions, applied the way kube-apiserver's
// apiextensions code does for the parts listed here: pruning of unknown fields, defaulting, and
// validation of type, nullable, enum, required, minimum/maximum (exclusive), minLength/maxLength,
// pattern, minItems/maxItems, minProperties/maxProperties, oneOf/anyOf/not, additionalProperties,
// x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields and the string formats
// kube-openapi's strfmt checks (date-time, date, byte, uuid, ipv4, hostname, duration; others are
// accepted unchecked, as there). A null in a non-nullable field is an error ("must be of type
// string: \"null\"") unless the field has a default, which then replaces it (1.20 and later).
// Not done: x-kubernetes-validations (CEL), list-type uniqueness, embedded resources, the
// ipv6/cidr/mac/email formats.
//
// Paths in messages are the API server's ("spec.topics[0]", "spec.config.key"). Pure functions.

#include <string>
#include <vector>

#include "libs/kube/core/api_status.h"
#include "libs/kube/core/object.h"

namespace kc::fakes::kube {

using kc::kube::Object;
using kc::kube::StatusCause;

// Fills absent properties that have a `default`, top-down (a defaulted object gets its own
// properties' defaults). apiVersion, kind and metadata at the root are left alone.
void apply_defaults(Object& value, const Object& schema);

// Removes fields the schema does not specify (unless preserve-unknown-fields) and returns their
// paths ("spec.foo").
std::vector<std::string> prune_unknown_fields(Object& value, const Object& schema);

// Every violation, each with the API server's reason and message.
std::vector<StatusCause> validate_against_schema(const Object& value, const Object& schema);

// "[spec.a: Required value, spec.b: ...]" or "spec.a: Required value".
std::string join_causes(const std::vector<StatusCause>& causes);

}  // namespace kc::fakes::kube
