#include "libs/kube/core/condition.h"

#include <algorithm>

namespace kc::kube {

Object Condition::to_json() const {
  Object c = {{"type", type},
              {"status", status},
              {"reason", reason},
              {"message", message},
              {"lastTransitionTime", last_transition_time}};
  if (observed_generation > 0) c["observedGeneration"] = observed_generation;
  return c;
}

Condition Condition::from_json(const Object& c) {
  Condition out;
  out.type = c.value("type", "");
  out.status = c.value("status", "");
  out.reason = c.value("reason", "");
  out.message = c.value("message", "");
  out.last_transition_time = c.value("lastTransitionTime", "");
  if (c.contains("observedGeneration") && c["observedGeneration"].is_number_integer()) {
    out.observed_generation = c["observedGeneration"].get<int64_t>();
  }
  return out;
}

bool set_condition(std::vector<Condition>& conditions, Condition condition, WallTime now) {
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const Condition& c) { return c.type == condition.type; });
  if (it == conditions.end()) {
    condition.last_transition_time = format_time(now);
    conditions.push_back(std::move(condition));
    return true;
  }
  condition.last_transition_time =
      it->status == condition.status ? it->last_transition_time : format_time(now);
  if (*it == condition) return false;
  *it = std::move(condition);
  return true;
}

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const auto& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool is_condition_true(const std::vector<Condition>& conditions, std::string_view type) {
  const Condition* c = find_condition(conditions, type);
  return c != nullptr && c->status == "True";
}

std::vector<Condition> conditions_of(const Object& object) {
  std::vector<Condition> out;
  const Object* list = find_path(object, "status.conditions");
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& c : *list) {
    if (c.is_object()) out.push_back(Condition::from_json(c));
  }
  return out;
}

Object conditions_to_json(const std::vector<Condition>& conditions) {
  Object list = Object::array();
  for (const auto& c : conditions) list.push_back(c.to_json());
  return list;
}

}  // namespace kc::kube
