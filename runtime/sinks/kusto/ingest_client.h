#pragma once

// Azure Data Explorer ingestion over REST, as Kusto's ingestion clients do it:
//
// Queued ingestion
// (https://learn.microsoft.com/azure/data-explorer/kusto/api/netfx/kusto-ingest-client-rest)
//  1. POST {ingestion url}/v1/rest/mgmt {"db":"NetDefaultDB","csl":".get ingestion resources"}
//     and {"csl":".get kusto identity token"}: blob containers and queues with SAS URLs, and the
//     identity token that goes into every message; both cached for an hour (and dropped when
//     Azure Storage refuses a SAS).
//  2. Put Blob (block blob) of the gzip-compressed batch to a container with its SAS
//     (https://learn.microsoft.com/rest/api/storageservices/put-blob). The blob name is derived
//     from the batch's tag, so a retry overwrites the same blob.
//  3. Put Message on a queue (https://learn.microsoft.com/rest/api/storageservices/put-message):
//     <QueueMessage><MessageText>base64(ingestion message JSON)</MessageText></QueueMessage>,
//     the message holding Id, BlobPath, RawDataSize, DatabaseName, TableName, ReportLevel,
//     ReportMethod and AdditionalProperties {authorizationContext, format,
//     ingestionMappingReference, tags, ingestIfNotExists}. The queue's 201 is the acceptance:
//     Kusto ingests later (asynchronously).
// Streaming ingestion
// (https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/streaming-ingest)
//     POST {engine url}/v1/rest/ingest/{db}/{table}?streamFormat=..&mappingName=.. with the
//     gzip body (Content-Encoding: gzip); ingested when it answers 2xx.
//
// Errors: as HttpTarget's (retriable: connection errors, timeouts, 408/429/5xx with Retry-After
// honoured); 401 from Kusto drops the cached token and is retried once; 403/404 from Azure
// Storage drop the cached resources and are retried once. Messages never carry a token or a SAS.
// Threading: one caller at a time (the sink thread).

#include <chrono>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "libs/base/error.h"
#include "runtime/sinks/common/http_target.h"
#include "runtime/sinks/kusto/aad.h"
#include "runtime/sinks/kusto/settings.h"

namespace kc::sink::kusto {

// One batch ready to go: its rows compressed, and who it is for.
struct IngestBatch {
  std::string database;
  std::string table;
  std::string format;   // Kusto's name: json, csv, ...
  std::string mapping;  // ingestion mapping reference, may be empty
  std::string tag;      // the batch label: sent as "ingest-by:<tag>" with ingestIfNotExists
  std::string gzipped;  // the rows, gzip-compressed
  size_t raw_size = 0;  // the rows' size before compression
};

// What a streaming attempt ended with.
enum class StreamOutcome { kIngested, kUseQueued };

class IngestClient {
 public:
  using Clock = std::chrono::steady_clock;

  static Result<std::unique_ptr<IngestClient>> create(const Settings& settings,
                                                      TokenProvider& tokens, SinkProbe* probe,
                                                      std::stop_token stop);

  // Reaches the data-management endpoint with the credentials (ingestion resources and identity
  // token); errors name the URL.
  Status check();
  // The table exists on the engine endpoint and the principal can see it.
  Status check_table(const std::string& database, const std::string& table);

  // Queued ingestion; ok once the queue accepted the message.
  Status ingest_queued(const IngestBatch& batch);
  // Streaming ingestion; kUseQueued when the batch is too large, the table's streaming policy
  // refuses it, or the engine throttles or is unavailable (Kusto's managed streaming client's
  // fallback). Other refusals (bad data, unknown table or mapping) are errors.
  Result<StreamOutcome> ingest_streaming(const IngestBatch& batch);

  size_t resource_fetches() const { return resource_fetches_; }

 private:
  struct Resources {
    std::vector<std::string> containers;  // SAS URLs
    std::vector<std::string> queues;      // SAS URLs
    std::string identity_token;
    Clock::time_point fetched;
  };
  IngestClient(Settings settings, TokenProvider& tokens, SinkProbe* probe, std::stop_token stop)
      : settings_(std::move(settings)), tokens_(tokens), probe_(probe), stop_(std::move(stop)) {}

  // The HttpTarget for the origin of `url` (made on first use).
  Result<HttpTarget*> target_for(const std::string& origin);
  // A management command on `base_url` (ingestion or engine endpoint): the answer's first table.
  Result<nlohmann::json> management(const std::string& base_url, const std::string& database,
                                    const std::string& command);
  Result<const Resources*> resources();
  Status queued_once(const IngestBatch& batch, const Resources& resources);

  Settings settings_;
  TokenProvider& tokens_;
  SinkProbe* probe_;
  std::stop_token stop_;
  std::map<std::string, std::unique_ptr<HttpTarget>> targets_;
  std::optional<Resources> resources_;
  size_t next_container_ = 0;
  size_t next_queue_ = 0;
  size_t resource_fetches_ = 0;
};

}  // namespace kc::sink::kusto
