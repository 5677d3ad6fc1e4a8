#pragma once

// Drives the worker's control surface (pipeline::WorkerControl, the Herder) towards
// connectors.json: the managed mode's only writer. It adds new connectors, replaces changed
// configurations (that connector's tasks restart, no other), pauses, stops and resumes per
// `state`, deletes connectors that left the document, and acts once on each new restart and
// force-commit token.
//
// Guarantees
//  - Idempotent: applying the same document again changes nothing.
//  - Tokens: the token a connector has when first seen (at start, or when it is added) is taken
//    as handled; only a later change acts, once.
//  - A change the Herder refuses (an invalid configuration) is logged once and tried again only
//    when the connector's entry changes; other connectors are not held up.
// Caveats
//  - It remembers what it applied, not what the Herder runs: nothing else may change connectors
//    (the REST API is read-only in managed mode).
// Threading: one caller at a time.

#include <map>
#include <string>

#include "runtime/managed/desired_state.h"
#include "runtime/pipeline/control.h"

namespace kc::managed {

class Reconciler {
 public:
  // `control` must outlive the Reconciler.
  explicit Reconciler(pipeline::WorkerControl& control);

  void apply(const DesiredState& desired);

 private:
  struct Applied {
    DesiredConnector desired;  // with this worker's share of tasks.max
    bool running = false;      // the Herder has the connector
  };
  void add(const std::string& name, const DesiredConnector& want);
  void update(const std::string& name, const DesiredConnector& want, Applied& have);
  void set_state(const std::string& name, pipeline::TargetState state);
  void apply_logging(const LoggingSettings& logging);

  pipeline::WorkerControl& control_;
  std::map<std::string, Applied> applied_;
  LoggingSettings logging_;
};

}  // namespace kc::managed
