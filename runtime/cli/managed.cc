// `kconnect-runtime managed --config-dir DIR`: a worker pod of an operator-managed cluster
// (docs/operator-runtime-contract.md). Its connectors come from the cluster's ConfigMap, watched
// through the Kubernetes API when KC_CONFIGMAP and KC_POD_NAMESPACE are set and an API is
// configured (in-cluster or $KUBECONFIG), else re-read from the mounted files in DIR every
// 500 ms. Connector changes apply without a restart; worker.properties changes need a new pod
// (the operator rolls them) and are only reported. The REST API is read-only.

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/kube/client/config.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/signals.h"
#include "runtime/config/properties.h"
#include "runtime/config/worker_config.h"
#include "runtime/managed/config_source.h"
#include "runtime/managed/desired_state.h"
#include "runtime/managed/reconciler.h"
#include "runtime/managed/secret_provider.h"
#include "runtime/pipeline/herder.h"
#include "runtime/pipeline/worker.h"
#include "runtime/rest/rest_server.h"

namespace kc::cli {
namespace {

using namespace std::chrono_literals;

auto& logger() {
  static auto& log = kc::log::get("kc.managed");
  return log;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Where the configuration comes from: the API when configured, the directory otherwise (and
// whenever the API has nothing to offer).
class Source {
 public:
  explicit Source(std::string dir) : dir_(std::move(dir)) {}

  // Connects when KC_CONFIGMAP and KC_POD_NAMESPACE are set and a configuration is found.
  void connect(const std::string& ns, const std::string& configmap) {
    if (ns.empty() || configmap.empty()) {
      logger().info("KC_POD_NAMESPACE or KC_CONFIGMAP unset: reading the mounted files",
                    {{"dir", dir_}});
      return;
    }
    auto config = kube::load_config();
    if (!config) {
      logger().warn("no Kubernetes API configuration: reading the mounted files",
                    {{"dir", dir_}, {"error", config.error().message()}});
      return;
    }
    auto client = kube::Client::create(*config);
    if (!client) {
      logger().warn("Kubernetes API client refused its configuration: reading the mounted files",
                    {{"dir", dir_}, {"error", client.error().message()}});
      return;
    }
    client_ = std::shared_ptr<kube::Client>(std::move(*client));
    configmap_ = std::make_unique<managed::ConfigMapSource>(*client_, ns, configmap);
    if (!configmap_->wait_until_ready(5s)) {
      logger().warn("the Kubernetes API did not answer yet: starting from the mounted files",
                    {{"configmap", configmap}});
    }
  }

  std::shared_ptr<kube::Client> client() const { return client_; }

  std::optional<managed::ConfigSnapshot> current() const {
    if (configmap_) {
      if (auto snapshot = configmap_->current()) return snapshot;
    }
    return managed::read_config_dir(dir_);
  }

 private:
  std::string dir_;
  std::shared_ptr<kube::Client> client_;
  std::unique_ptr<managed::ConfigMapSource> configmap_;
};

// connectors.json, applied to the Reconciler whenever its text changes.
class Applier {
 public:
  explicit Applier(managed::Reconciler& reconciler) : reconciler_(reconciler) {}

  void apply(const managed::ConfigSnapshot& snapshot) {
    if (applied_ && *applied_ == snapshot.connectors_json) return;
    applied_ = snapshot.connectors_json;
    auto desired = snapshot.connectors_json.empty()
                       ? Result<managed::DesiredState>(managed::DesiredState{})
                       : managed::parse_connectors_json(snapshot.connectors_json);
    if (!desired) {
      logger().error("connectors.json refused; keeping the connectors as they are",
                     {{"source", snapshot.origin}, {"error", desired.error().message()}});
      return;
    }
    logger().info("applying connectors.json", {{"source", snapshot.origin},
                                               {"connectors", desired->connectors.size()},
                                               {"workers", desired->workers}});
    reconciler_.apply(*desired);
  }

 private:
  managed::Reconciler& reconciler_;
  std::optional<std::string> applied_;
};

}  // namespace

int run_managed(const ManagedOptions& options) {
  const std::string pod = env("KC_POD_NAME");
  const std::string ns = env("KC_POD_NAMESPACE");
  Source source(options.config_dir);
  source.connect(ns, env("KC_CONFIGMAP"));
  auto snapshot = source.current();
  if (!snapshot) {
    std::cerr << fmt::format(
        "error: no configuration: {}/worker.properties cannot be read and no ConfigMap was "
        "found through the Kubernetes API\n",
        options.config_dir);
    return 1;
  }

  // The worker configuration is fixed for the life of the process.
  auto raw_worker = config::parse_properties(snapshot->worker_properties);
  if (!raw_worker) {
    std::cerr << fmt::format("error: {} worker.properties: {}\n", snapshot->origin,
                             raw_worker.error().message());
    return 1;
  }
  std::vector<api::ConfigIssue> issues;
  auto worker_config = config::parse_worker_config(*raw_worker, issues);
  if (print_issues(std::cerr, snapshot->origin + " worker.properties", issues) > 0) {
    std::cerr << "refusing to start: worker.properties has errors\n";
    return 1;
  }
  if (!worker_config.rest_read_only) logger().info("rest.read.only forced to true in managed mode");
  worker_config.rest_read_only = true;
  if (!options.listeners.empty()) worker_config.listeners = strings::split_list(options.listeners);
  worker_config.state_file.clear();
  worker_config.providers.add("secret", managed::secret_lookup(source.client(), ns));
  worker_config.providers.bind_kubernetes(managed::strimzi_secret_lookup(source.client(), ns),
                                          managed::strimzi_config_map_lookup(source.client(), ns));
  const std::string started_worker_properties = snapshot->worker_properties;

  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  const std::string worker_host = pod.empty() ? std::string(host) : pod;
  // Static membership from the pod name: a rollover (renewed certificates, force-commit) gets
  // the task's partitions back without a rebalance on brokers with KIP-345; stops still leave.
  pipeline::Worker worker({.worker_id = worker_host + ":8083",
                           .flush_interval = worker_config.offset_flush_interval,
                           .flush_timeout = worker_config.offset_flush_timeout,
                           .static_member_prefix = pod});
  pipeline::Herder herder({.worker = worker_config}, worker);
  rest::RestApi api(herder, registry::builtin(), metrics::default_registry(),
                    rest_settings(worker_config));  // read-only: forced above
  auto rest_server = rest::RestServer::start(worker_config.listeners, api);
  if (!rest_server) {
    std::cerr << "error: " << rest_server.error().message() << "\n";
    return 1;
  }
  if (auto ports = (*rest_server)->ports(); !ports.empty())
    worker.set_worker_id(fmt::format("{}:{}", worker_host, ports[0]));
  if (auto st = herder.start({}); !st) {
    std::cerr << "error: " << st.error().message() << "\n";
    return 1;
  }
  logger().info("managed worker started",
                {{"source", snapshot->origin}, {"worker_id", worker.worker_id()}});

  managed::Reconciler reconciler(herder);
  Applier applier(reconciler);
  applier.apply(*snapshot);
  std::string reported_worker_properties = started_worker_properties;
  while (true) {
    if (auto sig = wait_for_signal(500ms)) {
      logger().info("shutting down", {{"signal", *sig}});
      break;
    }
    auto now = source.current();
    if (!now) continue;
    if (now->worker_properties != reported_worker_properties) {
      reported_worker_properties = now->worker_properties;
      if (now->worker_properties != started_worker_properties) {
        logger().warn(
            "worker.properties changed: worker-level settings apply only when the pod restarts "
            "(the operator rolls the pods); running on with the configuration it started with",
            {{"source", now->origin}});
      }
    }
    applier.apply(*now);
  }
  (*rest_server)->stop();
  herder.stop();
  return 0;
}

}  // namespace kc::cli
