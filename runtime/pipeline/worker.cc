#include "runtime/pipeline/worker.h"

#include <algorithm>
#include <cctype>
#include <thread>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/tls/openssl.h"
#include "runtime/config/security/material.h"

namespace kc::pipeline {
namespace {
auto& logger() {
  static auto& log = kc::log::get("kc.pipeline.worker");
  return log;
}
}  // namespace

std::string static_member_id(std::string_view prefix, std::string_view connector, int task) {
  constexpr size_t kMaxLength = 249;  // Kafka's limit for group.instance.id (as for topics)
  std::string id = fmt::format("{}-{}-{}", prefix, connector, task);
  for (char& ch : id) {
    bool allowed =
        std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
    if (!allowed || static_cast<unsigned char>(ch) > 127) ch = '_';
  }
  if (id.size() <= kMaxLength) return id;
  auto hash = tls::sha256_hex(id).substr(0, 16);
  return id.substr(0, kMaxLength - hash.size() - 1) + "-" + hash;
}

Worker::Worker(WorkerContext context) : context_(std::move(context)) {}

Worker::~Worker() { stop(); }

Result<std::unique_ptr<SinkTask>> Worker::make_task(const Running& running, int id,
                                                    const std::string& worker_id) const {
  auto task =
      SinkTask::create({.connector = running.config,
                        .task_id = id,
                        .worker_id = worker_id,
                        .group_instance_id = context_.static_member_prefix.empty()
                                                 ? std::string()
                                                 : static_member_id(context_.static_member_prefix,
                                                                    running.config->name, id),
                        .bootstrap_servers = context_.bootstrap_servers,
                        .material_properties = running.material_properties,
                        .flush_interval = context_.flush_interval,
                        .flush_timeout = context_.flush_timeout,
                        .start_paused = running.paused,
                        .topics = running.topics,
                        .metrics = context_.metrics});
  if (!task) {
    logger().error(
        "task could not be created",
        {{"connector", running.config->name}, {"task", id}, {"error", task.error().message()}});
    return task;
  }
  (*task)->start();
  return task;
}

void Worker::install(Running& running, int id, Result<std::unique_ptr<SinkTask>> task) {
  if (!task) {
    running.task_errors[id] = task.error().message();
    return;
  }
  running.task_errors.erase(id);
  running.tasks[id] = std::move(*task);
}

Status Worker::add_connector(const std::shared_ptr<const config::ConnectorConfig>& config,
                             bool paused, std::shared_ptr<ActiveTopics> topics) {
  if (has_connector(config->name))
    return make_error(Errc::kAlreadyExists, "Connector {} already exists", config->name);
  auto checked = config::security::check_material(config->consumer.security);
  if (!checked) {
    logger().error("connector refused: its TLS material is unusable",
                   {{"connector", config->name}, {"error", checked.error().message()}});
    return tl::unexpected(checked.error());
  }
  for (const auto& warning : checked->warnings)
    logger().warn("TLS material", {{"connector", config->name}, {"warning", warning}});
  auto running = std::make_unique<Running>();
  running->config = config;
  running->material_properties = std::move(checked->properties);
  running->paused = paused;
  running->topics = topics ? std::move(topics) : std::make_shared<ActiveTopics>();
  auto id = worker_id();
  for (int t = 0; t < config->tasks_max; ++t) install(*running, t, make_task(*running, t, id));
  {
    std::lock_guard lock(mu_);
    if (connectors_.count(config->name)) {
      return make_error(Errc::kAlreadyExists, "Connector {} already exists", config->name);
    }
    logger().info("connector started",
                  {{"connector", config->name}, {"tasks", config->tasks_max}, {"paused", paused}});
    connectors_[config->name] = std::move(running);
  }
  if (!config->consumer.security.material.empty()) start_watcher(config->name);
  return ok();
}

void Worker::start_watcher(const std::string& name) {
  std::shared_ptr<const config::ConnectorConfig> config;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return;
    config = it->second->config;
  }
  auto watcher = tls::MaterialWatcher::start(
      config->consumer.security.material,
      {.connector = name,
       .debounce = context_.material_debounce,
       .poll_interval = context_.material_poll_interval,
       .registry = context_.metrics},
      [this, name](const tls::MaterialWatcher::Event& event) { on_material_event(name, event); });
  if (!watcher) {
    // check_material just accepted the files; they changed since. The tasks run with what they
    // read; a force-commit re-reads the files.
    logger().error("TLS material watcher could not start",
                   {{"connector", name}, {"error", watcher.error().message()}});
    std::lock_guard lock(mu_);
    if (auto it = connectors_.find(name); it != connectors_.end())
      it->second->material_problem = watcher.error().message();
    return;
  }
  std::unique_ptr<tls::MaterialWatcher> unused;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end() || it->second->config != config) {
    unused = std::move(*watcher);
    return;
  }
  it->second->watcher = std::move(*watcher);
}

void Worker::request_rollovers(Running& running, const Rollover& rollover) {
  for (auto& [id, t] : running.tasks) t->request_rollover(rollover);
}

void Worker::on_material_event(const std::string& name, const tls::MaterialWatcher::Event& event) {
  using Kind = tls::MaterialWatcher::EventKind;
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return;
  auto& running = *it->second;
  switch (event.kind) {
    case Kind::kNewMaterial: {
      running.material_problem.clear();
      running.material_warnings.clear();
      running.material_properties =
          config::security::material_properties(running.config->consumer.security, *event.material);
      logger().info("renewed TLS material; rolling the tasks over", {{"connector", name}});
      request_rollovers(running, {.material_properties = running.material_properties,
                                  .reason = "renewed TLS material",
                                  .noticed = event.noticed});
      break;
    }
    case Kind::kInvalidMaterial:
      running.material_problem = event.reason;
      logger().error("renewed TLS material is unusable; the tasks keep their consumers",
                     {{"connector", name}, {"error", event.reason}});
      break;
    case Kind::kRestored:
      running.material_problem.clear();
      break;
    case Kind::kExpiringSoon:
      if (std::find(running.material_warnings.begin(), running.material_warnings.end(),
                    event.reason) == running.material_warnings.end())
        running.material_warnings.push_back(event.reason);
      break;
  }
}

Status Worker::force_commit(const std::string& name) {
  std::shared_ptr<const config::ConnectorConfig> config;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return make_error(Errc::kNotFound, "Connector {} not found", name);
    config = it->second->config;
  }
  auto requested = std::chrono::steady_clock::now();
  auto checked = config::security::check_material(config->consumer.security);
  if (!checked) {
    return make_error(Errc::kConflict, "The TLS material of connector {} is unusable: {}", name,
                      checked.error().message());
  }
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return make_error(Errc::kNotFound, "Connector {} not found", name);
  auto& running = *it->second;
  running.material_properties = std::move(checked->properties);
  logger().info("force-commit: rolling the tasks over", {{"connector", name}});
  request_rollovers(running, {.material_properties = running.material_properties,
                              .reason = "force-commit",
                              .noticed = requested});
  return ok();
}

Status Worker::remove_connector(const std::string& name) {
  std::unique_ptr<Running> running;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return make_error(Errc::kNotFound, "Connector {} not found", name);
    running = std::move(it->second);
    connectors_.erase(it);
  }
  std::vector<std::thread> stoppers;
  for (auto& [id, t] : running->tasks) stoppers.emplace_back([&task = t] { task->stop(); });
  for (auto& s : stoppers) s.join();
  running->watcher.reset();  // after the tasks (ADR 0003)
  logger().info("connector stopped", {{"connector", name}});
  return ok();
}

Status Worker::pause_connector(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return make_error(Errc::kNotFound, "Connector {} not found", name);
  it->second->paused = true;
  for (auto& [id, t] : it->second->tasks) t->pause();
  return ok();
}

Status Worker::resume_connector(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return make_error(Errc::kNotFound, "Connector {} not found", name);
  it->second->paused = false;
  for (auto& [id, t] : it->second->tasks) t->resume();
  return ok();
}

Status Worker::restart_task(const std::string& name, int task_id) {
  std::unique_ptr<SinkTask> old;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return make_error(Errc::kNotFound, "Connector {} not found", name);
    auto& running = *it->second;
    if (task_id < 0 || task_id >= running.config->tasks_max)
      return make_error(Errc::kNotFound, "Task {}-{} not found", name, task_id);
    if (auto t = running.tasks.find(task_id); t != running.tasks.end()) {
      old = std::move(t->second);
      running.tasks.erase(t);
    }
    running.task_errors.erase(task_id);
    running.restarting.insert(task_id);
  }
  if (old) old->stop();  // flush, commit, leave the group
  old.reset();
  // A snapshot of what the new task needs; the connector may change meanwhile.
  Running snapshot;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return ok();  // removed meanwhile
    snapshot.config = it->second->config;
    snapshot.paused = it->second->paused;
    snapshot.topics = it->second->topics;
    snapshot.material_properties = it->second->material_properties;
  }
  auto task = make_task(snapshot, task_id, worker_id());
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return ok();  // removed meanwhile; `task` stops on destruction
  it->second->restarting.erase(task_id);
  if (task && it->second->paused) (*task)->pause();
  install(*it->second, task_id, std::move(task));
  logger().info("task restarted", {{"connector", name}, {"task", task_id}});
  return ok();
}

std::string Worker::worker_id() const {
  std::lock_guard lock(mu_);
  return context_.worker_id;
}

void Worker::set_worker_id(std::string id) {
  std::lock_guard lock(mu_);
  context_.worker_id = std::move(id);
}

std::vector<std::string> Worker::connector_names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, _] : connectors_) names.push_back(name);
  return names;
}

bool Worker::has_connector(const std::string& name) const {
  std::lock_guard lock(mu_);
  return connectors_.count(name) > 0;
}

ConnectorStatus Worker::status_of(const Running& running, const std::string& worker_id) {
  ConnectorStatus s;
  s.name = running.config->name;
  s.worker_id = worker_id;
  s.state = running.paused ? TaskState::kPaused : TaskState::kRunning;
  for (const auto& [id, t] : running.tasks) s.tasks.push_back(t->status());
  for (const auto& [id, error] : running.task_errors) {
    s.tasks.push_back(
        {.task_id = id, .state = TaskState::kFailed, .worker_id = worker_id, .trace = error});
  }
  for (int id : running.restarting)
    s.tasks.push_back({.task_id = id, .state = TaskState::kRestarting, .worker_id = worker_id});
  if (!running.material_problem.empty())
    s.warnings.push_back("TLS material: " + running.material_problem);
  s.warnings.insert(s.warnings.end(), running.material_warnings.begin(),
                    running.material_warnings.end());
  std::sort(s.tasks.begin(), s.tasks.end(),
            [](const auto& a, const auto& b) { return a.task_id < b.task_id; });
  return s;
}

Result<ConnectorStatus> Worker::status(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end())
    return make_error(Errc::kNotFound, "No status found for connector {}", name);
  return status_of(*it->second, context_.worker_id);
}

std::vector<ConnectorStatus> Worker::statuses() const {
  std::lock_guard lock(mu_);
  std::vector<ConnectorStatus> out;
  for (const auto& [name, running] : connectors_)
    out.push_back(status_of(*running, context_.worker_id));
  return out;
}

bool Worker::caught_up() const {
  auto all = statuses();
  if (all.empty()) return false;
  for (const auto& c : all) {
    size_t assigned = 0;
    for (const auto& t : c.tasks) {
      if (t.state == TaskState::kFailed) return false;
      for (const auto& p : t.partitions) {
        if (!p.caught_up()) return false;
        ++assigned;
      }
    }
    if (assigned == 0) return false;
  }
  return true;
}

std::vector<std::string> Worker::commit_all(std::chrono::milliseconds timeout) {
  std::vector<std::string> uncommitted;
  std::lock_guard lock(mu_);
  for (const auto& [name, running] : connectors_) {
    for (const auto& [id, task] : running->tasks) {
      auto committed = task->commit_now(timeout);
      for (const auto& p : task->status().partitions) {
        if (p.delivered < 0 || p.committed >= p.delivered) continue;
        uncommitted.push_back(fmt::format(
            "{} task {} {}-{}: written to position {}, committed {}{}", name, id, p.partition.topic,
            p.partition.partition, p.delivered,
            p.committed < 0 ? std::string("none") : std::to_string(p.committed),
            committed ? std::string() : fmt::format(" ({})", committed.error().message())));
      }
    }
  }
  return uncommitted;
}

void Worker::stop() {
  std::map<std::string, std::unique_ptr<Running>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(connectors_);
  }
  std::vector<std::thread> stoppers;
  for (auto& [name, running] : all) {
    for (auto& [id, t] : running->tasks) stoppers.emplace_back([&task = t] { task->stop(); });
  }
  for (auto& s : stoppers) s.join();
  for (auto& [name, running] : all) running->watcher.reset();
}

}  // namespace kc::pipeline
