#include "libs/kube/runtime/controller.h"

#include <thread>

#include "libs/base/log.h"
#include "libs/kube/runtime/owner_mapping.h"
#include "libs/kube/runtime/sleep.h"

namespace kc::kube::runtime {
namespace {

log::Logger& logger() {
  static auto& l = log::get("kc.kube.controller");
  return l;
}

const ObjectPtr& present(const ObjectPtr& before, const ObjectPtr& after) {
  return after ? after : before;
}

}  // namespace

Controller::Controller(ControllerOptions options, ReconcileFn reconcile)
    : options_(std::move(options)), reconcile_(std::move(reconcile)), queue_(options_.queue) {}

void Controller::watches(Store& store) {
  stores_.push_back(&store);
  primaries_.push_back(&store);
  store.subscribe([this](const ObjectPtr& before, const ObjectPtr& after) {
    enqueue(key_of(*present(before, after)));
  });
}

void Controller::owns(Store& store, const ResourceType& owner_type) {
  stores_.push_back(&store);
  store.subscribe([this, owner_type](const ObjectPtr& before, const ObjectPtr& after) {
    // The old owner too: an owner reference that was removed still concerns the old owner.
    for (const ObjectPtr* obj : {&before, &after}) {
      if (!*obj) continue;
      if (auto key = controller_key(**obj, owner_type)) enqueue(*key);
    }
  });
}

void Controller::map_from(Store& store,
                          std::function<std::vector<ObjectKey>(const Object&)> mapper) {
  stores_.push_back(&store);
  store.subscribe(
      [this, mapper = std::move(mapper)](const ObjectPtr& before, const ObjectPtr& after) {
        for (const auto& key : mapper(*present(before, after))) enqueue(key);
      });
}

void Controller::enqueue(const ObjectKey& key) { queue_.add(key.str()); }

void Controller::run(const std::stop_token& stop) {
  for (Store* store : stores_) {
    if (!store->wait_until_ready(options_.ready_timeout, stop)) {
      if (stop.stop_requested()) return;
      logger().warn("store not ready in time; starting anyway", {{"controller", options_.name}});
    }
  }
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < std::max(1, options_.workers); ++i) {
      workers.emplace_back([this, stop] { worker(stop); });
    }
    while (!stop.stop_requested()) {
      auto period = options_.resync.count() > 0 ? options_.resync : std::chrono::hours(24);
      if (!sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(period), stop)) break;
      if (options_.resync.count() <= 0) continue;
      for (Store* store : primaries_) {
        for (const auto& obj : store->list()) enqueue(key_of(*obj));
      }
    }
    queue_.shut_down();
  }  // workers join here
}

// The exception barrier: whatever a reconcile throws (a JSON type error on an object nobody
// validated, an allocation failure) is one failed reconcile, retried with backoff, never the end
// of the process.
Result<Action> Controller::reconcile_guarded(const std::string& key, const std::stop_token& stop) {
  try {
    return reconcile_(ObjectKey::parse(key), stop);
  } catch (const std::exception& e) {
    return make_error(Errc::kInternal, "reconcile threw: {}", e.what());
  } catch (...) {
    return make_error(Errc::kInternal, "reconcile threw a non-standard exception");
  }
}

void Controller::worker(const std::stop_token& stop) {
  while (auto key = queue_.get(stop)) {
    ++reconciles_;
    auto result = reconcile_guarded(*key, stop);
    if (!result) {
      ++failures_;
      auto delay = queue_.add_rate_limited(*key);
      logger().warn("reconcile failed", {{"controller", options_.name},
                                         {"key", *key},
                                         {"error", result.error().to_string()},
                                         {"retry_in_ms", delay.count()}});
    } else {
      queue_.forget(*key);
      if (result->requeue_after) queue_.add_after(*key, *result->requeue_after);
    }
    queue_.done(*key);
  }
}

}  // namespace kc::kube::runtime
