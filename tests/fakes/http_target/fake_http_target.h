#pragma once

// An HTTP ingestion endpoint for the http and rockset sinks' tests, following documented HTTP
// semantics:
//   RFC 9110 (HTTP Semantics): 401 with WWW-Authenticate (section 11.6.1), 429 and 503 with
//     Retry-After as delta-seconds (section 10.2.3; RFC 6585 section 4 for 429), 400 for content
//     the server refuses (section 15.5.1), Content-Encoding: gzip (section 8.4.1.3).
//   The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header): a request whose
//     key was already processed successfully is not processed again; the first answer is
//     repeated.
//   Rockset's Documents API (POST {"data":[doc,...]}; a document whose _id exists replaces it)
//     and Rockset's Kafka receiver as its Java connector speaks it
//     (github.com/rockset/kafka-connect-rockset, RocksetRequestWrapper and models/): POST
//     /v1/receivers/kafka, Basic auth of the integration key with an empty password, body
//     {"topic":t,"kafka_messages":[{"document":{..},"key":..,"partition":p,"offset":o,
//     "create_time"|"log_append_time":ms}]}, 200 on success, 429/5xx retriable.
//
//   POST|PUT {path}              application/json: an array of documents or {"data":[...]};
//                                application/x-ndjson: one document per line; text/csv: one row
//                                per CRLF/LF-terminated line
//   POST /v1/receivers/kafka     Rockset's receiver: messages kept per topic+partition+offset
//                                (a message sent again replaces the first)
//   HEAD {path}, HEAD /v1/receivers/kafka   200 (401 without the credentials)
//
// Documents carrying `_id` replace an earlier document with the same _id. A batch is stored
// whole or not at all.
//
// Fault injection: the next N requests answered with a status (and Retry-After); documents
// holding `"refuse": true` make their request 400 (nothing stored) with a message naming the
// document; a hook after a request was stored, before its answer is sent.
// Threading: every method may be called from any thread while the server runs.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/base/error.h"
#include "libs/http/server.h"

namespace kc::testing {

class FakeHttpTarget {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::string path = "/ingest";
    std::string authorization;  // the Authorization value required; empty: none
    // false: documents are parsed and counted, not kept (benchmarks; documents() is empty).
    bool keep_documents = true;
  };
  struct Received {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;                            // decoded when gzip
    size_t wire_bytes = 0;                       // as sent
    int status = 0;                              // the answer
    Clock::time_point at;
  };

  static Result<std::unique_ptr<FakeHttpTarget>> start(Options options);
  ~FakeHttpTarget();

  std::string base_url() const;  // http://127.0.0.1:<port>
  std::string url() const;       // base_url() + path

  std::vector<Received> requests() const;  // every request but HEAD, in arrival order
  // JSON documents stored, in first-arrival order (one replaced by _id keeps its place).
  std::vector<nlohmann::json> documents() const;
  // The receiver's messages with "topic" added, one per topic+partition+offset.
  std::vector<nlohmann::json> kafka_messages() const;
  std::vector<std::string> rows() const;  // CSV rows
  size_t idempotent_replays() const { return replays_; }
  size_t documents_received() const { return received_; }  // stored or replacing, kept or not
  int in_flight() const { return in_flight_; }             // requests being handled now
  int max_in_flight() const { return max_in_flight_; }     // the most at once so far

  // The next `count` requests that would be stored get `status` (with Retry-After when given).
  void fail_next(int count, int status, std::optional<int> retry_after_seconds = std::nullopt);
  // Runs on the connection's thread after a request was stored, before its answer goes out.
  void on_stored(std::function<void()> hook);

 private:
  FakeHttpTarget() = default;
  http::Response ingest(const http::Request& request, bool receiver);
  http::Response store(const http::Request& request, const std::string& body, bool receiver);

  Options options_;
  std::unique_ptr<http::Server> server_;
  std::atomic<size_t> replays_{0};
  std::atomic<size_t> received_{0};
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
  mutable std::mutex mu_;
  std::vector<Received> requests_;
  std::vector<nlohmann::json> documents_;
  std::map<std::string, size_t> by_id_;  // _id -> index in documents_
  std::vector<nlohmann::json> messages_;
  std::map<std::string, size_t> by_coordinates_;  // topic+partition+offset -> messages_
  std::vector<std::string> rows_;
  std::map<std::string, std::string> idempotency_keys_;  // key -> answer body
  int fail_count_ = 0;
  int fail_status_ = 0;
  std::optional<int> retry_after_;
  std::function<void()> on_stored_;
};

}  // namespace kc::testing
