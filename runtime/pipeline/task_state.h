#pragma once

#include <string_view>

namespace kc::pipeline {

// Kafka Connect's connector and task states (AbstractStatus.State, without DESTROYED).
enum class TaskState { kUnassigned, kRunning, kPaused, kFailed, kStopped, kRestarting };
std::string_view task_state_name(TaskState state);  // Kafka Connect's names: "RUNNING", ...

}  // namespace kc::pipeline
