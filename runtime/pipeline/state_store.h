#pragma once

// Standalone persistence of connector states: a small JSON file next to the worker
// configuration (kconnect.state.file), so a paused or stopped connector stays so across restarts
// of the runtime, and connectors created through REST come back.
//
//   {"version": 1, "connectors": {"orders": {"state": "PAUSED"},
//                                 "made-by-rest": {"state": "RUNNING", "config": {...}}}}
//
// Guarantees: save() replaces the file atomically (a temporary file in the same directory,
// fsync, rename, fsync of the directory), so a crash leaves the old or the new state, never a
// torn one; the file is created with mode 0600 (REST-created configurations may hold secrets,
// as a connector file does). Configurations are stored as given, provider references unresolved.
// Threading: plain functions; callers serialize writes.

#include <map>
#include <optional>
#include <string>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"
#include "runtime/pipeline/control.h"

namespace kc::pipeline {

struct PersistedConnector {
  TargetState state = TargetState::kRunning;
  std::optional<api::RawConfig> config;  // only for connectors not defined by a file
};
using PersistedState = std::map<std::string, PersistedConnector>;

// A missing file is an empty state; a file that cannot be parsed is an error naming it.
Result<PersistedState> load_state(const std::string& path);
Status save_state(const std::string& path, const PersistedState& state);

// The default location: the worker file's path with its extension replaced by ".state.json".
std::string default_state_path(const std::string& worker_file);

}  // namespace kc::pipeline
