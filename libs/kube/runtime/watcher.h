#pragma once

// The watcher state machine (client-go's Reflector, kube-rs's watcher):
//
//   kEmpty --list ok--> Restarted(all objects) --> kWatching(rv)
//   kWatching --event--> Applied / Deleted, rv = event's rv; BOOKMARK: rv = bookmark's rv
//   kWatching --stream closed--> kWatching(rv)            (re-watch from the last rv)
//   kWatching --410 Gone--> kEmpty                         (relist)
//   any error --> same state, after a jittered exponential backoff
//
// Guarantees:
// - Events reach the sink in resourceVersion order, each once per watch stream; after a relist the
//   sink gets the complete new state in one Restarted event, so a sink that diffs (Store) tells
//   its listeners only what really changed: nothing is missed across drops and 410s, and nothing
//   that did not change is replayed.
// - Every failing call is retried with backoff (Options::backoff); success resets it.
// Caveats:
// - Single-threaded: run()/step() on one thread (the watcher thread); the sink is called there and
//   must not block for long (hand work to a queue).

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "libs/base/backoff.h"
#include "libs/base/error.h"
#include "libs/kube/core/object.h"
#include "libs/kube/runtime/list_watch.h"

namespace kc::kube::runtime {

struct WatcherEvent {
  enum class Kind { kRestarted, kApplied, kDeleted };
  Kind kind = Kind::kApplied;
  ObjectPtr object;                // kApplied, kDeleted
  std::vector<ObjectPtr> objects;  // kRestarted: the complete state
};

// Removes metadata.managedFields.
void strip_managed_fields(Object& object);

class Watcher {
 public:
  enum class State { kEmpty, kWatching };

  struct Options {
    Backoff::Options backoff{.initial = std::chrono::milliseconds(200),
                             .max = std::chrono::milliseconds(30'000),
                             .multiplier = 2.0,
                             .jitter = 0.2};
    std::string name = "watcher";  // in log lines
    // Applied to every object before it reaches the sink (on the watcher thread). The default
    // drops metadata.managedFields, which controllers rarely read and which is often the
    // largest part of an object (controller-runtime's cache does the same).
    std::function<void(Object&)> transform = strip_managed_fields;
  };

  using Sink = std::function<void(WatcherEvent&&)>;

  // `source` must outlive the Watcher.
  Watcher(ListWatch& source, Sink sink, Options options);

  // Runs the state machine until `stop` is requested.
  void run(const std::stop_token& stop);
  // One transition: a list (kEmpty) or one watch call (kWatching). Returns that call's error.
  Status step(const std::stop_token& stop);

  State state() const { return state_; }
  const std::string& resource_version() const { return resource_version_; }
  uint64_t relists() const { return relists_; }

 private:
  ListWatch& source_;
  Sink sink_;
  Options options_;
  Backoff backoff_;
  State state_ = State::kEmpty;
  std::string resource_version_;
  uint64_t relists_ = 0;
  bool last_watch_empty_ = false;
};

}  // namespace kc::kube::runtime
