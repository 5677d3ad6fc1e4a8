#pragma once

// The worker's control surface: everything that creates, changes, pauses, stops, restarts or
// inspects connectors. The REST API (runtime/rest) calls it, and so will the operator-managed
// mode (connectors pushed from a ConfigMap, status read back): one interface, no REST-only paths.
// Herder (herder.h) implements it.
//
// Errors carry the HTTP meaning Kafka Connect gives them: kNotFound (404), kInvalidConfig and
// kInvalidArgument (400, Kafka's messages), kAlreadyExists and kConflict (409), kTimeout and
// anything else (500). Messages never contain secret values.
// Threading: every method may be called from any thread; changes are applied one at a time.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"
#include "runtime/api/record.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"

namespace kc::pipeline {

// What the user asked a connector to be (Kafka's TargetState; STARTED is shown as RUNNING).
enum class TargetState { kRunning, kPaused, kStopped };
std::string_view target_state_name(TargetState state);  // "RUNNING", "PAUSED", "STOPPED"
// Kafka's initial_state values, any case.
std::optional<TargetState> parse_target_state(std::string_view text);

struct ConnectorInfo {
  std::string name;
  // As given: config provider references unresolved. Not redacted: use redacted() to show it.
  api::RawConfig config;
  std::vector<int> tasks;  // task ids; empty while STOPPED
};

// `config` with the values of sensitive keys (api::is_sensitive_key) and of values that refer to
// a config provider replaced by "[hidden]": what REST output and logs may show.
api::RawConfig redacted(const api::RawConfig& config);

struct PutResult {
  bool created = false;
  ConnectorInfo info;
};

struct RestartOptions {
  bool include_tasks = false;  // also restart tasks
  bool only_failed = false;    // only instances that are FAILED
};

// PATCH semantics (Kafka's ConnectUtils.patchConfig): nullopt removes the key.
using ConfigPatch = std::map<std::string, std::optional<std::string>, std::less<>>;

struct OffsetUpdate {
  api::TopicPartition partition;
  std::optional<int64_t> offset;  // nullopt: reset (delete the committed offset)
};
using Offsets = std::vector<std::pair<api::TopicPartition, int64_t>>;

class WorkerControl {
 public:
  virtual ~WorkerControl() = default;

  // ---- reads
  virtual std::vector<std::string> connectors() const = 0;
  virtual Result<ConnectorInfo> connector(const std::string& name) const = 0;
  virtual Result<ConnectorStatus> status(const std::string& name) const = 0;
  // Topics the connector's records were written under (empty for an unknown connector, as Kafka).
  virtual std::vector<std::string> active_topics(const std::string& name) const = 0;
  // The connector's committed offsets (its consumer group).
  virtual Result<Offsets> offsets(const std::string& name) = 0;
  // The one validator, with config providers resolved first.
  virtual config::ValidationResult validate(const api::RawConfig& config) const = 0;
  // ok; kUnavailable while starting; kTimeout when changes have been stuck for `timeout`.
  virtual Status health(std::chrono::milliseconds timeout) const = 0;
  virtual std::string kafka_cluster_id() = 0;

  // ---- changes
  // Creates the connector, or replaces its configuration when `allow_replace` (tasks restart).
  // `initial` applies to a new connector (default RUNNING); a replaced one keeps its state.
  virtual Result<PutResult> put_connector(const std::string& name, api::RawConfig config,
                                          std::optional<TargetState> initial,
                                          bool allow_replace) = 0;
  virtual Result<PutResult> patch_connector(const std::string& name, const ConfigPatch& patch) = 0;
  virtual Status delete_connector(const std::string& name) = 0;
  virtual Status pause(const std::string& name) = 0;   // tasks pause, group membership stays
  virtual Status resume(const std::string& name) = 0;  // from PAUSED or STOPPED
  virtual Status stop(const std::string& name) = 0;    // tasks flush, commit and leave the group
  // Restarts the connector instance: configuration providers are read again and the
  // configuration validated again; tasks restart when the result changed or it had failed.
  virtual Status restart_connector(const std::string& name) = 0;
  // KIP-745: returns the status with the instances to restart shown as RESTARTING.
  virtual Result<ConnectorStatus> restart(const std::string& name, RestartOptions options) = 0;
  virtual Status restart_task(const std::string& name, int task_id) = 0;
  // Every task of the connector flushes, commits and replaces its consumer with one built from
  // the TLS material as the files hold it now (also the operator's forceCommitRequest,
  // connectors.json `forceCommitToken`) (docs/decisions/0003-certificate-rollover.md).
  // Asynchronous: returns once the material was checked and the tasks were asked. kNotFound for
  // an unknown connector, kConflict (with the reason) when the material is unusable or the
  // connector is not running.
  virtual kc::Status force_commit(const std::string& connector) = 0;
  virtual Status reset_active_topics(const std::string& name) = 0;
  // KIP-875: the connector must be STOPPED. Return Kafka's success message.
  virtual Result<std::string> alter_offsets(const std::string& name,
                                            const std::vector<OffsetUpdate>& updates) = 0;
  virtual Result<std::string> reset_offsets(const std::string& name) = 0;
};

}  // namespace kc::pipeline
