// kconnect-operator: reconciles KafkaConnectCluster and KafkaConnector objects into running
// kconnect workers (operator/README.md, docs/operator.md).
//
//   kconnect-operator [--kubeconfig FILE] [--namespaces a,b] [--probe-address 0.0.0.0:8081] ...
//   kconnect-operator rack-init --node NODE --topology-key KEY --output FILE
//
// In a pod it uses the service account (in-cluster config); outside, $KUBECONFIG or
// --kubeconfig like any controller. Serves /healthz, /readyz and /metrics on --probe-address.
// SIGTERM/SIGINT: controllers stop, the Lease is released, exit 0. A lost Lease exits 1.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/http/server.h"
#include "libs/kube/client/config.h"
#include "libs/metrics/registry.h"
#include "operator/controllers/operator.h"
#include "operator/controllers/rack_init.h"
#include "operator/model/names.h"

namespace {

using namespace std::chrono_literals;
namespace ctl = kc::operator_controllers;

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

kc::Result<std::unique_ptr<kc::kube::Client>> make_client(const std::string& kubeconfig,
                                                          const std::string& context,
                                                          std::string& default_ns) {
  kc::kube::KubeconfigOptions options{.path = kubeconfig, .context = context};
  KC_ASSIGN_OR_RETURN(auto config, kc::kube::load_config(options));
  default_ns = config.ns;
  return kc::kube::Client::create(config,
                                  {.field_manager = std::string(kc::operator_model::kFieldManager),
                                   .user_agent = "kconnect-operator"});
}

std::string default_identity() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return env_or("KC_POD_NAME", std::string(host) + "_" + std::to_string(getpid()));
}

int run_operator(const std::string& kubeconfig, const std::string& context,
                 ctl::OperatorOptions options, ctl::ElectionOptions election,
                 const std::string& probe_address, sigset_t signals) {
  auto& log = kc::log::get("kc.operator");
  std::string default_ns;
  auto client = make_client(kubeconfig, context, default_ns);
  if (!client) {
    log.error("cannot reach the Kubernetes API", {{"error", client.error().to_string()}});
    return 1;
  }
  if (election.lease.ns.empty()) election.lease.ns = env_or("KC_POD_NAMESPACE", default_ns);
  auto& registry = kc::metrics::default_registry();
  ctl::Probe probe(registry);
  auto op = ctl::Operator::create(**client, std::move(options), election, probe);
  if (!op) {
    log.error("cannot start", {{"error", op.error().to_string()}});
    return 1;
  }
  ctl::Operator* self = op->get();
  kc::http::Router router;
  router.add(kc::http::Method::kGet, "/healthz",
             [](const kc::http::Request&) { return kc::http::Response::text(200, "ok\n"); });
  router.add(kc::http::Method::kGet, "/readyz", [self](const kc::http::Request&) {
    return self->ready() ? kc::http::Response::text(200, "ok\n")
                         : kc::http::Response::text(503, "caches not synced\n");
  });
  router.add(kc::http::Method::kGet, "/metrics", [self, &registry](const kc::http::Request&) {
    self->update_gauges();
    auto r = kc::http::Response::text(200, registry.expose());
    r.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });
  auto colon = probe_address.rfind(':');
  kc::http::ServerOptions server_options;
  server_options.name = "probes";
  server_options.address = colon == std::string::npos ? "0.0.0.0" : probe_address.substr(0, colon);
  if (server_options.address.empty()) server_options.address = "0.0.0.0";
  server_options.port =
      kc::strings::parse_int<uint16_t>(colon == std::string::npos ? probe_address
                                                                  : probe_address.substr(colon + 1))
          .value_or(8081);
  auto server = kc::http::Server::start(server_options, std::move(router));
  if (!server) {
    log.error("cannot serve probes",
              {{"address", probe_address}, {"error", server.error().to_string()}});
    return 1;
  }
  std::printf("probes listening on %s:%u\n", server_options.address.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  std::stop_source stop;
  std::atomic<bool> done{false};
  std::thread signal_thread([&] {
    timespec tick{0, 200'000'000};
    while (!done.load()) {
      int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) {
        log.info("signal received: stopping", {{"signal", sig}});
        stop.request_stop();
        return;
      }
    }
  });
  bool clean = (*op)->run(stop.get_token());
  done = true;
  stop.request_stop();
  signal_thread.join();
  (*server)->stop();
  op->reset();
  log.info("stopped", {{"clean", clean}});
  return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kconnect-operator: runs Kafka sink connectors on Kubernetes"};
  app.require_subcommand(0, 1);
  std::string kubeconfig, context, namespaces = env_or("KC_WATCH_NAMESPACES", "");
  std::string probe_address = env_or("KC_PROBE_ADDRESS", "0.0.0.0:8081");
  std::string log_level = env_or("KC_LOG_LEVEL", "INFO"),
              log_format = env_or("KC_LOG_FORMAT", "json");
  ctl::OperatorOptions options;
  options.model.runtime_image = env_or("KC_RUNTIME_IMAGE", options.model.runtime_image);
  options.model.operator_image = env_or("KC_OPERATOR_IMAGE", options.model.operator_image);
  ctl::ElectionOptions election;
  election.lease.name = "kconnect-operator";
  election.lease.identity = default_identity();
  bool leader_elect = env_or("KC_LEADER_ELECT", "true") != "false";
  int64_t status_seconds = 30, status_not_ready_seconds = 5, resync_seconds = 600,
          lease_seconds = 15, renew_seconds = 10, retry_seconds = 2;
  app.add_option("--kubeconfig", kubeconfig,
                 "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)");
  app.add_option("--context", context, "kubeconfig context");
  app.add_option("--namespaces", namespaces,
                 "comma-separated namespaces to watch (default: all; env KC_WATCH_NAMESPACES)");
  app.add_option("--probe-address", probe_address, "host:port of /healthz, /readyz, /metrics");
  app.add_option("--leader-elect", leader_elect, "campaign for the Lease before reconciling");
  app.add_option("--lease-name", election.lease.name, "leader election Lease name");
  app.add_option("--lease-namespace", election.lease.ns,
                 "Lease namespace (default: the pod's or the kubeconfig's)");
  app.add_option("--identity", election.lease.identity,
                 "leader election identity (default: pod name)");
  app.add_option("--lease-duration-seconds", lease_seconds, "Lease duration");
  app.add_option("--renew-deadline-seconds", renew_seconds, "how long a leader retries renewing");
  app.add_option("--retry-period-seconds", retry_seconds, "Lease renew / campaign period");
  app.add_option("--runtime-image", options.model.runtime_image,
                 "worker image when spec.image is empty (env KC_RUNTIME_IMAGE)");
  app.add_option("--operator-image", options.model.operator_image,
                 "image of the rack init container (env KC_OPERATOR_IMAGE)");
  app.add_option("--rack-cluster-role", options.model.rack_cluster_role,
                 "ClusterRole bound to workers of clusters with spec.rack");
  app.add_option("--cluster-workers", options.cluster_workers, "concurrent cluster reconciles");
  app.add_option("--connector-workers", options.connector_workers,
                 "concurrent connector reconciles");
  app.add_option("--status-interval-seconds", status_seconds,
                 "how often Ready connectors' task status is read");
  app.add_option("--status-interval-not-ready-seconds", status_not_ready_seconds,
                 "how often the task status of connectors that are not Ready is read");
  app.add_option("--resync-seconds", resync_seconds, "full resync period");
  app.add_option("--log-level", log_level, "TRACE, DEBUG, INFO, WARN, ERROR (env KC_LOG_LEVEL)");
  app.add_option("--log-format", log_format, "json or text (env KC_LOG_FORMAT)");

  auto* rack =
      app.add_subcommand("rack-init", "init container: write client.rack from the node's label");
  std::string node = env_or("KC_NODE_NAME", ""), topology_key = "topology.kubernetes.io/zone",
              output = "/etc/kconnect/rack/rack.properties";
  rack->add_option("--node", node, "node name (env KC_NODE_NAME)");
  rack->add_option("--topology-key", topology_key, "node label holding the rack");
  rack->add_option("--output", output, "properties file to write");
  rack->add_option("--kubeconfig", kubeconfig, "kubeconfig (default: in-cluster)");
  auto* version = app.add_subcommand("version", "print the version");
  CLI11_PARSE(app, argc, argv);

  if (auto level = kc::log::parse_level(log_level)) kc::log::set_level("root", *level);
  kc::log::set_format(log_format == "text" ? kc::log::Format::kText : kc::log::Format::kJson);
  if (version->parsed()) {
    std::printf("kconnect-operator 0.1.0\n");
    return 0;
  }
  if (rack->parsed()) {
    std::string ns;
    auto client = make_client(kubeconfig, "", ns);
    auto status = client ? ctl::rack_init(**client, node, topology_key, output)
                         : kc::Status(tl::unexpected(client.error()));
    if (!status) {
      std::fprintf(stderr, "kconnect-operator rack-init: %s\n", status.error().to_string().c_str());
      return 1;
    }
    return 0;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  options.namespaces = kc::strings::split_list(namespaces);
  options.status_interval = std::chrono::seconds(status_seconds);
  options.status_interval_not_ready = std::chrono::seconds(status_not_ready_seconds);
  options.resync = std::chrono::seconds(resync_seconds);
  election.enabled = leader_elect;
  election.lease.lease_duration = std::chrono::seconds(lease_seconds);
  election.lease.renew_deadline = std::chrono::seconds(renew_seconds);
  election.lease.retry_period = std::chrono::seconds(retry_seconds);
  return run_operator(kubeconfig, context, std::move(options), std::move(election), probe_address,
                      signals);
}
