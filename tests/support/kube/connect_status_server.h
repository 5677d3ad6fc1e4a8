#pragma once

// A stand-in for a kconnect worker's read-only status endpoint in operator tests, on libs/http:
// GET /connectors/{name}/status answers Kafka Connect's documented body
// (https://kafka.apache.org/documentation/#connect_rest, "GET /connectors/{name}/status": the
// connector's state and worker_id, and per task id, state, worker_id and trace when FAILED), and
// 404 {"error_code":404,"message":"No status found for connector x"} for an unknown connector.
// The end-to-end test of the managed runtime replaces it with the real runtime.
//
// Threading: setters from the test thread, requests on the server's threads.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/http/server.h"

namespace kc::testing {

class ConnectStatusServer {
 public:
  struct Task {
    int id = 0;
    std::string state = "RUNNING";
    std::string trace;
  };

  // Binds 127.0.0.1:0. `worker_id` is what the body reports as worker_id ("pod-0").
  explicit ConnectStatusServer(std::string worker_id);
  ~ConnectStatusServer();

  uint16_t port() const;
  const std::string& worker_id() const { return worker_id_; }

  // The connector as this worker runs it; remove() makes it unknown (404).
  void set(const std::string& connector, const std::string& state, std::vector<Task> tasks);
  void remove(const std::string& connector);
  // Answers after `delay` (a slow worker); or with `status` (500: a failing one).
  void set_delay(const std::string& connector, std::chrono::milliseconds delay);
  void set_failure(const std::string& connector, int status);
  int requests(const std::string& connector) const;

 private:
  struct Entry {
    std::string state;
    std::vector<Task> tasks;
    std::chrono::milliseconds delay{0};
    int failure = 0;
    int requests = 0;
  };
  std::string worker_id_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> connectors_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace kc::testing
