#pragma once

// Records core/v1 Events about objects (what `kubectl describe` shows), aggregating repeats the
// way client-go's recorder does: the same (object, type, reason, message) again bumps count and
// lastTimestamp of the existing Event instead of creating a new one.
//
// Threading: thread-safe; record() makes one API call on the calling thread. Errors are returned
// so callers may log them; an Event failing to be written must never fail a reconcile.
// Messages must not contain secret values.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "libs/kube/client/client.h"

namespace kc::kube::runtime {

enum class EventType { kNormal, kWarning };

class EventRecorder {
 public:
  // `component`: reportingComponent / source.component ("kconnect-operator"); `instance`: the pod.
  EventRecorder(Client& client, std::string component, std::string instance);

  // `action` is what was done or failed ("Reconcile", "RollWorkers"); `reason` CamelCase.
  Status record(const Object& regarding, EventType type, std::string_view reason,
                std::string_view action, std::string_view message);

  // For a reconcile loop that re-derives the same finding on every pass: records only when
  // `message` differs from the last one recorded for this object and reason. A failure is
  // logged (an Event never fails a reconcile) and forgotten, so the next pass tries again.
  void record_on_change(const Object& regarding, EventType type, const std::string& reason,
                        const std::string& message, std::string_view action = "Reconcile");

 private:
  struct Seen {
    std::string name;
    std::string ns;
    int64_t count = 0;
  };
  Client& client_;
  std::string component_;
  std::string instance_;
  std::mutex mu_;
  std::map<std::string, Seen> seen_;                 // aggregation key -> event
  std::map<std::string, std::string> last_message_;  // "<uid>/<reason>" -> message
};

}  // namespace kc::kube::runtime
