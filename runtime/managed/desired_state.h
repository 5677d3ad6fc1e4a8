#pragma once

// What the operator asks of the workers: connectors.json of the cluster's ConfigMap
// (docs/operator-runtime-contract.md), parsed. Pure; thread-safe.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"
#include "runtime/pipeline/control.h"

namespace kc::managed {

struct DesiredConnector {
  api::RawConfig config;  // Kafka Connect keys, as the operator rendered them
  pipeline::TargetState state = pipeline::TargetState::kRunning;
  std::string restart_token;       // a change asks for one restart of the tasks
  std::string force_commit_token;  // a change asks for one force-commit
  friend bool operator==(const DesiredConnector&, const DesiredConnector&) = default;
};

struct LoggingSettings {
  std::string level;                           // root level; empty: unchanged
  std::string format;                          // "text" or "json"; empty: unchanged
  std::map<std::string, std::string> loggers;  // logger name -> level
  friend bool operator==(const LoggingSettings&, const LoggingSettings&) = default;
};

struct DesiredState {
  int workers = 1;
  std::map<std::string, DesiredConnector> connectors;
  LoggingSettings logging;
};

// Parses connectors.json. Config values that are JSON numbers or booleans are taken as their
// text. Errors: kInvalidConfig naming the field and what is allowed.
Result<DesiredState> parse_connectors_json(std::string_view text);

// The tasks one of `workers` workers runs: ceil(tasks_max / workers), at least 1.
int task_share(int tasks_max, int workers);

// The configuration this worker runs for connector `name`: `name` set, and `tasks.max` replaced
// by this worker's share when it is a positive integer (anything else is left for the validator
// to refuse).
api::RawConfig worker_share(const std::string& name, const api::RawConfig& config, int workers);

}  // namespace kc::managed
