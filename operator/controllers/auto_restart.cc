#include "operator/controllers/auto_restart.h"

#include <algorithm>

namespace kc::operator_controllers {

std::chrono::minutes auto_restart_backoff(int32_t restarts) {
  int64_t n = std::max<int64_t>(0, restarts);
  return std::chrono::minutes(std::min<int64_t>(n * n + n, 60));
}

AutoRestartDecision decide_auto_restart(const operator_api::KafkaConnector& connector, bool failed,
                                        kube::WallTime now) {
  using Kind = AutoRestartDecision::Kind;
  const auto& ar = connector.spec.auto_restart;
  bool enabled = !ar || ar->enabled.value_or(true);
  const auto& status = connector.status;
  auto last = kube::parse_time(status.last_auto_restart_time);
  if (!failed) {
    if (status.restart_count > 0 && last &&
        now - *last > auto_restart_backoff(status.restart_count)) {
      return {Kind::kReset, {}};
    }
    return {};
  }
  if (!enabled || connector.spec.state != "running") return {};
  if (ar && ar->max_restarts && status.restart_count >= *ar->max_restarts) {
    return {Kind::kGaveUp, {}};
  }
  if (!last || status.restart_count == 0) return {Kind::kRestart, now};
  auto due = *last + auto_restart_backoff(status.restart_count);
  if (now >= due) return {Kind::kRestart, now};
  return {Kind::kWait, due};
}

}  // namespace kc::operator_controllers
