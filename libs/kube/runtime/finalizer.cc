#include "libs/kube/runtime/finalizer.h"

namespace kc::kube::runtime {
namespace {

Status write_finalizers(Client& client, const ResourceType& type, const Object& object,
                        const std::vector<std::string>& finalizers) {
  Object patch = {{"metadata",
                   {{"resourceVersion", resource_version_of(object)},
                    {"finalizers", finalizers.empty() ? Object(nullptr) : Object(finalizers)}}}};
  KC_RETURN_IF_ERROR(client.merge_patch(type, namespace_of(object), name_of(object), patch));
  return ok();
}

}  // namespace

Status add_finalizer(Client& client, const ResourceType& type, const Object& object,
                     std::string_view finalizer) {
  auto list = finalizers_of(object);
  if (has_finalizer(object, finalizer)) return ok();
  list.emplace_back(finalizer);
  return write_finalizers(client, type, object, list);
}

Status remove_finalizer(Client& client, const ResourceType& type, const Object& object,
                        std::string_view finalizer) {
  auto list = finalizers_of(object);
  std::erase(list, std::string(finalizer));
  if (list.size() == finalizers_of(object).size()) return ok();
  return write_finalizers(client, type, object, list);
}

Result<Action> with_finalizer(Client& client, const ResourceType& type, const Object& object,
                              std::string_view finalizer,
                              const std::function<Result<Action>(FinalizerEvent)>& reconcile) {
  bool present = has_finalizer(object, finalizer);
  if (is_being_deleted(object)) {
    if (!present) return Action::await_change();
    KC_ASSIGN_OR_RETURN(auto action, reconcile(FinalizerEvent::kCleanup));
    (void)action;
    KC_RETURN_IF_ERROR(remove_finalizer(client, type, object, finalizer));
    return Action::await_change();
  }
  if (!present) {
    KC_RETURN_IF_ERROR(add_finalizer(client, type, object, finalizer));
    return Action::await_change();
  }
  return reconcile(FinalizerEvent::kApply);
}

}  // namespace kc::kube::runtime
