#pragma once

// The http sink's configuration (http.* keys) parsed into one struct, which the rockset sink
// also fills from its own keys (runtime/sinks/rockset): both run on the same batching and
// sending (http_sink.h).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/types.h"
#include "runtime/api/config_def.h"

namespace kc::sink::http_sink {

// How documents are laid out in a request body.
enum class BodyFormat {
  kJsonArray,     // [doc,doc]
  kNdjson,        // doc\ndoc\n
  kCsv,           // row\r\nrow\r\n (RFC 4180)
  kRockset,       // {"data":[doc,doc]}: Rockset's Documents API
  kRocksetKafka,  // {"topic":..,"kafka_messages":[..]}: Rockset's Kafka receiver (rockset sink)
};

enum class DocumentId { kNone, kKey, kTopicPartitionOffset };

struct Settings {
  std::string sink_name = "http";  // in metrics and messages
  std::string url;                 // http(s)://host[:port]/path[?query]
  std::string url_key = "http.url";
  http::Method method = http::Method::kPost;
  BodyFormat format = BodyFormat::kJsonArray;
  bool gzip = false;
  // Sent with every request, in this order: http.headers.*, then Authorization from http.auth.*.
  std::vector<std::pair<std::string, std::string>> headers;
  size_t max_records = 500;
  size_t max_bytes = 1024 * 1024;
  std::chrono::milliseconds linger{1000};  // 0: the connector's offset.flush.interval.ms
  int retry_max = 10;                      // -1: no limit
  std::chrono::milliseconds retry_backoff{1000};
  std::string idempotency_header = "Idempotency-Key";  // empty: none sent
  DocumentId document_id = DocumentId::kNone;
  std::string document_id_field = "_id";
  // Requests in flight at once, each for another partition (rockset.task.threads); 1: one at a
  // time, on the sink thread.
  size_t max_in_flight = 1;
};

const api::ConfigDef& config_def();

// Cross-key checks and http.headers.* (SinkPlugin::validate); every issue names its key.
void validate(const api::Config& config, std::vector<api::ConfigIssue>& issues);

// Errors: kInvalidConfig with every issue validate() would report.
Result<Settings> parse_settings(const api::Config& config);

}  // namespace kc::sink::http_sink
