// Certificate rollover pause (docs/decisions/0003-certificate-rollover.md), in one process:
// librdkafka's mock cluster behind the Kafka edge with mutual TLS, a Worker running a file-sink
// connector whose client certificate lives in a simulated Kubernetes Secret volume, a producer
// writing continuously (1 record/ms, sequence numbers as values).
//
//   bench-rollover [--rotations N] [--session-ms MS] [--debounce-ms MS]
//
// Rollover: N renewals, alternating client CAs A -> B -> A ... For each: the edge accepts both
// CAs, the volume is published with a certificate from the next CA (t0 = just before the
// `..data` rename), the task rolls over by itself (watcher -> request_rollover), then the edge
// accepts only the new CA and drops every connection. Pause = the runtime's own figure (from
// the watcher's first file event to the first record of the new consumer; the harness checks it
// against t0), with the group-join part (subscribe -> assignment) reported separately.
//
// Baselines, same run:
// - connector stop+start: N times the connector is stopped (flush, commit, leave the group), the
//   new files are published and the connector is started again (check_material, new task, join):
//   pause = first record written by the new task - the moment the stop was requested.
// - process restart (what users do today, the issue's baseline): the same connector runs in a
//   `kconnect-runtime standalone` child process. N times: the new files are published (t0), the
//   process gets SIGTERM (flush, commit, leave the group, exit), and a new process is started
//   with the same files: pause = the new process's first record written
//   (kconnect_task_records_written_total > 0 on its /metrics) - t0. A pod restart adds
//   scheduling, image and container start-up on top of this; none of that is counted.
//
// At the end, every sequence number must be in the file sink's output exactly once (the child
// processes append to the same file).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <signal.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/http/client.h"
#include "runtime/config/connector_config.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/producer.h"
#include "runtime/pipeline/worker.h"
#include "tests/fakes/kafka_edge/kafka_edge.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"
#include "tests/support/secret_volume.h"
#include "tests/support/test_certs.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace edge = kc::fakes::kafka_edge;

struct Options {
  int rotations = 20;
  int session_ms = 3000;
  int debounce_ms = 50;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto idx = static_cast<size_t>(std::lround(p * static_cast<double>(v.size() - 1)));
  return v[std::min(idx, v.size() - 1)];
}

template <class F>
bool wait_until(F&& f, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return f();
}

// Sum of kconnect_task_records_written_total on a runtime's Prometheus endpoint; 0 when it does
// not answer yet.
double records_written(kc::http::Client& client) {
  auto r = client.request(kc::http::Method::kGet, "/metrics");
  if (!r || r->status != 200) return 0;
  double total = 0;
  for (auto line : kc::strings::split(r->body, '\n')) {
    if (!line.starts_with("kconnect_task_records_written_total")) continue;
    auto space = line.rfind(' ');
    if (space != std::string_view::npos)
      total += std::atof(std::string(line.substr(space + 1)).c_str());
  }
  return total;
}

// `key=value` lines (the values here need no escaping: names, numbers, paths, URLs).
std::string properties_text(const kc::api::RawConfig& config) {
  std::string out;
  for (const auto& [k, v] : config) out.append(k).append("=").append(v).append("\n");
  return out;
}

// One `kconnect-runtime standalone` child: started, then waited for until it writes a record.
class RuntimeProcess {
 public:
  RuntimeProcess(const std::vector<std::string>& files, const std::string& log)
      : process_(
            [&] {
              std::vector<std::string> argv = {kc::testing::built_program("kconnect-runtime"),
                                               "standalone"};
              argv.insert(argv.end(), files.begin(), files.end());
              return argv;
            }(),
            log) {}

  // Until the first record is written; false on timeout or exit.
  bool wait_first_record(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline && process_.running()) {
      if (!client_) {
        if (auto port = kc::testing::logged_rest_port(process_)) {
          auto c =
              kc::http::Client::create({.base_url = fmt::format("http://127.0.0.1:{}", *port)});
          if (c) client_ = std::move(*c);
        }
      } else if (records_written(*client_) > 0) {
        return true;
      }
      std::this_thread::sleep_for(2ms);
    }
    std::cerr << process_.err();
    return false;
  }

  bool stop() {
    client_.reset();
    process_.signal(SIGTERM);
    auto status = process_.wait(60s);
    if (status != 0) std::cerr << "runtime exit " << status.value_or(-1) << "\n" << process_.err();
    return status == 0;
  }

 private:
  kc::testing::Process process_;
  std::unique_ptr<kc::http::Client> client_;
};

int run(const Options& o) {
  kc::log::set_level("root", kc::log::Level::kWarn);
  auto cluster = kc::kafka::EmbeddedCluster::start(1);
  if (!cluster) return 1;
  const std::string topic = "rollover-bench";
  if (!(*cluster)->create_topic(topic, 2)) return 1;
  auto server_ca = kc::testing::TestCa::create("bench-server-ca");
  auto server = server_ca.issue({.common_name = "broker", .ip_sans = {"127.0.0.1"}});
  std::vector<kc::testing::TestCa> cas = {kc::testing::TestCa::create("bench-ca-a"),
                                          kc::testing::TestCa::create("bench-ca-b")};
  auto tls_for = [&](const std::string& client_cas) {
    edge::TlsMaterial m;
    m.cert_pem = server.cert_pem;
    m.key_pem = server.key_pem;
    m.client_ca_pem = client_cas;
    m.require_client_cert = true;
    return m;
  };
  edge::Options eo;
  eo.upstream = (*cluster)->bootstrap_servers();
  eo.tls = tls_for(cas[0].cert_pem());
  auto front = edge::KafkaEdge::start(std::move(eo));
  if (!front) {
    std::cerr << front.error().message() << "\n";
    return 1;
  }

  kc::testing::TempDir dir;
  kc::testing::SecretVolume secret(dir.file("volume"));
  int generation = 0;
  auto publish = [&](const kc::testing::TestCa& ca) {
    auto client =
        ca.issue({.common_name = fmt::format("orders-{}", generation++), .server_auth = false});
    secret.publish({{"ca.crt", server_ca.cert_pem()},
                    {"tls.crt", client.cert_pem},
                    {"tls.key", client.key_pem}});
  };
  publish(cas[0]);

  // One worker and one connector configuration for the in-process phases and the child processes.
  const kc::api::RawConfig worker_raw = {
      {"bootstrap.servers", (*front)->bootstrap_servers()},
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"consumer.session.timeout.ms", std::to_string(o.session_ms)},
      {"consumer.heartbeat.interval.ms", "500"},
      {"consumer.reconnect.backoff.ms", "50"},
      {"consumer.reconnect.backoff.max.ms", "500"}};
  const kc::api::RawConfig connector_raw = {
      {"name", "bench"},
      {"connector.class", "file"},
      {"topics", topic},
      {"file", dir.file("out.txt")},
      {"consumer.override.security.protocol", "SSL"},
      {"consumer.override.ssl.truststore.type", "PEM"},
      {"consumer.override.ssl.truststore.location", dir.file("volume/ca.crt")},
      {"consumer.override.ssl.certificate.location", dir.file("volume/tls.crt")},
      {"consumer.override.ssl.key.location", dir.file("volume/tls.key")}};
  std::vector<kc::api::ConfigIssue> issues;
  auto worker_config = kc::config::parse_worker_config(worker_raw, issues);
  auto validated = kc::config::validate_connector(worker_config, connector_raw);
  if (!validated.ok()) {
    for (const auto& i : validated.issues) std::cerr << i.to_string() << "\n";
    return 1;
  }
  auto config = std::make_shared<const kc::config::ConnectorConfig>(std::move(*validated.config));
  kc::pipeline::Worker worker({.worker_id = "bench",
                               .flush_interval = 1000ms,
                               .material_debounce = std::chrono::milliseconds(o.debounce_ms)});
  if (!worker.add_connector(config)) return 1;
  auto task = [&] {
    auto st = worker.status("bench");
    return st && !st->tasks.empty() ? st->tasks[0] : kc::pipeline::TaskStatus{};
  };

  std::atomic<bool> producing{true};
  std::atomic<int> produced{0};
  std::thread producer([&] {
    auto p = kc::kafka::Producer::create(
        {{"bootstrap.servers", (*cluster)->bootstrap_servers()}, {"linger.ms", "1"}});
    if (!p) return;
    for (int i = 0; producing.load(); ++i) {
      if (!(*p)->produce(topic, i % 2, std::nullopt, std::to_string(i))) break;
      produced.store(i + 1);
      std::this_thread::sleep_for(1ms);
    }
    (void)(*p)->flush(10s);
  });
  if (!wait_until([&] { return task.operator()().records_written > 0; }, 60s)) return 1;

  std::vector<double> pauses, joins, harness;
  size_t current = 0;
  for (int r = 0; r < o.rotations; ++r) {
    size_t next = 1 - current;
    (void)(*front)->swap_tls(tls_for(cas[current].cert_pem() + cas[next].cert_pem()));
    auto resumed = task().rollovers_resumed;
    auto t0 = Clock::now();
    publish(cas[next]);
    if (!wait_until([&] { return task().rollovers_resumed > resumed; }, 60s)) {
      std::cerr << "rotation " << r << ": no rollover: " << task().rollover_error << "\n";
      return 1;
    }
    auto t = task();
    harness.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    pauses.push_back(t.last_rollover_pause_seconds);
    joins.push_back(t.last_rollover_join_seconds);
    (void)(*front)->swap_tls(tls_for(cas[next].cert_pem()), edge::DropConnections::kYes);
    current = next;
  }

  std::vector<double> restarts;
  for (int r = 0; r < o.rotations; ++r) {
    size_t next = 1 - current;
    (void)(*front)->swap_tls(tls_for(cas[current].cert_pem() + cas[next].cert_pem()));
    auto t0 = Clock::now();
    (void)worker.remove_connector("bench");
    publish(cas[next]);
    if (!worker.add_connector(config)) return 1;
    if (!wait_until([&] { return task().records_written > 0; }, 60s)) return 1;
    restarts.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    (void)(*front)->swap_tls(tls_for(cas[next].cert_pem()), edge::DropConnections::kYes);
    current = next;
  }

  // The same connector in a child process, restarted with the new files each time.
  (void)worker.remove_connector("bench");
  // The child's REST API on any free port (its /metrics tells when it writes); the in-process
  // worker's flush interval (WorkerContext above) as offset.flush.interval.ms.
  auto child_worker = worker_raw;
  child_worker["listeners"] = "http://127.0.0.1:0";
  child_worker["offset.flush.interval.ms"] = "1000";
  kc::testing::write_text(dir.file("worker.properties"), properties_text(child_worker));
  kc::testing::write_text(dir.file("bench.properties"), properties_text(connector_raw));
  const std::vector<std::string> files = {dir.file("worker.properties"),
                                          dir.file("bench.properties")};
  int started = 0;
  auto child =
      std::make_unique<RuntimeProcess>(files, dir.file(fmt::format("runtime-{}", started++)));
  if (!child->wait_first_record(60s)) return 1;
  std::vector<double> process_restarts;
  for (int r = 0; r < o.rotations; ++r) {
    size_t next = 1 - current;
    (void)(*front)->swap_tls(tls_for(cas[current].cert_pem() + cas[next].cert_pem()));
    auto t0 = Clock::now();
    publish(cas[next]);
    if (!child->stop()) return 1;
    child = std::make_unique<RuntimeProcess>(files, dir.file(fmt::format("runtime-{}", started++)));
    if (!child->wait_first_record(60s)) return 1;
    process_restarts.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    (void)(*front)->swap_tls(tls_for(cas[next].cert_pem()), edge::DropConnections::kYes);
    current = next;
  }

  producing.store(false);
  producer.join();
  int total = produced.load();
  wait_until(
      [&] {
        int64_t committed = 0;
        for (const auto& [p, off] : kc::testing::committed_offsets((*cluster)->bootstrap_servers(),
                                                                   "connect-bench", topic, 2))
          committed += off > 0 ? off : 0;
        return committed >= total;
      },
      60s);
  if (!child->stop()) return 1;
  worker.stop();
  std::map<int, int> seen;
  for (const auto& line : kc::testing::read_lines(dir.file("out.txt"))) {
    if (auto n = kc::strings::parse_int<int>(line)) ++seen[*n];
  }
  int lost = 0, duplicated = 0;
  for (int i = 0; i < total; ++i) {
    auto it = seen.find(i);
    if (it == seen.end()) {
      ++lost;
    } else {
      duplicated += it->second - 1;
    }
  }
  auto ms = [](double s) { return s * 1000; };
  std::vector<double> own;
  for (size_t i = 0; i < pauses.size(); ++i) own.push_back(pauses[i] - joins[i]);
  std::cout << fmt::format(
      "rotations={} session.timeout.ms={} debounce_ms={} records={} lost={} duplicated={}\n"
      "rollover pause (runtime)  p50={:.0f} ms p99={:.0f} ms\n"
      "  of which group join     p50={:.0f} ms p99={:.0f} ms\n"
      "  rollover's own work     p50={:.0f} ms p99={:.0f} ms (debounce, flush+commit, create, "
      "pre-flight, close, first fetch)\n"
      "rollover pause (harness, t0=publish) p50={:.0f} ms p99={:.0f} ms\n"
      "connector stop+start      p50={:.0f} ms p99={:.0f} ms\n"
      "process restart (SIGTERM, start, first record) p50={:.0f} ms p99={:.0f} ms\n"
      "ratio process restart / rollover: p50 {:.2f}, p99 {:.2f}\n"
      "ratio stop+start / rollover (p50) = {:.2f}\n",
      o.rotations, o.session_ms, o.debounce_ms, total, lost, duplicated, ms(percentile(pauses, .5)),
      ms(percentile(pauses, .99)), ms(percentile(joins, .5)), ms(percentile(joins, .99)),
      ms(percentile(own, .5)), ms(percentile(own, .99)), ms(percentile(harness, .5)),
      ms(percentile(harness, .99)), ms(percentile(restarts, .5)), ms(percentile(restarts, .99)),
      ms(percentile(process_restarts, .5)), ms(percentile(process_restarts, .99)),
      percentile(process_restarts, .5) / std::max(1e-9, percentile(pauses, .5)),
      percentile(process_restarts, .99) / std::max(1e-9, percentile(pauses, .99)),
      percentile(restarts, .5) / std::max(1e-9, percentile(pauses, .5)));
  return lost == 0 && duplicated == 0 ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--rotations") {
      o.rotations = value;
    } else if (flag == "--session-ms") {
      o.session_ms = value;
    } else if (flag == "--debounce-ms") {
      o.debounce_ms = value;
    } else {
      std::cerr << "usage: bench-rollover [--rotations N] [--session-ms MS] [--debounce-ms MS]\n";
      return 64;
    }
  }
  return run(o);
}
