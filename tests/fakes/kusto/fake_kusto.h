#pragma once

// Azure Data Explorer as the kusto sink sees it, for tests: HTTP servers playing Azure AD, the
// Kusto data-management and engine endpoints, Azure Blob Storage and Azure Queue Storage, each
// following Microsoft's documented protocol:
//
//   Azure AD  POST /{tenant}/oauth2/v2.0/token (form): grant_type=client_credentials, client_id,
//             scope=<resource>/.default and client_secret, or client_assertion_type=
//             urn:ietf:params:oauth:client-assertion-type:jwt-bearer with client_assertion (the
//             federated token). 200 {"token_type":"Bearer","expires_in":N,"access_token":...};
//             400/401 {"error":"invalid_client","error_description":"AADSTS..."}.
//             https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
//   IMDS      GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=..[&client_id=..]
//             with "Metadata: true"; 200 {"access_token","expires_in":"N","resource",...}.
//             https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token
//   Kusto     POST /v1/rest/mgmt {"db","csl"} with "Authorization: Bearer <token>" (401 for a
//             token not issued here or expired): ".get ingestion resources" (ResourceTypeName,
//             StorageRoot rows: TempStorage, SecuredReadyForAggregationQueue, ...),
//             ".get kusto identity token" (AuthorizationContext), ".show table ['T'] cslschema"
//             (400 for an unknown table). Answers in the v1 format {"Tables":[{"TableName",
//             "Columns":[{"ColumnName","DataType"}],"Rows":[[...]]}]}.
//             https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/request
//             https://learn.microsoft.com/azure/data-explorer/kusto/api/netfx/kusto-ingest-client-rest
//             POST /v1/rest/ingest/{db}/{table}?streamFormat=..&mappingName=.. (streaming
//             ingestion, body gzip with Content-Encoding: gzip): 200, or 400 with error code
//             "StreamingIngestionPolicyNotEnabled" for a table without the streaming policy.
//             https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/streaming-ingest
//   Blob      PUT /blob/{container}/{blob}?<SAS> with x-ms-blob-type: BlockBlob: 201; 403
//             AuthenticationFailed for a wrong SAS signature.
//             https://learn.microsoft.com/rest/api/storageservices/put-blob
//   Queue     POST /queue/{queue}/messages?<SAS>, body <QueueMessage><MessageText>base64
//             </MessageText></QueueMessage>: 201 with a QueueMessagesList.
//             https://learn.microsoft.com/rest/api/storageservices/put-message
//
// Ingestion: a queue message is checked (DatabaseName, TableName, BlobPath, RawDataSize,
// AdditionalProperties.authorizationContext = the identity token, format) and ingested at once
// from the stored blob (gunzipped; json/multijson rows one JSON document per line, others one
// row per line) as one extent carrying the message's tags. As ADX does, a message whose
// ingestIfNotExists names a tag an extent of the table already has (as "ingest-by:<tag>")
// ingests nothing (counted in skipped_duplicates()). Real ADX ingests queued data later; here
// it is visible when the queue answers. Streamed rows are one extent without tags.
//
// Fault injection: answer the next N requests of an endpoint with 429/503 and Retry-After;
// tokens that expire after N seconds; tables without the streaming policy; hooks run after a
// blob is stored and after a message is ingested, before the answer goes out (to SIGKILL the
// worker between the two, or after both).
// Threading: every method may be called from any thread while the server runs.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/base/error.h"
#include "libs/http/server.h"

namespace kc::testing {

class FakeKusto {
 public:
  struct Options {
    std::string tenant = "tenant-1";
    std::string client_id = "app-1";
    std::string client_secret = "app-secret";
    std::string federated_token;  // the expected client_assertion, when workload identity is used
    std::chrono::seconds token_lifetime{3600};
    // false: rows are counted (lines), not parsed nor kept (benchmarks); rows() stays empty.
    bool keep_rows = true;
  };
  enum class Endpoint { kToken, kManagement, kBlob, kQueue, kStreaming };

  static Result<std::unique_ptr<FakeKusto>> start(Options options);
  ~FakeKusto();

  // "http://127.0.0.1:<port>" of each role: the data-management (ingestion) endpoint, the
  // engine, Azure AD (also the metadata endpoint) and Azure Storage (named in the ingestion
  // resources). Each is its own server.
  std::string url() const;
  std::string engine_url() const;
  std::string aad_url() const;
  std::string storage_url() const;

  std::vector<std::string> rows(const std::string& db, const std::string& table) const;
  size_t extents(const std::string& db, const std::string& table) const;
  size_t row_count() const { return row_count_; }  // every row ingested, all tables
  std::vector<nlohmann::json> messages() const;    // every queue message accepted, decoded
  size_t skipped_duplicates() const { return skipped_duplicates_; }
  size_t streaming_ingests() const { return streaming_ingests_; }
  size_t tokens_issued() const { return tokens_issued_; }
  size_t unauthorized() const { return unauthorized_; }  // requests refused with 401
  size_t requests(Endpoint endpoint) const;
  std::string last_assertion() const;

  void set_federated_token(std::string token);
  // Every token issued so far stops being accepted (401), as after a revocation or expiry.
  void revoke_tokens();
  void set_token_lifetime(std::chrono::seconds lifetime) { token_lifetime_s_ = lifetime.count(); }
  // The next `count` requests of `endpoint` get `status` (429 or 503) with Retry-After.
  void throttle_next(Endpoint endpoint, int count, int status = 429, int retry_after_seconds = 1);
  // While set, every request of `endpoint` gets 503.
  void set_unavailable(Endpoint endpoint, bool unavailable);
  void disable_streaming(const std::string& table);
  // Tables ".show table" knows (when none are added, every table exists).
  void add_table(const std::string& table);
  // Run on the connection thread before the answer is sent.
  void on_blob_stored(std::function<void(const std::string& blob)> hook);
  void on_message_ingested(std::function<void(const nlohmann::json& message)> hook);

 private:
  FakeKusto() = default;
  struct Extent {
    std::vector<std::string> tags;
    std::vector<std::string> rows;
  };
  std::optional<http::Response> fault(Endpoint endpoint);
  bool authorized(const http::Request& request);
  http::Response unauthorized_response();
  http::Response token(const http::Request& request, bool imds);
  http::Response management(const http::Request& request);
  http::Response put_blob(const http::Request& request);
  http::Response put_message(const http::Request& request);
  http::Response streaming(const http::Request& request);
  // Rows of a body in `format`; nullopt for unparseable JSON.
  std::optional<std::vector<std::string>> parse_rows(const std::string& body,
                                                     const std::string& format);
  std::string issue_token();

  Options options_;
  std::unique_ptr<http::Server> server_, engine_, aad_, storage_;
  std::atomic<size_t> row_count_{0}, skipped_duplicates_{0}, streaming_ingests_{0},
      tokens_issued_{0}, unauthorized_{0};
  std::atomic<int64_t> token_lifetime_s_{3600};
  mutable std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> tokens_;  // -> expiry
  std::map<std::string, std::string> blobs_;                             // path -> bytes
  std::map<std::string, std::vector<Extent>> tables_;                    // "db.table"
  std::vector<nlohmann::json> messages_;
  std::map<Endpoint, size_t> requests_;
  struct Throttle {
    int count = 0;
    int status = 429;
    int retry_after = 1;
    bool unavailable = false;
  };
  std::map<Endpoint, Throttle> faults_;
  std::set<std::string> no_streaming_;
  std::set<std::string> known_tables_;
  std::string last_assertion_;
  std::function<void(const std::string&)> on_blob_;
  std::function<void(const nlohmann::json&)> on_message_;
};

}  // namespace kc::testing
