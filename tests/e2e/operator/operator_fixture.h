#pragma once

// kconnect-operator (the built binary, as a child process) against the test API server, driven by
// the real kubectl. Stand-ins for what a real cluster's controllers would do: Deployment status
// (make_workers_ready) and the EndpointSlice of the worker Service (publish_workers), pointing at
// ConnectStatusServer instances that answer the runtime's status endpoint.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libs/kube/client/client.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/support/kube/connect_status_server.h"
#include "tests/support/kube/kubectl.h"

namespace kc::testing {

class OperatorTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  void start_api(fakes::kube::FakeApiServerOptions options = {});
  void install_crds();
  // Starts one operator process; returns its index (processes_[i], probe_ports_[i]).
  size_t start_operator(std::vector<std::string> extra_args = {});
  KubectlResult kubectl(const std::vector<std::string>& args, const std::string& in = {});
  void apply(const std::string& yaml);  // kubectl apply -f -, asserting success

  std::optional<kube::Object> get(const std::string& api_version, const std::string& plural,
                                  const std::string& name, const std::string& ns = "default");
  std::optional<kube::Object> cluster(const std::string& name);
  std::optional<kube::Object> connector(const std::string& name);
  kube::Object connectors_json(const std::string& cluster);  // parsed, {} when absent
  std::string condition(const kube::Object& obj, const std::string& type,
                        const std::string& field = "status");
  // GET on operator i's probe server; "" on failure.
  std::string probe(size_t i, const std::string& path);
  double metric(size_t i, const std::string& series);  // value of one exposed series, -1 if none

  // Sets the worker Deployment's status as if `ready` pods of its current template were ready.
  void make_workers_ready(const std::string& cluster, int ready);
  // Writes the EndpointSlice of the cluster's Service listing `workers` as ready endpoints.
  void publish_workers(const std::string& cluster,
                       const std::vector<ConnectStatusServer*>& workers);
  struct WorkerEndpoint {
    std::string pod;
    uint16_t port = 0;
  };
  void publish_endpoints(const std::string& cluster, const std::vector<WorkerEndpoint>& workers);

  static bool eventually_for(const std::function<bool()>& predicate,
                             std::chrono::milliseconds timeout = std::chrono::seconds(20));

  std::unique_ptr<fakes::kube::FakeApiServer> api_;
  std::unique_ptr<Kubectl> kubectl_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<TempDir> dir_;
  std::vector<std::unique_ptr<Process>> processes_;
  std::vector<uint16_t> probe_ports_;
};

}  // namespace kc::testing
