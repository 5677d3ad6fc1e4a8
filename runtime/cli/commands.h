#pragma once

// The kconnect-runtime sub-commands. Each returns the process exit status.

#include <ostream>
#include <string>
#include <vector>

#include "runtime/api/config_def.h"
#include "runtime/config/worker_config.h"
#include "runtime/rest/rest_api.h"

namespace kc::cli {

struct StandaloneOptions {
  std::string worker_file;
  std::vector<std::string> connector_files;
  // Stop (flush, commit) once every assigned partition is consumed to its end, and print a
  // one-line JSON summary on stdout: for backfills and benchmarks (like kcat -e).
  bool exit_when_caught_up = false;
  // With exit_when_caught_up: how long the final flush and commit is retried (a commit can fail
  // while the group rebalances) before the command gives up, naming the partitions not
  // committed, with exit status 1.
  int commit_timeout_seconds = 30;
};
int run_standalone(const StandaloneOptions& options);

// `managed`: a worker of an operator-managed cluster (docs/operator-runtime-contract.md).
struct ManagedOptions {
  std::string config_dir = "/etc/kconnect/config";  // the mounted ConfigMap
  // Replaces worker.properties' `listeners` (the operator writes http://:8083): for a worker run
  // outside its pod, e.g. beside other workers on one host. Empty: as written.
  std::string listeners;
};
int run_managed(const ManagedOptions& options);
int run_validate(const std::vector<std::string>& files);
int run_plugins();
// All keys; with `sink`, that sink connector's section only (exit 2 when there is none).
int run_config_reference(const std::string& sink = {});

// The REST API's settings from the worker configuration (standalone and managed).
rest::RestSettings rest_settings(const config::WorkerConfig& worker);

// Prints "<source>: N errors, M warnings" and one line per issue; returns the number of errors.
size_t print_issues(std::ostream& out, const std::string& source,
                    const std::vector<api::ConfigIssue>& issues);

}  // namespace kc::cli
