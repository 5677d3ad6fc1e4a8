#include "runtime/managed/reconciler.h"

#include "libs/base/log.h"

namespace kc::managed {
namespace {

auto& logger() {
  static auto& log = kc::log::get("kc.managed");
  return log;
}

void log_failure(const std::string& name, std::string_view action, const Error& error) {
  logger().error("connector change refused",
                 {{"connector", name}, {"action", action}, {"error", error.message()}});
}

}  // namespace

Reconciler::Reconciler(pipeline::WorkerControl& control) : control_(control) {}

void Reconciler::apply(const DesiredState& desired) {
  apply_logging(desired.logging);
  for (auto it = applied_.begin(); it != applied_.end();) {
    if (desired.connectors.count(it->first)) {
      ++it;
      continue;
    }
    if (it->second.running) {
      auto st = control_.delete_connector(it->first);
      if (!st && st.error().code() != Errc::kNotFound) log_failure(it->first, "delete", st.error());
      logger().info("connector removed", {{"connector", it->first}});
    }
    it = applied_.erase(it);
  }
  for (const auto& [name, entry] : desired.connectors) {
    DesiredConnector want = entry;
    want.config = worker_share(name, entry.config, desired.workers);
    auto it = applied_.find(name);
    if (it == applied_.end()) {
      add(name, want);
    } else if (!(it->second.desired == want)) {
      update(name, want, it->second);
    }
  }
}

void Reconciler::add(const std::string& name, const DesiredConnector& want) {
  auto put = control_.put_connector(name, want.config, want.state, /*allow_replace=*/true);
  if (!put)
    log_failure(name, "create", put.error());
  else
    logger().info("connector added",
                  {{"connector", name},
                   {"state", pipeline::target_state_name(want.state)},
                   {"tasks", want.config.count("tasks.max") ? want.config.at("tasks.max")
                                                            : std::string("1")}});
  applied_[name] = Applied{.desired = want, .running = put.has_value()};
}

void Reconciler::update(const std::string& name, const DesiredConnector& want, Applied& have) {
  bool replaced = false;
  if (!have.running) {
    // Never created (refused before): try again as new, with the new entry.
    applied_.erase(name);
    add(name, want);
    return;
  }
  if (have.desired.config != want.config) {
    auto put = control_.put_connector(name, want.config, std::nullopt, /*allow_replace=*/true);
    if (!put) {
      // The Herder keeps running the previous configuration.
      log_failure(name, "update", put.error());
    } else {
      replaced = true;
      logger().info("connector configuration replaced", {{"connector", name}});
    }
  }
  if (have.desired.state != want.state) set_state(name, want.state);
  if (want.restart_token != have.desired.restart_token && !want.restart_token.empty() &&
      !replaced) {
    auto restarted = control_.restart(name, {.include_tasks = true, .only_failed = false});
    if (!restarted)
      log_failure(name, "restart", restarted.error());
    else
      logger().info("connector restarted (restartToken)", {{"connector", name}});
  }
  if (want.force_commit_token != have.desired.force_commit_token &&
      !want.force_commit_token.empty()) {
    auto st = control_.force_commit(name);
    if (!st)
      log_failure(name, "force-commit", st.error());
    else
      logger().info("connector force-committed (forceCommitToken)", {{"connector", name}});
  }
  have.desired = want;
}

void Reconciler::set_state(const std::string& name, pipeline::TargetState state) {
  Status st = ok();
  switch (state) {
    case pipeline::TargetState::kRunning:
      st = control_.resume(name);
      break;
    case pipeline::TargetState::kPaused:
      st = control_.pause(name);
      break;
    case pipeline::TargetState::kStopped:
      st = control_.stop(name);
      break;
  }
  if (!st)
    log_failure(name, pipeline::target_state_name(state), st.error());
  else
    logger().info("connector state changed",
                  {{"connector", name}, {"state", pipeline::target_state_name(state)}});
}

void Reconciler::apply_logging(const LoggingSettings& logging) {
  if (logging == logging_) return;
  if (!logging.level.empty()) {
    if (auto level = kc::log::parse_level(logging.level))
      kc::log::set_level("root", *level);
    else
      logger().warn("logging.level is not a level (TRACE, DEBUG, INFO, WARN, ERROR)",
                    {{"level", logging.level}});
  }
  if (logging.format == "json" || logging.format == "text") {
    kc::log::set_format(logging.format == "json" ? kc::log::Format::kJson : kc::log::Format::kText);
  } else if (!logging.format.empty()) {
    logger().warn("logging.format is not text or json", {{"format", logging.format}});
  }
  for (const auto& [name, text] : logging.loggers) {
    if (auto level = kc::log::parse_level(text))
      kc::log::set_level(name, *level);
    else
      logger().warn("logging.loggers: not a level", {{"logger", name}, {"level", text}});
  }
  // Loggers no longer listed go back to inheriting.
  for (const auto& [name, text] : logging_.loggers) {
    if (!logging.loggers.count(name)) kc::log::set_level(name, std::nullopt);
  }
  logging_ = logging;
}

}  // namespace kc::managed
