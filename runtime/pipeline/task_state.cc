#include "runtime/pipeline/task_state.h"

namespace kc::pipeline {

std::string_view task_state_name(TaskState state) {
  switch (state) {
    case TaskState::kUnassigned:
      return "UNASSIGNED";
    case TaskState::kRunning:
      return "RUNNING";
    case TaskState::kPaused:
      return "PAUSED";
    case TaskState::kFailed:
      return "FAILED";
    case TaskState::kStopped:
      return "STOPPED";
    case TaskState::kRestarting:
      return "RESTARTING";
  }
  return "UNASSIGNED";
}

}  // namespace kc::pipeline
