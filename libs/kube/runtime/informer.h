#pragma once

// A Watcher feeding a Store on its own thread: the cache of one resource type.
//
//   Informer clusters(*client, kafka_connect_clusters, {.ns = "prod"});
//   controller.watches(clusters.store());
//   clusters.start();
//   clusters.store().wait_until_ready(10s);
//
// Threading: start()/stop() from one owning thread; store() from anywhere. stop() (and the
// destructor) cancels the watch and joins the thread.

#include <memory>
#include <thread>

#include "libs/kube/client/client.h"
#include "libs/kube/runtime/list_watch.h"
#include "libs/kube/runtime/store.h"
#include "libs/kube/runtime/watcher.h"

namespace kc::kube::runtime {

class Informer {
 public:
  // `client` must outlive the Informer.
  Informer(Client& client, ResourceType type, ListWatchOptions options = {},
           Watcher::Options watcher_options = {});
  // For tests and custom sources: `source` is owned.
  Informer(std::unique_ptr<ListWatch> source, Watcher::Options watcher_options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  Store& store() { return store_; }
  const Watcher& watcher() const { return watcher_; }
  void start();
  void stop();

 private:
  std::unique_ptr<ListWatch> source_;
  Store store_;
  Watcher watcher_;
  std::jthread thread_;
};

}  // namespace kc::kube::runtime
