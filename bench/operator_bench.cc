// kconnect-operator at scale: N KafkaConnectClusters with M KafkaConnectors each, created at once.
//
//   build/bin/kc-operator-bench [--clusters 100] [--connectors 10] [--namespaces 10] [--idle 30]
//
// The test API server runs in this process; the operator (build/bin/kconnect-operator) is a child
// process, so its CPU and memory are measured alone. Reports:
//  - time from the first create until every object has current status (status.observedGeneration
//    equal to metadata.generation, with a Ready condition) — the clusters have no pods here, so
//    clusters converge to Reconciling and connectors to NoReadyWorkers;
//  - the operator's peak RSS (VmHWM) and RSS after convergence;
//  - its CPU while converging and idle afterwards (--idle seconds, from /proc/<pid>/stat);
//  - the API requests it sent, per object and by verb (the server's request log minus the
//    benchmark's own creates).
// Prints a Markdown table.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/kube/client/client.h"
#include "libs/yaml/yaml.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace kube = kc::kube;

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return 0;
}

bool current(const std::optional<kube::Object>& obj) {
  if (!obj) return false;
  const auto* status = kube::find_path(*obj, "status");
  if (status == nullptr || !status->is_object()) return false;
  if (status->value("observedGeneration", int64_t{0}) != kube::generation_of(*obj)) return false;
  // Settled: not the transient "Creating" (cluster, no Deployment seen yet) or "Applying"
  // (connector, not yet in the ConfigMap) of the first round.
  const auto* ready = kube::find_condition(kube::conditions_of(*obj), "Ready");
  return ready != nullptr && ready->reason != "Creating" && ready->reason != "Applying";
}

// "PATCH status kafkaconnectors" from "PATCH /apis/.../kafkaconnectors/x/status ...".
std::string request_kind(const std::string& line) {
  std::string verb = line.substr(0, line.find(' '));
  std::string path = line.substr(line.find(' ') + 1);
  path = path.substr(0, path.find_first_of("? "));
  std::vector<std::string> parts;
  for (size_t pos = 0, next; pos < path.size(); pos = next + 1) {
    next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) parts.push_back(path.substr(pos, next - pos));
  }
  std::string resource;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "namespaces" && i + 2 < parts.size()) resource = parts[i + 2];
  }
  if (resource.empty() && parts.size() >= 3) resource = parts[parts.size() - 1];
  bool status = !parts.empty() && parts.back() == "status";
  return verb + (status ? " status " : " ") + resource;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kconnect-operator benchmark"};
  int clusters = 100, per_cluster = 10, namespaces = 10, idle = 30, writers = 8;
  app.add_option("--clusters", clusters);
  app.add_option("--connectors", per_cluster, "connectors per cluster");
  app.add_option("--namespaces", namespaces);
  app.add_option("--idle", idle, "seconds of idle CPU measurement after convergence");
  app.add_option("--writers", writers, "threads creating objects");
  CLI11_PARSE(app, argc, argv);
  kc::log::set_level("root", kc::log::Level::kWarn);

  kc::fakes::kube::FakeApiServerOptions server_options;
  server_options.history_limit = 200'000;
  auto api = kc::fakes::kube::FakeApiServer::start(server_options);
  if (!api) return 1;
  kc::testing::TempDir dir;
  kc::testing::write_text(dir.file("kubeconfig"), (*api)->kubeconfig());
  kube::Config config;
  config.server = (*api)->url();
  auto client = kube::Client::create(config, {.field_manager = "bench"});
  if (!client) return 1;
  for (const char* file :
       {"kafkaconnectclusters.kconnect.dev.yaml", "kafkaconnectors.kconnect.dev.yaml"}) {
    auto crd = kc::yaml::to_json(
        kc::testing::read_text(kc::testing::source_path(std::string("crds/") + file)));
    if (!crd || !(*client)->apply(kube::resources::custom_resource_definitions(), *crd)) return 1;
  }
  for (int n = 0; n < namespaces; ++n) {
    (void)(*client)->create(kube::resources::namespaces(),
                            {{"apiVersion", "v1"},
                             {"kind", "Namespace"},
                             {"metadata", {{"name", fmt::format("team-{}", n)}}}});
  }

  kc::testing::Process op(
      {kc::testing::built_program("kconnect-operator"), "--kubeconfig", dir.file("kubeconfig"),
       "--probe-address", "127.0.0.1:0", "--lease-namespace", "default", "--log-level", "WARN"},
      dir.file("operator"));
  if (!op.wait_for_output("probes listening", 20s)) {
    std::fprintf(stderr, "operator did not start:\n%s\n", op.output().c_str());
    return 1;
  }
  std::this_thread::sleep_for(2s);  // caches synced, lease taken
  size_t requests_before = (*api)->request_log().size();
  double cpu_before = cpu_seconds(op.pid());
  long rss_empty = status_kib(op.pid(), "VmRSS");

  struct Item {
    bool cluster;
    std::string ns, name;
  };
  std::vector<Item> items;
  for (int c = 0; c < clusters; ++c) {
    std::string ns = fmt::format("team-{}", c % namespaces), name = fmt::format("cluster-{}", c);
    items.push_back({true, ns, name});
    for (int k = 0; k < per_cluster; ++k)
      items.push_back({false, ns, fmt::format("{}-sink-{}", name, k)});
  }
  auto start = Clock::now();
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(writers));
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < items.size(); i = next++) {
        const auto& it = items[i];
        kube::Object obj;
        if (it.cluster) {
          obj = {{"apiVersion", "kconnect.dev/v1alpha1"},
                 {"kind", "KafkaConnectCluster"},
                 {"metadata", {{"name", it.name}, {"namespace", it.ns}}},
                 {"spec", {{"replicas", 2}, {"bootstrapServers", "kafka.kafka:9092"}}}};
        } else {
          std::string cluster = it.name.substr(0, it.name.find("-sink-"));
          obj = {{"apiVersion", "kconnect.dev/v1alpha1"},
                 {"kind", "KafkaConnector"},
                 {"metadata", {{"name", it.name}, {"namespace", it.ns}}},
                 {"spec",
                  {{"clusterRef", {{"name", cluster}}},
                   {"class", "file"},
                   {"tasksMax", 2},
                   {"topics", {"orders"}},
                   {"config", {{"file", "/tmp/" + it.name}}}}}};
        }
        auto created = (*client)->create(it.cluster ? kc::operator_api::kafka_connect_clusters()
                                                    : kc::operator_api::kafka_connectors(),
                                         obj);
        if (!created) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto created_at = Clock::now();
  // Converged when every object has current status.
  size_t pending = items.size();
  while (pending > 0 && Clock::now() - start < 300s) {
    pending = 0;
    for (const auto& it : items) {
      auto obj =
          (*api)->get("kconnect.dev/v1alpha1",
                      it.cluster ? "kafkaconnectclusters" : "kafkaconnectors", it.ns, it.name);
      if (!current(obj)) ++pending;
    }
    if (pending > 0) std::this_thread::sleep_for(100ms);
  }
  auto converged = Clock::now();
  double cpu_converged = cpu_seconds(op.pid());
  long rss_converged = status_kib(op.pid(), "VmRSS");
  auto log_converged = (*api)->request_log();
  std::this_thread::sleep_for(5s);
  double idle_start = cpu_seconds(op.pid());
  std::this_thread::sleep_for(std::chrono::seconds(idle));
  double idle_cpu = cpu_seconds(op.pid()) - idle_start;
  long peak = status_kib(op.pid(), "VmHWM");
  auto log_end = (*api)->request_log();
  op.signal(SIGTERM);
  op.wait(20s);

  // The operator's requests: everything after it was ready, minus our creates.
  std::map<std::string, size_t> by_verb;
  size_t total = 0;
  for (size_t i = requests_before; i < log_converged.size(); ++i) {
    const auto& line = log_converged[i];
    bool ours = line.rfind("POST /apis/kconnect.dev/", 0) == 0;
    if (ours) continue;
    std::string verb = line.substr(0, line.find(' '));
    if (line.find("watch=true") != std::string::npos)
      verb = "WATCH";
    else if (line.find("/status") != std::string::npos && verb == "PATCH")
      verb = "PATCH status";
    else if (line.find("apply-patch") != std::string::npos)
      verb = "PATCH apply";
    ++by_verb[verb];
    ++total;
  }
  size_t idle_requests = 0;
  std::map<std::string, size_t> idle_kinds;
  for (size_t i = log_converged.size(); i < log_end.size(); ++i) {
    if (log_end[i].find("watch=true") != std::string::npos) continue;
    ++idle_requests;
    ++idle_kinds[request_kind(log_end[i])];
  }
  auto secs = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  std::printf("| figure | value |\n|---|---|\n");
  std::printf("| objects created (clusters + connectors) | %zu (%d + %d), %d failed |\n",
              items.size(), clusters, clusters * per_cluster, failures.load());
  std::printf("| creating them (%d writers) | %.2f s |\n", writers, secs(created_at - start));
  std::printf("| **first create -> every object has current status** | **%.2f s**%s |\n",
              secs(converged - start), pending > 0 ? " (TIMED OUT)" : "");
  std::printf("| operator CPU while converging | %.2f s |\n", cpu_converged - cpu_before);
  std::printf("| **operator peak RSS (VmHWM)** | **%.1f MiB** |\n",
              static_cast<double>(peak) / 1024.0);
  std::printf("| operator RSS with no objects (baseline, same run) | %.1f MiB |\n",
              static_cast<double>(rss_empty) / 1024.0);
  std::printf("| operator RSS after convergence | %.1f MiB |\n",
              static_cast<double>(rss_converged) / 1024.0);
  std::printf("| **idle CPU over %d s after convergence** | **%.2f %%** (%.2f CPU s) |\n", idle,
              100.0 * idle_cpu / idle, idle_cpu);
  std::printf("| **operator API requests until converged** | %zu = **%.2f per object** |\n", total,
              static_cast<double>(total) / static_cast<double>(items.size()));
  for (const auto& [verb, n] : by_verb) std::printf("| &nbsp;&nbsp;%s | %zu |\n", verb.c_str(), n);
  std::printf("| operator requests while idle (%d s, excluding watch resumptions) | %zu |\n",
              idle + 5, idle_requests);
  for (const auto& [what, n] : idle_kinds)
    std::printf("| &nbsp;&nbsp;%s | %zu |\n", what.c_str(), n);
  return pending == 0 ? 0 : 2;
}
