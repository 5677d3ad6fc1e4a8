#pragma once

// The worker: the sink tasks this process runs, per connector. It runs what it is told to run;
// which connectors exist, their target states and their configurations belong to the Herder
// (herder.h), which is what the REST API and the managed mode drive.
// Thread-safe; every method may be called from any thread. Methods that stop tasks block until
// the tasks flushed, committed and left the group.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/metrics/registry.h"
#include "libs/tls/watcher.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/sink_task.h"

namespace kc::pipeline {

struct WorkerContext {
  std::string worker_id;          // host:port, as Kafka Connect reports it
  std::string bootstrap_servers;  // overrides the configured one when set (embedded mode)
  std::chrono::milliseconds flush_interval{60000};
  std::chrono::milliseconds flush_timeout{5000};
  metrics::Registry* metrics = &metrics::default_registry();
  // The TLS material watcher of each connector with certificate files (tls::MaterialWatcher).
  std::chrono::milliseconds material_debounce{200};
  std::chrono::milliseconds material_poll_interval{10000};
  // Static group membership (KIP-345): when set, each task consumes with the group.instance.id
  // static_member_id(static_member_prefix, connector, task), unless the connector's consumer
  // properties set one. Managed mode sets the pod name. Empty: dynamic members.
  std::string static_member_prefix;
};

// The group.instance.id of task `task` of `connector` on a worker whose static member ids start
// with `prefix`: "<prefix>-<connector>-<task>". Characters Kafka refuses in an instance id
// (anything but ASCII letters, digits, '.', '_', '-') become '_'; an id over Kafka's 249
// characters is cut and ends with a hash of the whole id, so ids stay unique.
std::string static_member_id(std::string_view prefix, std::string_view connector, int task);

struct ConnectorStatus {
  std::string name;
  TaskState state = TaskState::kUnassigned;  // connector-level state
  std::string worker_id;
  std::string trace;
  std::vector<TaskStatus> tasks;
  // TLS material trouble that does not stop the connector: renewed files that are unusable (the
  // tasks keep the material they have), certificates about to expire.
  std::vector<std::string> warnings;
};

class Worker {
 public:
  explicit Worker(WorkerContext context);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Creates and starts the connector's tasks.max tasks (paused when `paused`). A task that cannot
  // be created is reported FAILED with its reason; the others run. kAlreadyExists when the
  // connector runs already. The connector's TLS material is read and checked first
  // (security::check_material): unusable material refuses the connector with that error.
  Status add_connector(const std::shared_ptr<const config::ConnectorConfig>& config,
                       bool paused = false, std::shared_ptr<ActiveTopics> topics = nullptr);
  // Stops the connector's tasks (flush, commit, leave the group) and forgets them.
  Status remove_connector(const std::string& name);
  // Pauses / resumes every task of the connector (group membership is kept).
  Status pause_connector(const std::string& name);
  Status resume_connector(const std::string& name);
  // Stops task `task_id` and starts a new one with the same configuration (it shows RESTARTING
  // meanwhile). kNotFound for an unknown connector or task.
  Status restart_task(const std::string& name, int task_id);
  // Reads and checks the connector's TLS material now (security::check_material) and asks every
  // task to replace its consumer with one built from it (SinkTask::request_rollover). Returns
  // once the tasks were asked. kNotFound; kConflict with the reason when the material is
  // unusable (nothing else happens then).
  kc::Status force_commit(const std::string& name);

  std::vector<std::string> connector_names() const;
  bool has_connector(const std::string& name) const;
  // Tasks' statuses; the connector-level state is RUNNING or PAUSED (the Herder knows more).
  Result<ConnectorStatus> status(const std::string& name) const;
  std::vector<ConnectorStatus> statuses() const;
  // True when every connector has partitions assigned and all of them are caught up (every record
  // up to the high watermark given to the sink), like `kcat -e` reaching the end.
  bool caught_up() const;
  // Asks every task to flush and commit now (SinkTask::commit_now, up to `timeout` each, one task
  // after the other; other calls wait meanwhile) and returns what is still not committed: one
  // line per partition whose records given to the sink are ahead of its committed offset,
  // "<connector> task <id> <topic>-<partition>: written to position N, committed M (why)"
  // (positions: the next offset, as Kafka commits them; "none" when nothing is committed).
  // Empty: every record handed to a sink is committed.
  std::vector<std::string> commit_all(std::chrono::milliseconds timeout);
  // Immutable after construction, except the worker id (see set_worker_id).
  const std::string& bootstrap_servers() const { return context_.bootstrap_servers; }
  std::string worker_id() const;
  // Sets the id reported in statuses (host:port once the REST listener's port is known); tasks
  // created afterwards report it.
  void set_worker_id(std::string id);
  // Stops everything, connectors in parallel.
  void stop();

 private:
  struct Running {
    std::shared_ptr<const config::ConnectorConfig> config;
    std::shared_ptr<ActiveTopics> topics;
    std::vector<config::security::Property> material_properties;  // check_material's
    bool paused = false;
    std::map<int, std::unique_ptr<SinkTask>> tasks;
    // Watches the connector's TLS files; its events reach the tasks through
    // on_material_event(). Destroyed after the tasks stopped, never from its callback.
    std::unique_ptr<tls::MaterialWatcher> watcher;
    std::string material_problem;                // kInvalidMaterial's reason, until resolved
    std::vector<std::string> material_warnings;  // kExpiringSoon

    std::map<int, std::string> task_errors;  // tasks that could not be created
    std::set<int> restarting;
  };
  // Creates and starts one task (without holding mu_: creation may wait for Kafka), or returns
  // why it could not be created.
  Result<std::unique_ptr<SinkTask>> make_task(const Running& running, int task_id,
                                              const std::string& worker_id) const;
  static void install(Running& running, int task_id, Result<std::unique_ptr<SinkTask>> task);
  void start_watcher(const std::string& name);
  void on_material_event(const std::string& name, const tls::MaterialWatcher::Event& event);
  static void request_rollovers(Running& running, const Rollover& rollover);
  static ConnectorStatus status_of(const Running& running, const std::string& worker_id);

  WorkerContext context_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Running>> connectors_;
};

}  // namespace kc::pipeline
