#pragma once

// The Herder (Kafka's name for it): the connectors of this worker — their configurations as
// given, their target states (RUNNING, PAUSED, STOPPED), failures of the connector itself — and
// the one implementation of WorkerControl. It resolves config providers, validates with the one
// validator, tells the Worker which tasks to run, and, in standalone mode, persists states (and
// REST-created connectors) in the state file.
//
// Guarantees
//  - Changes are applied one at a time, in the order they arrive; reads never wait for a change
//    in progress (a restart that takes seconds does not block GET .../status).
//  - A configuration that does not validate is refused before anything is stopped.
//  - The state file is written after every change of a state or of a REST-created connector.
//    Connectors given as files on the command line are re-read from their files at start (as
//    connect-standalone does): only their state comes from the state file.
// Caveats
//  - A connector's own failure (its configuration no longer resolves or validates on restart)
//    shows as connector state FAILED; the tasks keep running with the previous configuration.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/config/config_file.h"
#include "runtime/config/worker_config.h"
#include "runtime/pipeline/control.h"
#include "runtime/pipeline/state_store.h"
#include "runtime/pipeline/worker.h"
#include "runtime/registry/builtin_plugins.h"

namespace kc::pipeline {

struct HerderOptions {
  config::WorkerConfig worker;
  std::string state_file;  // empty: no persistence
  const registry::Plugins* plugins = &registry::builtin();
  std::chrono::milliseconds admin_timeout{30000};  // offsets and cluster id requests
};

class Herder final : public WorkerControl {
 public:
  // `worker` must outlive the Herder.
  Herder(HerderOptions options, Worker& worker);
  ~Herder() override;
  Herder(const Herder&) = delete;
  Herder& operator=(const Herder&) = delete;

  // Starts the connectors given as files (their configurations win over persisted ones) and the
  // persisted REST-created connectors, each in its persisted state. A connector that does not
  // validate is reported FAILED, not returned as an error; errors are for an unreadable state
  // file. Marks the worker healthy when done.
  Status start(const std::vector<config::ConnectorDefinition>& from_files);
  // Stops every task (flush, commit, leave the group). The states stay persisted.
  void stop();

  // WorkerControl
  std::vector<std::string> connectors() const override;
  Result<ConnectorInfo> connector(const std::string& name) const override;
  Result<ConnectorStatus> status(const std::string& name) const override;
  std::vector<std::string> active_topics(const std::string& name) const override;
  Result<Offsets> offsets(const std::string& name) override;
  config::ValidationResult validate(const api::RawConfig& config) const override;
  Status health(std::chrono::milliseconds timeout) const override;
  std::string kafka_cluster_id() override;
  Result<PutResult> put_connector(const std::string& name, api::RawConfig config,
                                  std::optional<TargetState> initial, bool allow_replace) override;
  Result<PutResult> patch_connector(const std::string& name, const ConfigPatch& patch) override;
  Status delete_connector(const std::string& name) override;
  Status pause(const std::string& name) override;
  Status resume(const std::string& name) override;
  Status stop(const std::string& name) override;
  Status restart_connector(const std::string& name) override;
  Result<ConnectorStatus> restart(const std::string& name, RestartOptions options) override;
  Status restart_task(const std::string& name, int task_id) override;
  kc::Status force_commit(const std::string& connector) override;
  Status reset_active_topics(const std::string& name) override;
  Result<std::string> alter_offsets(const std::string& name,
                                    const std::vector<OffsetUpdate>& updates) override;
  Result<std::string> reset_offsets(const std::string& name) override;

 private:
  struct Entry {
    api::RawConfig raw;  // as given
    TargetState target = TargetState::kRunning;
    bool from_file = false;
    std::shared_ptr<const config::ConnectorConfig> applied;  // what the tasks run with
    std::string failure;  // the connector's own failure (FAILED), else empty
    std::shared_ptr<ActiveTopics> topics = std::make_shared<ActiveTopics>();
  };

  // Providers resolved, then validated; kInvalidConfig with Kafka's message on errors.
  Result<std::shared_ptr<const config::ConnectorConfig>> resolve_and_validate(
      const api::RawConfig& raw) const;
  // Changes lock held. Sets `tasks_restarted` when every task was started anew.
  Status restart_connector_locked(const std::string& name, bool& tasks_restarted);
  // Runs the entry's tasks as its target state says (none when STOPPED).
  Status start_tasks(const std::string& name, const Entry& entry);
  ConnectorInfo info_of(const std::string& name, const Entry& entry) const;
  std::optional<Entry> find(const std::string& name) const;
  void update(const std::string& name, const std::function<void(Entry&)>& change);
  void persist();
  Result<std::string> modify_offsets(const std::string& name,
                                     const std::optional<std::vector<OffsetUpdate>>& updates);
  config::ClientProperties admin_properties(const Entry& entry) const;

  HerderOptions options_;
  Worker& worker_;
  mutable std::timed_mutex changes_;  // serializes changes (and health checks)
  mutable std::mutex mu_;             // guards entries_, started_, cluster_id_
  std::map<std::string, Entry> entries_;
  bool started_ = false;
  std::string cluster_id_;
};

}  // namespace kc::pipeline
