#pragma once

// Where a cluster's workers are (the ready endpoints of its Service, from EndpointSlices or, where
// discovery.k8s.io/v1 is not served, Endpoints) and what each says about a connector:
// GET http://<pod-ip>:<rest port>/connectors/{name}/status, Kafka Connect's documented body.
//
// Threading: thread-safe. fetch() blocks for at most connect_timeout + request_timeout per worker.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "libs/http/client.h"
#include "operator/controllers/cache.h"
#include "operator/model/status.h"

namespace kc::operator_controllers {

struct WorkerEndpoint {
  std::string pod;  // targetRef name (the worker id), or the address
  std::string address;
  int port = 8083;
  friend bool operator==(const WorkerEndpoint&, const WorkerEndpoint&) = default;
};

// Ready endpoints of the Service of `cluster` in `ns`, sorted by pod. `slices`: the cache holds
// EndpointSlices (else Endpoints).
std::vector<WorkerEndpoint> ready_workers(const Cache& cache, bool slices, const std::string& ns,
                                          const std::string& cluster);

// The cluster an EndpointSlice or Endpoints object belongs to ("" when not ours).
std::string endpoints_cluster(const kube::Object& object, bool slices);

class WorkerStatusClient {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{1'000};
    std::chrono::milliseconds request_timeout{2'000};
  };
  explicit WorkerStatusClient(Options options) : options_(options) {}

  operator_model::WorkerReport fetch(const WorkerEndpoint& worker, const std::string& connector,
                                     const std::stop_token& stop);
  uint64_t failures() const { return failures_.load(); }

 private:
  // Shared: a caller keeps its client while another thread may clear the pool.
  std::shared_ptr<http::Client> client_for(const std::string& base_url);

  Options options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<http::Client>> clients_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace kc::operator_controllers
