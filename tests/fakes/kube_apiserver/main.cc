// kc-fake-apiserver: the test API server as a program, for trying kubectl by hand and for the
// libs/kube benchmark.
//
//   kc-fake-apiserver --port 0 --kubeconfig /tmp/kc/kubeconfig
//   kubectl --kubeconfig /tmp/kc/kubeconfig apply -f crds/
//
// Prints "listening on http://127.0.0.1:<port>" and serves until SIGINT or SIGTERM.

#include <csignal>
#include <cstdio>
#include <fstream>

#include <CLI/CLI.hpp>

#include "libs/base/log.h"
#include "tests/fakes/kube_apiserver/api_server.h"

int main(int argc, char** argv) {
  CLI::App app{"In-memory Kubernetes API server for tests (kconnect)"};
  kc::fakes::kube::FakeApiServerOptions options;
  std::string kubeconfig;
  int bookmark_ms = 1000;
  app.add_option("--address", options.address, "address to bind");
  app.add_option("--port", options.port, "port (0: any free port)");
  app.add_option("--kubeconfig", kubeconfig, "write a kubeconfig for this server to FILE");
  app.add_option("--history", options.history_limit, "watch events kept for resuming");
  app.add_option("--bookmark-ms", bookmark_ms, "bookmark interval of idle watches");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log every request");
  CLI11_PARSE(app, argc, argv);
  if (verbose) kc::log::set_level("kc.fakes", kc::log::Level::kDebug);
  options.bookmark_interval = std::chrono::milliseconds(bookmark_ms);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  auto server = kc::fakes::kube::FakeApiServer::start(options);
  if (!server) {
    std::fprintf(stderr, "kc-fake-apiserver: %s\n", server.error().to_string().c_str());
    return 1;
  }
  if (!kubeconfig.empty()) {
    std::ofstream(kubeconfig) << (*server)->kubeconfig();
  }
  std::printf("listening on %s\n", (*server)->url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  (*server)->stop();
  return 0;
}
