// `kconnect-runtime standalone WORKER CONNECTOR...`: connect-standalone's contract. Every file is
// validated before anything starts; then the REST API listens (503 on /health until the
// connectors are started), the Herder starts the connectors in their persisted states, and the
// process runs until SIGTERM/SIGINT. With bootstrap.servers=embedded the demo cluster and its data
// generator run in-process and the command ends with a summary once everything is committed.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/signals.h"
#include "runtime/config/config_file.h"
#include "runtime/config/connector_config.h"
#include "runtime/demo/order_generator.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/pipeline/herder.h"
#include "runtime/pipeline/state_store.h"
#include "runtime/pipeline/worker.h"
#include "runtime/rest/rest_server.h"

namespace kc::cli {
namespace {

using Clock = std::chrono::steady_clock;

auto& logger() {
  static auto& log = kc::log::get("kc.runtime");
  return log;
}

// host:port, as Kafka Connect reports a worker; the port is the first listener's bound port.
std::string worker_id(uint16_t port) {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, port);
}

// Sum over all tasks of committed positions on `topic`, and of records written.
struct Progress {
  int64_t committed = 0;
  uint64_t written = 0;
  bool any_failed = false;
};

Progress progress_on(const pipeline::Worker& worker, const std::string& topic) {
  Progress p;
  for (const auto& c : worker.statuses()) {
    for (const auto& t : c.tasks) {
      p.written += t.records_written;
      p.any_failed = p.any_failed || t.state == pipeline::TaskState::kFailed;
      for (const auto& part : t.partitions) {
        if (part.partition.topic == topic && part.committed > 0) p.committed += part.committed;
      }
    }
  }
  return p;
}

// One JSON line: records given to sinks and the time from the first record to now.
void print_caught_up_summary(const std::vector<pipeline::ConnectorStatus>& statuses,
                             Clock::time_point end) {
  uint64_t records = 0;
  std::optional<Clock::time_point> first;
  for (const auto& c : statuses) {
    for (const auto& t : c.tasks) {
      records += t.records_written;
      if (t.first_record_at && (!first || *t.first_record_at < *first)) first = t.first_record_at;
    }
  }
  double seconds = first ? std::chrono::duration<double>(end - *first).count() : 0.0;
  std::cout << fmt::format(R"({{"records":{},"seconds_since_first_record":{:.3f}}})", records,
                           seconds)
            << std::endl;
}

// "Flush, commit and exit": every task flushes and commits, again with growing pauses while a
// commit fails (a group that rebalances refuses commits) or a partition that moved is not
// consumed to its end yet, for up to `timeout`. False, with the partitions left named on
// stderr, when that did not succeed in time (or a signal cut it short).
bool final_commit(pipeline::Worker& worker, std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::chrono::milliseconds pause{100};
  for (int attempt = 1;; ++attempt) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto uncommitted = worker.commit_all(
        std::clamp(left, std::chrono::milliseconds(1000), std::chrono::milliseconds(10000)));
    bool caught_up = worker.caught_up();
    if (uncommitted.empty() && caught_up) {
      if (attempt > 1) logger().info("final commit succeeded", {{"attempts", attempt}});
      return true;
    }
    std::optional<int> sig;
    if (Clock::now() < deadline) {
      logger().warn("final commit incomplete; retrying",
                    {{"attempt", attempt},
                     {"uncommitted_partitions", uncommitted.size()},
                     {"caught_up", caught_up}});
      sig = wait_for_signal(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(2000));
      if (!sig) continue;
    }
    std::string why =
        sig ? fmt::format("interrupted by signal {}", *sig)
            : fmt::format("gave up after {} s ({} attempts)", timeout.count(), attempt);
    std::cerr << "error: flush, commit and exit: " << why << "\n";
    if (!caught_up) std::cerr << "  not every assigned partition is consumed to its end\n";
    for (const auto& line : uncommitted) std::cerr << "  not committed: " << line << "\n";
    return false;
  }
}

// Where connector states persist: kconnect.state.file; else beside offset.storage.file.filename
// (the file connect-standalone keeps its state in, so its directory is writable), with the
// extension replaced by ".state.json"; else beside the worker file when that directory is
// writable; else in the working directory (a read-only configuration mount).
std::string state_file_for(const config::WorkerConfig& worker, const api::RawConfig& raw,
                           const std::string& worker_file) {
  if (!worker.state_file.empty()) return worker.state_file;
  if (auto it = raw.find("offset.storage.file.filename"); it != raw.end() && !it->second.empty())
    return pipeline::default_state_path(it->second);
  std::filesystem::path beside = pipeline::default_state_path(worker_file);
  auto dir = beside.parent_path().empty() ? std::filesystem::path(".") : beside.parent_path();
  if (access(dir.c_str(), W_OK) == 0) return beside.string();
  auto here = beside.filename().string();
  logger().info(
      "the worker file's directory is not writable: connector states persist in the "
      "working directory",
      {{"directory", dir.string()}, {"state_file", here}});
  return here;
}

}  // namespace

rest::RestSettings rest_settings(const config::WorkerConfig& worker) {
  return {.read_only = worker.rest_read_only,
          .token_file = worker.rest_token_file,
          .topic_tracking = worker.topic_tracking,
          .topic_tracking_reset = worker.topic_tracking_reset,
          .kconnect_version = KC_VERSION};
}

int run_standalone(const StandaloneOptions& options) {
  const auto& worker_file = options.worker_file;
  const auto& connector_files = options.connector_files;
  // 1. Validate everything before starting anything.
  auto raw_worker = config::load_worker_file(worker_file);
  if (!raw_worker) {
    std::cerr << "error: " << raw_worker.error().message() << "\n";
    return 1;
  }
  std::vector<api::ConfigIssue> worker_issues;
  auto worker_config = config::parse_worker_config(*raw_worker, worker_issues);
  size_t errors = print_issues(std::cerr, worker_file, worker_issues);
  std::vector<std::shared_ptr<const config::ConnectorConfig>> connectors;
  std::vector<config::ConnectorDefinition> definitions;
  std::set<std::string> names;
  for (const auto& path : connector_files) {
    auto def = config::load_connector_file(path);
    if (!def) {
      std::cerr << "error: " << def.error().message() << "\n";
      ++errors;
      continue;
    }
    auto result = config::resolve_and_validate(worker_config, def->config);
    errors += print_issues(
        std::cerr,
        fmt::format("{} (connector {})", path, def->name.empty() ? "unnamed" : def->name),
        result.issues);
    if (!result.config) continue;
    if (!names.insert(result.config->name).second) {
      std::cerr << fmt::format("{}: error: connector name {} is used twice\n", path,
                               result.config->name);
      ++errors;
      continue;
    }
    connectors.push_back(
        std::make_shared<const config::ConnectorConfig>(std::move(*result.config)));
    definitions.push_back(std::move(*def));
  }
  if (errors > 0) {
    std::cerr << fmt::format("refusing to start: {} configuration error{}\n", errors,
                             errors == 1 ? "" : "s");
    return 1;
  }

  // 2. The embedded cluster and demo generator, if asked for.
  std::unique_ptr<kafka::EmbeddedCluster> cluster;
  std::unique_ptr<demo::OrderGenerator> generator;
  std::string bootstrap_override;
  const auto& demo = worker_config.embedded_settings;
  if (worker_config.embedded) {
    auto started = kafka::EmbeddedCluster::start(1);
    if (!started) {
      std::cerr << "error: " << started.error().message() << "\n";
      return 1;
    }
    cluster = std::move(*started);
    if (auto st = cluster->create_topic(demo.topic, demo.partitions); !st) {
      std::cerr << "error: " << st.error().message() << "\n";
      return 1;
    }
    bootstrap_override = cluster->bootstrap_servers();
    logger().info("embedded Kafka cluster started", {{"bootstrap", bootstrap_override},
                                                     {"topic", demo.topic},
                                                     {"partitions", demo.partitions}});
  }

  // 3. The worker, its REST API (answering 503 on /health until the connectors are started),
  //    then the connectors, in their persisted states.
  pipeline::Worker worker({.worker_id = worker_id(8083),
                           .bootstrap_servers = bootstrap_override,
                           .flush_interval = worker_config.offset_flush_interval,
                           .flush_timeout = worker_config.offset_flush_timeout});
  auto state_file = state_file_for(worker_config, *raw_worker, worker_file);
  pipeline::Herder herder({.worker = worker_config, .state_file = state_file}, worker);
  rest::RestApi api(herder, registry::builtin(), metrics::default_registry(),
                    rest_settings(worker_config));
  auto rest_server = rest::RestServer::start(worker_config.listeners, api);
  if (!rest_server) {
    std::cerr << "error: " << rest_server.error().message() << "\n";
    return 1;
  }
  if (auto ports = (*rest_server)->ports(); !ports.empty())
    worker.set_worker_id(worker_id(ports[0]));
  if (auto st = herder.start(definitions); !st) {
    std::cerr << "error: " << st.error().message() << "\n";
    return 1;
  }
  auto started_at = Clock::now();
  if (cluster && demo.records > 0) {
    auto gen = demo::OrderGenerator::start(bootstrap_override, demo);
    if (!gen) {
      std::cerr << "error: " << gen.error().message() << "\n";
      return 1;
    }
    generator = std::move(*gen);
    std::cerr << fmt::format("demo: generating {} orders into topic '{}'{}\n", demo.records,
                             demo.topic, demo.rate > 0 ? fmt::format(" at {}/s", demo.rate) : "");
  }

  // 4. Run until a signal, or until the demo is fully written and committed.
  int exit_code = 0;
  auto tick =
      options.exit_when_caught_up ? std::chrono::milliseconds(50) : std::chrono::milliseconds(1000);
  auto last_progress = Clock::now();
  while (true) {
    if (auto sig = wait_for_signal(tick)) {
      logger().info("shutting down", {{"signal", *sig}});
      break;
    }
    if (options.exit_when_caught_up && worker.caught_up()) {
      logger().info("caught up: every assigned partition is consumed to its end");
      break;
    }
    if (!generator || Clock::now() - last_progress < std::chrono::seconds(1)) continue;
    last_progress = Clock::now();
    auto p = progress_on(worker, demo.topic);
    double secs = std::chrono::duration<double>(Clock::now() - started_at).count();
    std::cerr << fmt::format(
        "demo: produced {:>8}  written {:>8}  committed {:>8}  {:>8.0f} rec/s\n",
        generator->produced(), p.written, p.committed, static_cast<double>(p.written) / secs);
    if (generator->error()) {
      std::cerr << "demo: generator failed: " << generator->error()->message() << "\n";
      exit_code = 1;
      break;
    }
    if (p.any_failed) {
      std::cerr << "demo: a task failed; see the log above\n";
      exit_code = 1;
      break;
    }
    if (demo.exit_when_done && generator->done() && p.committed >= generator->produced()) break;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - started_at).count();
  (*rest_server)->stop();
  if (options.exit_when_caught_up && exit_code == 0 &&
      !final_commit(worker, std::chrono::seconds(options.commit_timeout_seconds))) {
    exit_code = 1;
  }
  auto final_progress = generator ? progress_on(worker, demo.topic) : Progress{};
  auto statuses = worker.statuses();
  herder.stop();
  if (options.exit_when_caught_up) print_caught_up_summary(statuses, Clock::now());
  if (generator) {
    generator->stop();
    int64_t in = generator->produced();
    std::optional<Clock::time_point> first;
    for (const auto& c : statuses) {
      for (const auto& t : c.tasks) {
        if (t.first_record_at && (!first || *t.first_record_at < *first)) first = t.first_record_at;
      }
    }
    double active = first ? std::chrono::duration<double>(Clock::now() - *first).count() : elapsed;
    std::cout << "\nkconnect demo summary\n"
              << fmt::format("  records in (produced)     {}\n", in)
              << fmt::format("  records out (written)     {}\n", final_progress.written)
              << fmt::format("  offsets committed         {}\n", final_progress.committed)
              << fmt::format("  lag                       {}\n", in - final_progress.committed)
              << fmt::format(
                     "  elapsed                   {:.2f} s (first record after {:.2f} s: consumer "
                     "group join)\n",
                     elapsed, elapsed - active)
              << fmt::format("  rate                      {:.0f} records/s from the first record\n",
                             static_cast<double>(final_progress.written) / active);
    for (const auto& c : connectors) {
      auto file = c->sink_config.get_optional("file");
      if (file) std::cout << fmt::format("  output of {:<15} {}\n", c->name, *file);
    }
  }
  return exit_code;
}

}  // namespace kc::cli
