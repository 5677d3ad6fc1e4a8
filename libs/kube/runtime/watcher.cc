#include "libs/kube/runtime/watcher.h"

#include "libs/base/log.h"
#include "libs/kube/runtime/sleep.h"

namespace kc::kube::runtime {
namespace {

log::Logger& logger() {
  static auto& l = log::get("kc.kube.watch");
  return l;
}

}  // namespace

void strip_managed_fields(Object& object) {
  auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object()) meta->erase("managedFields");
}

Watcher::Watcher(ListWatch& source, Sink sink, Options options)
    : source_(source),
      sink_(std::move(sink)),
      options_(std::move(options)),
      backoff_(options_.backoff) {}

void Watcher::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    auto status = step(stop);
    if (stop.stop_requested()) return;
    if (status && !last_watch_empty_) {
      backoff_.reset();
      continue;
    }
    auto delay = backoff_.next();
    if (!status) {
      logger().warn("list/watch failed; retrying", {{"watcher", options_.name},
                                                    {"error", status.error().to_string()},
                                                    {"retry_in_ms", delay.count()}});
    }
    sleep_for(delay, stop);
  }
}

Status Watcher::step(const std::stop_token& stop) {
  last_watch_empty_ = false;
  if (state_ == State::kEmpty) {
    KC_ASSIGN_OR_RETURN(auto list, source_.list(stop, options_.transform));
    WatcherEvent event{.kind = WatcherEvent::Kind::kRestarted};
    event.objects.reserve(list.items.size());
    for (auto& item : list.items) {
      event.objects.push_back(std::make_shared<const Object>(std::move(item)));
    }
    ++relists_;
    logger().debug("listed", {{"watcher", options_.name},
                              {"objects", event.objects.size()},
                              {"resource_version", list.resource_version}});
    sink_(std::move(event));
    resource_version_ = list.resource_version;
    state_ = State::kWatching;
    return ok();
  }

  size_t events = 0;
  auto started = std::chrono::steady_clock::now();
  auto end = source_.watch(
      resource_version_,
      [&](WatchEvent&& e) {
        ++events;
        std::string rv = resource_version_of(e.object);
        if (options_.transform && e.type != WatchEvent::Type::kBookmark) {
          options_.transform(e.object);
        }
        switch (e.type) {
          case WatchEvent::Type::kBookmark:
            break;
          case WatchEvent::Type::kAdded:
          case WatchEvent::Type::kModified:
            sink_({.kind = WatcherEvent::Kind::kApplied,
                   .object = std::make_shared<const Object>(std::move(e.object))});
            break;
          case WatchEvent::Type::kDeleted:
            sink_({.kind = WatcherEvent::Kind::kDeleted,
                   .object = std::make_shared<const Object>(std::move(e.object))});
            break;
        }
        if (!rv.empty()) resource_version_ = rv;
        return !stop.stop_requested();
      },
      stop);
  if (!end) return tl::unexpected(std::move(end).error());
  if (*end == WatchEnd::kExpired) {
    logger().info("resource version expired; relisting",
                  {{"watcher", options_.name}, {"resource_version", resource_version_}});
    state_ = State::kEmpty;
    return ok();
  }
  // A stream that ends at once without a single event is a misbehaving server: back off.
  last_watch_empty_ = *end == WatchEnd::kClosed && events == 0 &&
                      std::chrono::steady_clock::now() - started < std::chrono::milliseconds(100);
  return ok();
}

}  // namespace kc::kube::runtime
