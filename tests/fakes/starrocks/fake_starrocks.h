#pragma once

// StarRocks' Stream Load endpoints for tests: an FE that redirects and a BE that loads, following
// the documented protocol:
//   https://docs.starrocks.io/docs/sql-reference/sql-statements/loading_unloading/STREAM_LOAD/
//   https://docs.starrocks.io/docs/loading/StreamLoad/
//   https://docs.starrocks.io/docs/loading/Kafka-connector-starrocks/
//
//   FE  PUT /api/{db}/{table}/_stream_load   401 without the right Basic credentials, else
//                                            307 Temporary Redirect to the BE, same path and query
//       GET /api/health                      {"status":"OK","msg":"Success"}
//   BE  PUT /api/{db}/{table}/_stream_load   401 without the credentials; headers label, format
//                                            (json|csv), strip_outer_array, column_separator,
//                                            row_delimiter; answers 200 with JSON:
//        {"TxnId", "Label", "Status", "Message", "NumberTotalRows", "NumberLoadedRows",
//         "NumberFilteredRows", "NumberUnselectedRows", "LoadBytes", "LoadTimeMs"}
//        Status "Success"; "Label Already Exists" with "ExistingJobStatus": "FINISHED" for a label
//        already used by a successful load (nothing is loaded again; failed loads free their
//        label, as StarRocks does); "Fail" with a Message (and ErrorURL) for a failed load.
//
// Rows are kept per table: JSON rows as compact JSON text (one per element of the outer array
// with strip_outer_array=true, else the whole body as one row), CSV rows as the lines between
// row delimiters. Each request's "Expect: 100-continue" header is counted. The libs/http server
// answers "100 Continue" before reading every body, so the FE reads the body it redirects (a
// real FE answers 307 without waiting for it); the client re-sends it to the BE either way.
//
// Fault injection (each for the next N loads reaching the BE): Status Fail with a message,
// Status Publish Timeout (rows are loaded), HTTP 429 with Retry-After; HTTP 503 while
// unavailable; and a hook run after a load committed, before its answer is sent (to lose that
// answer, or stop a worker between the load and its Kafka commit).
// Threading: every method may be called from any thread while the servers run.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/server.h"

namespace kc::testing {

class FakeStarRocks {
 public:
  struct Options {
    std::string database = "db";
    std::string username = "root";
    std::string password = "secret";
  };

  static Result<std::unique_ptr<FakeStarRocks>> start(Options options);
  ~FakeStarRocks();

  // "127.0.0.1:<fe port>" (starrocks.http.url's form).
  std::string fe_address() const;
  uint16_t be_port() const;

  std::vector<std::string> rows(const std::string& table) const;
  std::vector<std::string> labels() const;  // of successful loads, in order
  size_t fe_loads() const { return fe_loads_; }
  size_t be_loads() const { return be_loads_; }  // every load request the BE answered
  size_t duplicate_labels() const { return duplicate_labels_; }
  size_t loads_without_expect_continue() const { return without_expect_; }
  std::map<std::string, std::string> last_headers() const;  // of the last BE load, lower-case

  void fail_next(int count, std::string message) {
    std::lock_guard lock(mu_);
    fail_count_ = count;
    fail_message_ = std::move(message);
  }
  // While set, every load gets HTTP 503, and a load whose on_committed hook set it loses its
  // answer the same way (its rows stay): a BE that went away after committing.
  void set_unavailable(bool unavailable) { unavailable_ = unavailable; }
  void publish_timeout_next(int count) { publish_timeout_count_ = count; }
  void throttle_next(int count, int retry_after_seconds) {
    throttle_count_ = count;
    retry_after_seconds_ = retry_after_seconds;
  }
  // Runs on the BE's connection thread after a load committed, before the answer goes out.
  void on_committed(std::function<void(const std::string& label)> hook) {
    std::lock_guard lock(mu_);
    on_committed_ = std::move(hook);
  }

 private:
  FakeStarRocks() = default;
  bool authorized(const http::Request& request) const;
  http::Response be_load(const http::Request& request);

  Options options_;
  std::unique_ptr<http::Server> be_;
  std::unique_ptr<http::Server> fe_;
  std::atomic<size_t> fe_loads_{0}, be_loads_{0}, duplicate_labels_{0}, without_expect_{0};
  std::atomic<bool> unavailable_{false};
  std::atomic<int> publish_timeout_count_{0}, throttle_count_{0}, retry_after_seconds_{0};
  mutable std::mutex mu_;
  int fail_count_ = 0;
  std::string fail_message_;
  int64_t next_txn_ = 1000;
  std::map<std::string, std::vector<std::string>> tables_;
  std::vector<std::string> labels_;
  std::map<std::string, std::string> last_headers_;
  std::function<void(const std::string&)> on_committed_;
};

}  // namespace kc::testing
