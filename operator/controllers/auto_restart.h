#pragma once

// autoRestart as Strimzi does it (KafkaConnectorAutoRestart): a FAILED connector or task is
// restarted after a backoff of n*n+n minutes for the n-th restart of a series (0, 2, 6, 12, 20,
// 30, 42, 56, then every 60), up to maxRestarts; the series is reset once the connector has been
// running longer than the next backoff since the last restart. Pure; thread-safe.

#include <chrono>
#include <optional>

#include "libs/kube/core/time.h"
#include "operator/api/kafka_connector.h"

namespace kc::operator_controllers {

// Backoff before the restart that follows `restarts` earlier restarts of the series.
std::chrono::minutes auto_restart_backoff(int32_t restarts);

struct AutoRestartDecision {
  enum class Kind {
    kNone,     // nothing to do
    kRestart,  // restart now: count becomes restart_count + 1, lastAutoRestartTime = now
    kWait,     // failed, but the backoff has not passed: look again at `due`
    kReset,    // healthy for long enough: the series count goes back to 0
    kGaveUp,   // maxRestarts reached
  } kind = Kind::kNone;
  kube::WallTime due{};
};

// `failed`: the connector or one of its tasks is FAILED (as merged from the workers).
AutoRestartDecision decide_auto_restart(const operator_api::KafkaConnector& connector, bool failed,
                                        kube::WallTime now);

}  // namespace kc::operator_controllers
