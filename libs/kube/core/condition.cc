#include "libs/kube/core/condition.h"

#include <algorithm>

#include "libs/base/strings.h"

namespace kc::kube {
namespace {

bool reason_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ',' || c == ':';
}

bool letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

bool is_valid_condition_reason(std::string_view reason) {
  if (reason.empty() || reason.size() > kConditionReasonMaxLength) return false;
  if (!letter(reason.front())) return false;
  if (reason.back() == ',' || reason.back() == ':') return false;
  return std::all_of(reason.begin(), reason.end(), reason_char);
}

std::string condition_reason(std::string_view reason) {
  if (is_valid_condition_reason(reason)) return std::string(reason);
  std::string out;
  for (char c : reason) {
    if (reason_char(c)) out.push_back(c);
  }
  if (out.empty() || !letter(out.front())) out.insert(0, "Unknown");
  if (out.size() > kConditionReasonMaxLength) out.resize(kConditionReasonMaxLength);
  while (out.back() == ',' || out.back() == ':') out.pop_back();
  return out;
}

std::string condition_message(std::string_view message) {
  std::string out = strings::sanitize_utf8(message);
  if (out.size() <= kConditionMessageMaxBytes) return out;
  size_t cut = kConditionMessageMaxBytes;
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out;
}

Object Condition::to_json() const {
  return {{"type", type},
          {"status", status},
          {"reason", condition_reason(reason)},
          {"message", condition_message(message)},
          {"lastTransitionTime", last_transition_time},
          {"observedGeneration", std::max<int64_t>(observed_generation, 0)}};
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
  condition.reason = condition_reason(condition.reason);
  condition.message = condition_message(condition.message);
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
