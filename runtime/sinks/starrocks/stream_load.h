#pragma once

// StarRocks Stream Load over HTTP: one load = PUT /api/{db}/{table}/_stream_load with Basic auth,
// "Expect: 100-continue" and a label; the FE answers 307 with a BE's address, followed with the
// body and the credentials. The answer's Status decides (STREAM_LOAD.md):
//   Success, OK                 loaded
//   Publish Timeout             committed, becomes visible later: loaded, not retried
//   Label Already Exists        ExistingJobStatus FINISHED / VISIBLE / COMMITTED: an earlier load
//                               under this label holds the data (a replay): loaded. Otherwise
//                               (still running) retried under the same label.
//   Fail                        retried unless the message says the data or table is at fault
// HTTP 401/403 fail at once (credentials); connection errors, timeouts, 429 and 5xx are retried
// after a backoff (Retry-After when given), on the next FE for connection errors, up to
// sink.maxretries times; then the error is not retriable (the task's errors.* policy decides).
//
// Kept in one file so it can move onto a shared HTTP target helper when there is one.
// Threading: one caller at a time (the sink thread).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/client.h"
#include "runtime/sinks/starrocks/settings.h"

namespace kc::sink::starrocks {

struct LoadResult {
  std::string status;           // StarRocks' Status
  bool already_loaded = false;  // Label Already Exists with a finished job
  int64_t loaded_rows = 0;      // NumberLoadedRows
  int attempts = 0;
};

class StreamLoader {
 public:
  // `sleep` waits between attempts (tests pass one that does not); it returns false to give up
  // (stopping).
  using Sleep = std::function<bool(std::chrono::milliseconds)>;
  static Result<std::unique_ptr<StreamLoader>> create(const Settings& settings, Sleep sleep = {});

  // Is any FE reachable? An error names every URL tried and why it failed.
  Status check();
  // Loads `body` into `table` under `label`, retrying as the file comment says.
  Result<LoadResult> load(const std::string& table, const std::string& label,
                          std::string_view body);

 private:
  struct Fe {
    std::string url;
    std::unique_ptr<http::Client> client;
  };
  StreamLoader(Settings settings, Sleep sleep)
      : settings_(std::move(settings)), sleep_(std::move(sleep)) {}
  // One attempt on the current FE. Retriable errors may carry a Retry-After in `retry_after`.
  Result<LoadResult> attempt(const std::string& table, const std::string& label,
                             std::string_view body, std::chrono::milliseconds& retry_after);

  Settings settings_;
  Sleep sleep_;
  std::vector<Fe> fes_;
  size_t current_ = 0;  // the FE loads go to
  std::string authorization_;
};

}  // namespace kc::sink::starrocks
