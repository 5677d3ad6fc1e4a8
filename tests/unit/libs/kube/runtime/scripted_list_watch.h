#pragma once

// A ListWatch that plays a script: list results and watch calls (events, then how the stream
// ends), recording the resourceVersion each watch started from.

#include <deque>
#include <string>
#include <vector>

#include "libs/kube/runtime/list_watch.h"

namespace kc::kube::runtime::testing {

inline Object obj(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
}

inline WatchEvent event(WatchEvent::Type type, const std::string& name, const std::string& rv) {
  return {type, obj(name, rv)};
}

inline WatchEvent bookmark(const std::string& rv) {
  return {WatchEvent::Type::kBookmark, {{"metadata", {{"resourceVersion", rv}}}}};
}

class ScriptedListWatch final : public ListWatch {
 public:
  struct WatchCall {
    std::vector<WatchEvent> events;
    Result<WatchEnd> end = WatchEnd::kClosed;
  };

  std::deque<Result<ObjectList>> lists;
  std::deque<WatchCall> watches;
  std::vector<std::string> watched_from;

  Result<ObjectList> list(const std::stop_token&,
                          const std::function<void(Object&)>& transform) override {
    if (lists.empty()) return make_error(Errc::kUnavailable, "script: no list left");
    auto next = std::move(lists.front());
    lists.pop_front();
    if (next && transform) {
      for (auto& item : next->items) transform(item);
    }
    return next;
  }

  Result<WatchEnd> watch(const std::string& resource_version,
                         const std::function<bool(WatchEvent&&)>& on_event,
                         const std::stop_token&) override {
    watched_from.push_back(resource_version);
    if (watches.empty()) return make_error(Errc::kUnavailable, "script: no watch left");
    auto call = std::move(watches.front());
    watches.pop_front();
    for (auto& e : call.events) {
      if (!on_event(std::move(e))) return WatchEnd::kStopped;
    }
    return call.end;
  }
};

}  // namespace kc::kube::runtime::testing
