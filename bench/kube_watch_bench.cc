// libs/kube watch throughput and cache memory.
//
//   build/bin/kc-kube-watch-bench [--objects 10000] [--rate 1000] [--seconds 10]
//
// Starts the test API server (kc-fake-apiserver, next to this binary) as a separate process so
// its memory is not counted, creates N ConfigMaps, then in this process:
//  1. lists and watches them with an Informer and reports the list time and the RSS the cache
//     added per 1,000 objects;
//  2. updates random objects at --rate per second for --seconds and reports the events per
//     second delivered to the store and the write-to-store latency (p50/p99);
//  3. updates as fast as 4 writer threads can for --seconds: the saturated events per second.
// Prints a Markdown table row per phase.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/kube/client/client.h"
#include "libs/kube/runtime/informer.h"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace kube = kc::kube;

// Resident memory after returning freed heap pages to the system (so transient parse buffers do
// not count as cache).
double rss_mib() {
  malloc_trim(0);
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

struct ServerProcess {
  pid_t pid = -1;
  std::string url;
  ~ServerProcess() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

bool start_server(const std::string& binary, ServerProcess& server) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> args = {binary, "--port", "0", "--history", "200000"};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawn(&server.pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) return false;
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(fds[0]);
  auto pos = line.find("http://");
  if (pos == std::string::npos) return false;
  server.url = line.substr(pos);
  return true;
}

kube::Object config_map(int i, int64_t stamp) {
  kube::Object data = kube::Object::object();
  for (int k = 0; k < 8; ++k) data[fmt::format("key-{}", k)] = fmt::format("value-{:08}-{}", i, k);
  data["stamp"] = std::to_string(stamp);
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", fmt::format("bench-{:05}", i)},
            {"namespace", "default"},
            {"labels", {{"app.kubernetes.io/name", "bench"}, {"shard", std::to_string(i % 16)}}}}},
          {"data", data}};
}

struct Latencies {
  std::mutex mu;
  std::vector<int64_t> us;
  void add(int64_t v) {
    std::lock_guard lock(mu);
    us.push_back(v);
  }
  std::pair<double, double> p50_p99() {
    std::lock_guard lock(mu);
    if (us.empty()) return {0, 0};
    std::sort(us.begin(), us.end());
    auto at = [&](double q) {
      return static_cast<double>(us[static_cast<size_t>(q * static_cast<double>(us.size() - 1))]) /
             1000.0;
    };
    return {at(0.5), at(0.99)};
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"libs/kube watch throughput and cache memory"};
  int objects = 10000, rate = 1000, seconds = 10;
  std::string server_binary;
  app.add_option("--objects", objects, "objects listed and watched");
  app.add_option("--rate", rate, "updates per second in the paced phase");
  app.add_option("--seconds", seconds, "length of each update phase");
  app.add_option("--server-binary", server_binary, "kc-fake-apiserver to start");
  CLI11_PARSE(app, argc, argv);
  kc::log::set_level("root", kc::log::Level::kWarn);
  if (server_binary.empty()) {
    std::string self(4096, '\0');
    auto n = readlink("/proc/self/exe", self.data(), self.size());
    self.resize(static_cast<size_t>(std::max<ssize_t>(n, 0)));
    server_binary = self.substr(0, self.rfind('/')) + "/kc-fake-apiserver";
  }
  ServerProcess server;
  if (!start_server(server_binary, server)) {
    std::fprintf(stderr, "cannot start %s\n", server_binary.c_str());
    return 1;
  }
  kube::Config config;
  config.server = server.url;
  auto client = kube::Client::create(config, {.field_manager = "bench"});
  if (!client) return 1;
  const auto& cms = kube::resources::config_maps();

  // Populate with 4 threads.
  auto populate_start = Clock::now();
  {
    std::vector<std::jthread> writers;
    writers.reserve(4);
    std::atomic<int> next{0};
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&] {
        for (int i = next++; i < objects; i = next++) {
          if (!(*client)->create(cms, config_map(i, 0))) std::abort();
        }
      });
    }
  }
  double populate_s = std::chrono::duration<double>(Clock::now() - populate_start).count();

  double rss_before = rss_mib();
  std::atomic<int64_t> events{0};
  Latencies latencies;
  std::atomic<bool> measure_latency{false};
  kube::runtime::Informer informer(**client, cms, {.ns = "default", .page_size = 500});
  informer.store().subscribe([&](const kube::ObjectPtr&, const kube::ObjectPtr& after) {
    ++events;
    if (!after || !measure_latency) return;
    auto stamp = kc::strings::parse_int<int64_t>((*after)["data"].value("stamp", "0"));
    if (stamp && *stamp > 0) latencies.add(now_us() - *stamp);
  });
  auto list_start = Clock::now();
  informer.start();
  if (!informer.store().wait_until_ready(120s)) return 1;
  double list_s = std::chrono::duration<double>(Clock::now() - list_start).count();
  double rss_after = rss_mib();
  double per_1000 = (rss_after - rss_before) * 1000.0 / objects;

  std::printf("| phase | figure |\n|---|---|\n");
  std::printf("| populate %d ConfigMaps (4 writers, HTTP) | %.0f creates/s |\n", objects,
              objects / populate_s);
  std::printf("| initial list (pages of 500) into the store | %.2f s (%.0f objects/s) |\n", list_s,
              objects / list_s);
  std::printf("| RSS: before / after caching | %.1f / %.1f MiB |\n", rss_before, rss_after);
  std::printf("| RSS per 1,000 cached objects | %.2f MiB |\n", per_1000);

  auto run_updates = [&](int threads, int per_second) {
    int64_t start_events = events.load();
    std::atomic<int64_t> writes{0};
    auto start = Clock::now();
    auto end = start + std::chrono::seconds(seconds);
    {
      std::vector<std::jthread> writers;
      writers.reserve(static_cast<size_t>(threads));
      for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, t] {
          std::mt19937 rng(static_cast<unsigned>(t) + 7);
          for (int64_t n = 0;; ++n) {
            if (per_second > 0) {
              auto due =
                  start + std::chrono::microseconds((n * threads + t) * 1'000'000 / per_second);
              if (due >= end) break;
              std::this_thread::sleep_until(due);
            } else if (Clock::now() >= end) {
              break;
            }
            int i = static_cast<int>(rng() % static_cast<unsigned>(objects));
            kube::Object patch = {{"data", {{"stamp", std::to_string(now_us())}}}};
            if ((*client)->merge_patch(cms, "default", fmt::format("bench-{:05}", i), patch)) {
              ++writes;
            }
          }
        });
      }
    }
    // Wait for the store to catch up with every write.
    auto caught_up = Clock::now() + 30s;
    while (events.load() - start_events < writes.load() && Clock::now() < caught_up) {
      std::this_thread::sleep_for(1ms);
    }
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    return std::tuple{writes.load(), events.load() - start_events, elapsed};
  };

  measure_latency = true;
  auto [paced_writes, paced_events, paced_s] = run_updates(2, rate);
  auto [p50, p99] = latencies.p50_p99();
  measure_latency = false;
  std::printf(
      "| paced: %d updates/s for %d s | %lld writes, %lld events delivered, %.0f events/s |\n",
      rate, seconds, static_cast<long long>(paced_writes), static_cast<long long>(paced_events),
      static_cast<double>(paced_events) / paced_s);
  std::printf("| paced: write-to-store latency p50 / p99 | %.2f / %.2f ms |\n", p50, p99);
  auto [max_writes, max_events, max_s] = run_updates(4, 0);
  std::printf(
      "| saturated: 4 writers, %d s | %lld writes, %lld events delivered, %.0f events/s |\n",
      seconds, static_cast<long long>(max_writes), static_cast<long long>(max_events),
      static_cast<double>(max_events) / max_s);
  std::printf("| RSS at the end | %.1f MiB |\n", rss_mib());
  informer.stop();
  return paced_events == paced_writes && max_events == max_writes ? 0 : 2;
}
