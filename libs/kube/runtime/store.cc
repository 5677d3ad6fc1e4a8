#include "libs/kube/runtime/store.h"

namespace kc::kube::runtime {

void Store::handle(WatcherEvent&& event) {
  switch (event.kind) {
    case WatcherEvent::Kind::kApplied: {
      ObjectKey key = key_of(*event.object);
      ObjectPtr before;
      {
        std::unique_lock lock(mu_);
        auto& slot = objects_[key];
        before = slot;
        if (before && resource_version_of(*before) == resource_version_of(*event.object)) return;
        slot = event.object;
      }
      notify(before, event.object);
      return;
    }
    case WatcherEvent::Kind::kDeleted: {
      ObjectKey key = key_of(*event.object);
      ObjectPtr before;
      {
        std::unique_lock lock(mu_);
        auto it = objects_.find(key);
        if (it == objects_.end()) return;
        before = it->second;
        objects_.erase(it);
      }
      notify(before, nullptr);
      return;
    }
    case WatcherEvent::Kind::kRestarted: {
      std::map<ObjectKey, ObjectPtr> next;
      for (auto& obj : event.objects) next[key_of(*obj)] = obj;
      std::vector<std::pair<ObjectPtr, ObjectPtr>> changes;
      {
        std::unique_lock lock(mu_);
        for (const auto& [key, before] : objects_) {
          auto it = next.find(key);
          if (it == next.end()) {
            changes.emplace_back(before, nullptr);
          } else if (resource_version_of(*before) != resource_version_of(*it->second)) {
            changes.emplace_back(before, it->second);
          }
        }
        for (const auto& [key, after] : next) {
          if (!objects_.count(key)) changes.emplace_back(nullptr, after);
        }
        objects_ = std::move(next);
      }
      {
        std::lock_guard lock(ready_mu_);
        ready_ = true;
      }
      ready_cv_.notify_all();
      for (const auto& [before, after] : changes) notify(before, after);
      return;
    }
  }
}

void Store::notify(const ObjectPtr& before, const ObjectPtr& after) {
  for (const auto& listener : listeners_) listener(before, after);
}

ObjectPtr Store::get(const ObjectKey& key) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, obj] : objects_) out.push_back(obj);
  return out;
}

std::vector<ObjectPtr> Store::list(const std::function<bool(const Object&)>& predicate) const {
  std::vector<ObjectPtr> out;
  for (auto& obj : list()) {
    if (predicate(*obj)) out.push_back(std::move(obj));
  }
  return out;
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

bool Store::ready() const {
  std::lock_guard lock(ready_mu_);
  return ready_;
}

bool Store::wait_until_ready(std::chrono::milliseconds timeout, const std::stop_token& stop) const {
  std::unique_lock lock(ready_mu_);
  return ready_cv_.wait_for(lock, stop, timeout, [&] { return ready_; });
}

void Store::subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

}  // namespace kc::kube::runtime
