#pragma once

// A Schema Registry for tests, speaking the part of Confluent's REST API that serializers and the
// converters use, as documented in "Schema Registry API Reference"
// (https://docs.confluent.io/platform/current/schema-registry/develop/api.html):
//
//   POST /subjects/{subject}/versions        register {"schema", "schemaType", "references"}
//                                            -> {"id"}; the same schema gets the same id
//   GET  /schemas/ids/{id}                   {"schema", "schemaType" (absent for AVRO),
//                                             "references"}; 404 error_code 40403 when unknown
//   GET  /subjects                           ["subject", ...]
//   GET  /subjects/{subject}/versions        [1, 2, ...]
//   GET  /subjects/{subject}/versions/{v}    {"subject", "id", "version", "schema", "schemaType",
//                                             "references"}; v may be "latest"; 40401 / 40402
//   GET  /config/{subject}                   404 40408 (no subject-level compatibility)
//   PUT  /config/{subject}                   {"compatibility"} echoed
//
// Errors are {"error_code": N, "message": "..."} with Confluent's codes. Content type
// application/vnd.schemaregistry.v1+json. Optional HTTP Basic auth (401 without it).
//
// Why a fake: Karapace (PyPI) needs a Kafka broker for its _schemas topic and Apicurio a JVM
// (docs/testing.md); this stands in for them. Fault injection: answer 503 (error_code 50003)
// for a while, fail the next N requests with a status, or stop and restart on the same port
// (the registry unreachable). Every request is counted by path.
// Threading: every method may be called from any thread while the server runs.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/server.h"

namespace kc::testing {

class FakeSchemaRegistry {
 public:
  struct Options {
    std::string basic_user_info;  // "user:password": requests must carry it; empty: open
    std::optional<http::ServerTlsOptions> tls;
  };
  struct Reference {
    std::string name, subject;
    int version = 0;
  };

  static Result<std::unique_ptr<FakeSchemaRegistry>> start(Options options);
  ~FakeSchemaRegistry();

  std::string url() const;  // http(s)://127.0.0.1:<port>
  uint16_t port() const { return port_; }

  // Registers directly (as POST /subjects/{subject}/versions would); returns the id.
  int register_schema(const std::string& subject, const std::string& schema,
                      const std::string& type = "AVRO", const std::vector<Reference>& refs = {});

  void set_unavailable(bool unavailable) { unavailable_ = unavailable; }
  void fail_next(int count, int status) {
    fail_status_ = status;
    fail_count_ = count;
  }
  // Stops listening (connections are refused) / listens again on the same port.
  void stop();
  Status restart();

  // Requests received whose path starts with `prefix`.
  size_t requests(const std::string& prefix) const;

 private:
  struct Stored {
    std::string schema, type;
    std::vector<Reference> refs;
  };
  FakeSchemaRegistry() = default;
  http::Router router();
  http::Response handle(const http::Request& request);

  Options options_;
  uint16_t port_ = 0;
  std::unique_ptr<http::Server> server_;
  std::atomic<bool> unavailable_{false};
  std::atomic<int> fail_count_{0};
  std::atomic<int> fail_status_{500};
  mutable std::mutex mu_;
  std::vector<Stored> schemas_;                       // id - 1
  std::map<std::string, std::vector<int>> subjects_;  // subject -> ids by version
  std::vector<std::string> paths_;
};

}  // namespace kc::testing
