#pragma once

// Where a Watcher gets its objects: one paginated list and a watch from a resourceVersion.
// ClientListWatch is the real one (libs/kube Client); tests script their own.

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "libs/base/error.h"
#include "libs/kube/client/client.h"

namespace kc::kube::runtime {

class ListWatch {
 public:
  virtual ~ListWatch() = default;
  // A complete list (every page) and the resourceVersion to watch from, with `transform` applied
  // to each object (when set) as soon as it arrives. Called on the watcher thread.
  virtual Result<ObjectList> list(const std::stop_token& stop,
                                  const std::function<void(Object&)>& transform) = 0;
  // Streams events after `resource_version` to `on_event` until the stream ends (see WatchEnd).
  virtual Result<WatchEnd> watch(const std::string& resource_version,
                                 const std::function<bool(WatchEvent&&)>& on_event,
                                 const std::stop_token& stop) = 0;
};

struct ListWatchOptions {
  std::string ns;  // empty: all namespaces (or a cluster-scoped type)
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  // Server-side watch length, randomised by up to 25% so many watches do not restart together.
  std::chrono::seconds watch_timeout{300};
  // A stream silent for longer than this is considered dead (the server sends bookmarks).
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(6)};
};

// `client` must outlive the returned object.
std::unique_ptr<ListWatch> make_list_watch(Client& client, ResourceType type,
                                           ListWatchOptions options = {});

}  // namespace kc::kube::runtime
