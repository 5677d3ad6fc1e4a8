#include "runtime/pipeline/control.h"

#include "libs/base/strings.h"
#include "runtime/config/providers.h"

namespace kc::pipeline {

std::string_view target_state_name(TargetState state) {
  switch (state) {
    case TargetState::kRunning:
      return "RUNNING";
    case TargetState::kPaused:
      return "PAUSED";
    case TargetState::kStopped:
      return "STOPPED";
  }
  return "RUNNING";
}

std::optional<TargetState> parse_target_state(std::string_view text) {
  auto t = strings::to_upper(strings::trim(text));
  if (t == "RUNNING") return TargetState::kRunning;
  if (t == "PAUSED") return TargetState::kPaused;
  if (t == "STOPPED") return TargetState::kStopped;
  return std::nullopt;
}

api::RawConfig redacted(const api::RawConfig& config) {
  api::RawConfig out;
  for (const auto& [key, value] : config) {
    bool hide = api::is_sensitive_key(key) || config::has_provider_reference(value);
    out.emplace(key, hide ? std::string(api::kHidden) : value);
  }
  return out;
}

}  // namespace kc::pipeline
