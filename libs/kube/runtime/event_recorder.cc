#include "libs/kube/runtime/event_recorder.h"

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/kube/core/time.h"

namespace kc::kube::runtime {

EventRecorder::EventRecorder(Client& client, std::string component, std::string instance)
    : client_(client), component_(std::move(component)), instance_(std::move(instance)) {}

Status EventRecorder::record(const Object& regarding, EventType type, std::string_view reason,
                             std::string_view action, std::string_view message) {
  std::string type_name = type == EventType::kWarning ? "Warning" : "Normal";
  std::string ns = namespace_of(regarding).empty() ? "default" : namespace_of(regarding);
  std::string key =
      fmt::format("{}\x1f{}\x1f{}\x1f{}", uid_of(regarding), type_name, reason, message);
  auto now = std::chrono::system_clock::now();
  const auto& events = resources::events();
  {
    std::unique_lock lock(mu_);
    auto it = seen_.find(key);
    if (it != seen_.end()) {
      Seen seen = it->second;
      lock.unlock();
      Object patch = {{"count", seen.count + 1}, {"lastTimestamp", format_time(now)}};
      auto patched = client_.merge_patch(events, seen.ns, seen.name, patch);
      if (patched) {
        std::lock_guard relock(mu_);
        seen_[key].count = seen.count + 1;
        return ok();
      }
      if (patched.error().code() != Errc::kNotFound) return tl::unexpected(patched.error());
      std::lock_guard relock(mu_);
      seen_.erase(key);  // expired on the server: create a new one
    }
  }
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::string name = fmt::format("{}.{:x}", name_of(regarding), nanos);
  Object event = {{"apiVersion", "v1"},
                  {"kind", "Event"},
                  {"metadata", {{"name", name}, {"namespace", ns}}},
                  {"involvedObject",
                   {{"apiVersion", regarding.value("apiVersion", "")},
                    {"kind", regarding.value("kind", "")},
                    {"name", name_of(regarding)},
                    {"namespace", namespace_of(regarding)},
                    {"uid", uid_of(regarding)},
                    {"resourceVersion", resource_version_of(regarding)}}},
                  {"type", type_name},
                  {"reason", reason},
                  {"action", action},
                  {"message", message},
                  {"count", 1},
                  {"firstTimestamp", format_time(now)},
                  {"lastTimestamp", format_time(now)},
                  {"eventTime", format_micro_time(now)},
                  {"source", {{"component", component_}}},
                  {"reportingComponent", component_},
                  {"reportingInstance", instance_}};
  KC_RETURN_IF_ERROR(client_.create(events, event));
  std::lock_guard lock(mu_);
  if (seen_.size() > 4096) seen_.clear();  // bounded: forgetting only costs a new Event
  seen_[key] = Seen{name, ns, 1};
  return ok();
}

void EventRecorder::record_on_change(const Object& regarding, EventType type,
                                     const std::string& reason, const std::string& message,
                                     std::string_view action) {
  std::string key = uid_of(regarding) + "/" + reason;
  {
    std::lock_guard lock(mu_);
    auto it = last_message_.find(key);
    if (it != last_message_.end() && it->second == message) return;
    if (last_message_.size() > 10'000) last_message_.clear();  // forgetting costs one repeat
    last_message_[key] = message;
  }
  if (auto recorded = record(regarding, type, reason, action, message); !recorded) {
    log::get("kc.kube.events")
        .warn("event not recorded", {{"reason", reason}, {"error", recorded.error().to_string()}});
    std::lock_guard lock(mu_);
    last_message_.erase(key);
  }
}

}  // namespace kc::kube::runtime
