#pragma once

// A Schema Registry client for what a sink needs: a schema by its id, with its references, over
// Confluent's REST API (docs.confluent.io/platform/current/schema-registry/develop/api.html):
//
//   GET /schemas/ids/{id}                         {"schema": "...", "schemaType": "PROTOBUF",
//                                                  "references": [{"name", "subject", "version"}]}
//   GET /subjects/{subject}/versions/{version}    the same fields, for each reference
//
// Karapace, Apicurio (Confluent compatibility API) and Redpanda serve the same endpoints.
//
// Errors (kc::Error), as Confluent's client classifies them:
//  - retriable: no URL reachable (kUnavailable), a timeout (kTimeout), 5xx and 429 (kUnavailable);
//  - not retriable: 40403 / 404 — the schema does not exist (kData, so the record can be
//    dead-lettered); 401/403 (kPermissionDenied); anything else malformed (kProtocol).
// Messages name the URL without credentials and the registry's error code, never a secret.
//
// Threading: schema_by_id() may be called from any number of threads at once.
// Guarantees: with several URLs, a request that cannot reach one (connection refused, timeout,
// 5xx) goes to the next, in order, as Confluent's RestService fails over; the last answer wins.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/client.h"

namespace kc::schema_registry {

enum class SchemaType { kAvro, kProtobuf, kJson };
std::string_view schema_type_name(SchemaType type);  // "AVRO", "PROTOBUF", "JSON"

struct RegisteredSchema {
  int32_t id = 0;
  SchemaType type = SchemaType::kAvro;
  std::string text;
  // The references, resolved recursively and deduplicated, each dependency before the schemas
  // that use it: the name the schema refers to it by (an Avro full name, a .proto import path,
  // a JSON Schema $ref URL) and its text.
  std::vector<std::pair<std::string, std::string>> references;
};

struct ClientSettings {
  std::vector<std::string> urls;  // "http(s)://host:port[/prefix]", credentials removed
  // The Authorization header ("Basic ..." / "Bearer ..."), empty for none. A secret.
  std::string authorization;
  http::Headers extra_headers;  // e.g. target-sr-cluster for Confluent Cloud's bearer auth
  http::ClientOptions http;     // TLS material and timeouts; base_url is set per URL
  size_t max_reference_depth = 32;

  // What identifies the registry and how it is reached: equal identities may share a cache.
  std::string identity() const;
};

class RegistryClient {
 public:
  // Errors: kInvalidConfig when a URL does not parse or the TLS material does not load.
  static Result<std::unique_ptr<RegistryClient>> create(ClientSettings settings);

  Result<RegisteredSchema> schema_by_id(int32_t id);

  // The URLs as shown in messages ("http://host:8081, http://other:8081").
  const std::string& display_urls() const { return display_urls_; }

 private:
  RegistryClient() = default;
  // GET `target` on the first URL that answers; the parsed JSON body of a 2xx response.
  Result<std::string> get(const std::string& target, std::string_view what);
  Status resolve_references(std::string_view body, RegisteredSchema& out, size_t depth,
                            std::vector<std::string>& seen);

  ClientSettings settings_;
  std::vector<std::unique_ptr<http::Client>> clients_;
  std::string display_urls_;
};

}  // namespace kc::schema_registry
