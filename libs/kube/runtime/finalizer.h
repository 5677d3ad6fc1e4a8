#pragma once

// The finalizer helper (kube-rs's `finalizer()`): cleanup that must happen before an object
// disappears (deleting a consumer group's state, telling workers to stop a connector).
//
//   return with_finalizer(client, connectors, *obj, "kconnect.dev/connector",
//       [&](FinalizerEvent event) -> Result<Action> {
//         return event == FinalizerEvent::kApply ? apply(*obj) : cleanup(*obj);
//       });
//
// Guarantees:
// - A live object gets the finalizer before kApply runs (added with the object's resourceVersion
//   as precondition, then this returns await_change: the write wakes the next reconcile).
// - For an object being deleted, kCleanup runs; only when it succeeds is the finalizer removed (the
//   server then deletes the object). A failing cleanup keeps the object and is retried with
//   backoff.
// - kCleanup never runs for an object that never had the finalizer.
// Caveats: cleanup can run more than once (a crash after cleanup, before the finalizer is
// removed), so it must be idempotent.

#include <functional>
#include <string_view>

#include "libs/base/error.h"
#include "libs/kube/client/client.h"
#include "libs/kube/runtime/action.h"

namespace kc::kube::runtime {

enum class FinalizerEvent { kApply, kCleanup };

Result<Action> with_finalizer(Client& client, const ResourceType& type, const Object& object,
                              std::string_view finalizer,
                              const std::function<Result<Action>(FinalizerEvent)>& reconcile);

// Adds / removes `finalizer`, failing with kConflict when the object changed since `object` was
// read (its resourceVersion is the precondition).
Status add_finalizer(Client& client, const ResourceType& type, const Object& object,
                     std::string_view finalizer);
Status remove_finalizer(Client& client, const ResourceType& type, const Object& object,
                        std::string_view finalizer);

}  // namespace kc::kube::runtime
