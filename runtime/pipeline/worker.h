#pragma once

// The worker: the connectors this process runs and their tasks.
// Thread-safe; every method may be called from any thread.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/metrics/registry.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/sink_task.h"

namespace kc::pipeline {

struct WorkerContext {
  std::string worker_id;          // host:port, as Kafka Connect reports it
  std::string bootstrap_servers;  // overrides the configured one when set (embedded mode)
  std::chrono::milliseconds flush_interval{60000};
  metrics::Registry* metrics = &metrics::default_registry();
};

struct ConnectorStatus {
  std::string name;
  TaskState state = TaskState::kUnassigned;  // connector-level state
  std::string worker_id;
  std::string trace;
  std::vector<TaskStatus> tasks;
};

class Worker {
 public:
  explicit Worker(WorkerContext context);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Creates and starts the connector's tasks.max tasks. A task that cannot be created is reported
  // FAILED with its reason; the others run.
  Status add_connector(std::shared_ptr<const config::ConnectorConfig> config);
  // Stops the connector's tasks (flush, commit, leave the group) and forgets it.
  Status remove_connector(const std::string& name);
  std::vector<std::string> connector_names() const;
  Result<ConnectorStatus> status(const std::string& name) const;
  std::vector<ConnectorStatus> statuses() const;
  // True when every connector has partitions assigned and all of them are caught up (every record
  // up to the high watermark given to the sink), like `kcat -e` reaching the end.
  bool caught_up() const;
  // Stops everything, connectors in parallel.
  void stop();

 private:
  struct Running {
    std::shared_ptr<const config::ConnectorConfig> config;
    std::vector<std::unique_ptr<SinkTask>> tasks;
    std::map<int, std::string> task_errors;  // tasks that could not be created
  };
  static ConnectorStatus status_of(const Running& running, const std::string& worker_id);

  WorkerContext context_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Running>> connectors_;
};

}  // namespace kc::pipeline
