#pragma once

// The cache a controller reads: objects of one type by key, fed by exactly one Watcher.
//
// Guarantees:
// - Single writer: only handle() (the watcher thread) changes the store. Readers on any thread get
//   immutable snapshots (ObjectPtr, or a vector of them from list()) that stay valid however the
//   store changes afterwards.
// - Listeners hear about real changes only: an object is "changed" when its resourceVersion
//   differs; a relist (Restarted) is diffed against the current content, so objects that vanished
//   while the watch was down are reported deleted and unchanged ones are not reported again.
// - Listeners run on the writer thread after the store was updated, in event order. They must be
//   quick (enqueue a key).
// - ready() becomes true after the first complete list and stays true.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <stop_token>
#include <vector>

#include "libs/kube/core/object.h"
#include "libs/kube/runtime/watcher.h"

namespace kc::kube::runtime {

class Store {
 public:
  // `before` is null for an added object, `after` null for a deleted one.
  using Listener = std::function<void(const ObjectPtr& before, const ObjectPtr& after)>;

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writer side (the watcher's sink).
  void handle(WatcherEvent&& event);

  // Readers (any thread).
  ObjectPtr get(const ObjectKey& key) const;
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> list(const std::function<bool(const Object&)>& predicate) const;
  size_t size() const;
  bool ready() const;
  // Blocks until ready(), `timeout` passes or `stop` is requested; returns ready().
  bool wait_until_ready(std::chrono::milliseconds timeout, const std::stop_token& stop = {}) const;

  // Register before the watcher starts; listeners cannot be removed.
  void subscribe(Listener listener);

 private:
  void notify(const ObjectPtr& before, const ObjectPtr& after);

  mutable std::shared_mutex mu_;
  std::map<ObjectKey, ObjectPtr> objects_;
  bool ready_ = false;
  mutable std::mutex ready_mu_;
  mutable std::condition_variable_any ready_cv_;
  std::vector<Listener> listeners_;
};

}  // namespace kc::kube::runtime
