#pragma once

// The operator's cache of one resource type: one Informer for all namespaces, or one per watched
// namespace (--namespaces), behind one get/list/subscribe interface.
//
// Threading: subscribe() before start(); start()/stop() from the owning thread; the rest from any
// thread. Listeners run on informer threads and must only enqueue.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "libs/kube/client/client.h"
#include "libs/kube/runtime/informer.h"

namespace kc::operator_controllers {

class Cache {
 public:
  // `namespaces` empty: all namespaces (or a cluster-scoped type). `client` must outlive this.
  Cache(kube::Client& client, kube::ResourceType type, const std::vector<std::string>& namespaces,
        kube::runtime::ListWatchOptions options = {},
        kube::runtime::Watcher::Options watcher_options = {});

  const kube::ResourceType& type() const { return type_; }
  kube::ObjectPtr get(const kube::ObjectKey& key) const;
  std::vector<kube::ObjectPtr> list() const;
  std::vector<kube::ObjectPtr> list(const std::string& ns) const;
  size_t size() const;
  bool ready() const;
  void subscribe(kube::runtime::Store::Listener listener);
  void start();
  void stop();

 private:
  kube::runtime::Informer* informer_for(const std::string& ns) const;

  kube::ResourceType type_;
  std::map<std::string, std::unique_ptr<kube::runtime::Informer>> informers_;  // "" = all
};

}  // namespace kc::operator_controllers
