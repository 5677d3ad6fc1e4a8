#pragma once

// Discovery documents (/api, /apis, /api/v1, /apis/{group}/{version}), the OpenAPI v3 documents
// kubectl reads to learn that the server validates fields itself (/openapi/v3 and one document
// per group-version whose PATCH operations carry x-kubernetes-group-version-kind and a
// fieldValidation parameter), and Table rendering for `kubectl get` (meta.k8s.io/v1 Table with
// the CRD's additionalPrinterColumns). Pure functions over the registry's entries.

#include <string>
#include <vector>

#include "tests/fakes/kube_apiserver/resource_registry.h"

namespace kc::fakes::kube {

Object version_info();
Object core_api_versions(const std::string& server_address);
Object api_group_list(const std::vector<ApiResourcePtr>& resources);
// nullptr-like empty object when the group-version is unknown.
Object api_resource_list(const std::vector<ApiResourcePtr>& resources, const std::string& group,
                         const std::string& version);

Object openapi_v3_root(const std::vector<ApiResourcePtr>& resources);
// The document of "api/v1" or "apis/{group}/{version}"; empty object when unknown.
Object openapi_v3_document(const std::vector<ApiResourcePtr>& resources,
                           const std::string& group_version_path);

// The values a simple JSONPath selects: ".a.b", "[0]", "[*]", "[?(@.k==\"v\")]".
std::vector<Object> eval_json_path(const Object& object, const std::string& path);

// A Table of `objects` (each row's object is PartialObjectMetadata, or the whole object when
// include_object is true). `now` renders Age and date columns.
Object to_table(const ApiResource& resource, const std::vector<kc::kube::ObjectPtr>& objects,
                bool include_object, const std::string& resource_version,
                const std::string& continue_token);

}  // namespace kc::fakes::kube
