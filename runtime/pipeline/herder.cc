#include "runtime/pipeline/herder.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/config/topic_regex.h"
#include "runtime/kafka/admin.h"

namespace kc::pipeline {
namespace {

auto& logger() {
  static auto& log = kc::log::get("kc.pipeline.herder");
  return log;
}

Error not_found(std::string message) { return Error(Errc::kNotFound, std::move(message)); }

std::string invalid_config_message(const std::vector<api::ConfigIssue>& issues) {
  size_t errors = 0;
  std::string lines;
  for (const auto& i : issues) {
    if (i.severity != api::ConfigIssue::Severity::kError) continue;
    ++errors;
    lines += "\n" + i.to_string();
  }
  return fmt::format(
      "Connector configuration is invalid and contains the following {} error(s):{}\nYou can "
      "also find the above list of errors at the endpoint "
      "`/connector-plugins/{{connectorType}}/config/validate`",
      errors, lines);
}

std::string group_id_of(const config::ConnectorConfig& c) {
  for (const auto& [k, v] : c.consumer.properties) {
    if (k == "group.id") return v;
  }
  return "connect-" + c.name;
}

}  // namespace

Herder::Herder(HerderOptions options, Worker& worker)
    : options_(std::move(options)), worker_(worker) {}

Herder::~Herder() = default;

// ---- internals ----------------------------------------------------------------------------

Result<std::shared_ptr<const config::ConnectorConfig>> Herder::resolve_and_validate(
    const api::RawConfig& raw) const {
  auto result = validate(raw);
  if (!result.ok()) return make_error(Errc::kInvalidConfig, invalid_config_message(result.issues));
  return std::make_shared<const config::ConnectorConfig>(std::move(*result.config));
}

std::optional<Herder::Entry> Herder::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void Herder::update(const std::string& name, const std::function<void(Entry&)>& change) {
  std::lock_guard lock(mu_);
  change(entries_[name]);
}

Status Herder::start_tasks(const std::string& name, const Entry& entry) {
  if (entry.target == TargetState::kStopped || !entry.applied) return ok();
  if (worker_.has_connector(name)) return ok();
  return worker_.add_connector(entry.applied, entry.target == TargetState::kPaused, entry.topics);
}

ConnectorInfo Herder::info_of(const std::string& name, const Entry& entry) const {
  ConnectorInfo info{.name = name, .config = entry.raw};
  if (entry.target != TargetState::kStopped && entry.applied) {
    for (int i = 0; i < entry.applied->tasks_max; ++i) info.tasks.push_back(i);
  }
  return info;
}

void Herder::persist() {
  if (options_.state_file.empty()) return;
  PersistedState state;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, e] : entries_) {
      PersistedConnector c{.state = e.target};
      if (!e.from_file) c.config = e.raw;
      state[name] = std::move(c);
    }
  }
  if (auto st = save_state(options_.state_file, state); !st) {
    logger().error("could not persist connector states",
                   {{"file", options_.state_file}, {"error", st.error().message()}});
  }
}

config::ClientProperties Herder::admin_properties(const Entry& entry) const {
  config::ClientProperties props;
  if (entry.applied) {
    props = entry.applied->admin;
  } else {
    std::vector<api::ConfigIssue> ignored;
    props = config::build_admin_properties(options_.worker.bootstrap_servers, options_.worker.admin,
                                           {}, ignored);
  }
  const auto& bootstrap = worker_.bootstrap_servers();
  for (auto& [k, v] : props) {
    if (k == "bootstrap.servers" && !bootstrap.empty()) v = bootstrap;
  }
  return props;
}

// ---- lifecycle ----------------------------------------------------------------------------

Status Herder::start(const std::vector<config::ConnectorDefinition>& from_files) {
  std::lock_guard changes(changes_);
  PersistedState persisted;
  if (!options_.state_file.empty()) {
    KC_ASSIGN_OR_RETURN(persisted, load_state(options_.state_file));
  }
  std::map<std::string, Entry> entries;
  for (const auto& def : from_files) {
    Entry e{.raw = def.config, .from_file = true};
    if (auto it = persisted.find(def.name); it != persisted.end()) e.target = it->second.state;
    entries[def.name] = std::move(e);
  }
  for (const auto& [name, p] : persisted) {
    if (entries.count(name) || !p.config) continue;
    entries[name] = Entry{.raw = *p.config, .target = p.state};
  }
  for (auto& [name, e] : entries) {
    auto applied = resolve_and_validate(e.raw);
    if (!applied) {
      e.failure = applied.error().message();
      logger().error("connector configuration is invalid",
                     {{"connector", name}, {"error", e.failure}});
    } else {
      e.applied = *applied;
    }
    {
      std::lock_guard lock(mu_);
      entries_[name] = e;
    }
    if (auto st = start_tasks(name, e); !st) {
      update(name, [&](Entry& x) { x.failure = st.error().message(); });
    }
    if (e.target != TargetState::kRunning) {
      logger().info("connector restored in its persisted state",
                    {{"connector", name}, {"state", target_state_name(e.target)}});
    }
  }
  {
    std::lock_guard lock(mu_);
    started_ = true;
  }
  persist();
  return ok();
}

void Herder::stop() {
  std::lock_guard changes(changes_);
  worker_.stop();
}

// ---- reads --------------------------------------------------------------------------------

std::vector<std::string> Herder::connectors() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, e] : entries_) names.push_back(name);
  return names;
}

Result<ConnectorInfo> Herder::connector(const std::string& name) const {
  auto entry = find(name);
  if (!entry) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  return info_of(name, *entry);
}

Result<ConnectorStatus> Herder::status(const std::string& name) const {
  auto entry = find(name);
  if (!entry)
    return tl::unexpected(not_found(fmt::format("No status found for connector {}", name)));
  ConnectorStatus s{.name = name, .worker_id = worker_.worker_id()};
  auto running = worker_.status(name);
  if (running) {
    s.tasks = running->tasks;
    s.warnings = running->warnings;
  }
  if (!entry->failure.empty()) {
    s.state = TaskState::kFailed;
    s.trace = entry->failure;
  } else if (entry->target == TargetState::kStopped) {
    s.state = TaskState::kStopped;
    s.tasks.clear();
  } else if (running) {
    s.state = running->state;
  } else {
    s.state = TaskState::kUnassigned;
  }
  return s;
}

std::vector<std::string> Herder::active_topics(const std::string& name) const {
  auto entry = find(name);
  if (!entry) return {};
  return entry->topics->list();
}

config::ValidationResult Herder::validate(const api::RawConfig& config) const {
  return config::resolve_and_validate(options_.worker, config, *options_.plugins);
}

Status Herder::health(std::chrono::milliseconds timeout) const {
  {
    std::lock_guard lock(mu_);
    if (!started_) return make_error(Errc::kUnavailable, "Worker is still starting up.");
  }
  std::unique_lock changes(changes_, std::defer_lock);
  if (!changes.try_lock_for(timeout)) {
    return make_error(Errc::kTimeout,
                      "Worker was unable to handle this request and may be unable to handle other "
                      "requests: a connector change has been in progress for more than {} ms.",
                      timeout.count());
  }
  return ok();
}

std::string Herder::kafka_cluster_id() {
  {
    std::lock_guard lock(mu_);
    if (!cluster_id_.empty()) return cluster_id_;
  }
  auto admin = kafka::Admin::create(admin_properties(Entry{}));
  if (!admin) return {};
  auto id = (*admin)->cluster_id(std::chrono::milliseconds(5000));
  if (!id) {
    logger().warn("could not read the Kafka cluster id", {{"error", id.error().message()}});
    return {};
  }
  std::lock_guard lock(mu_);
  cluster_id_ = *id;
  return cluster_id_;
}

Result<Offsets> Herder::offsets(const std::string& name) {
  auto entry = find(name);
  if (!entry) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  auto applied = entry->applied;
  if (!applied) {
    KC_ASSIGN_OR_RETURN(applied, resolve_and_validate(entry->raw));
  }
  auto failed = [&](const Error& e) {
    return make_error(Errc::kInternal,
                      "Failed to retrieve consumer group offsets for sink connector {}: {}", name,
                      e.message());
  };
  auto admin = kafka::Admin::create(admin_properties(*entry));
  if (!admin) return failed(admin.error());
  auto group = group_id_of(*applied);
  // The group's offsets; plus, named explicitly, those of the partitions the connector consumes
  // now (brokers that cannot list a group's offsets for all topics, such as librdkafka's mock,
  // still answer those).
  std::vector<api::TopicPartition> partitions;
  if (auto topics = (*admin)->list_topics(options_.admin_timeout)) {
    // The topics the consumer subscribes (a validated configuration's regex compiles).
    auto regex = config::TopicRegex::compile(applied->topics_regex);
    for (const auto& [topic, count] : *topics) {
      bool wanted = !applied->topics_regex.empty()
                        ? regex && regex->matches(topic)
                        : std::find(applied->topics.begin(), applied->topics.end(), topic) !=
                              applied->topics.end();
      for (int p = 0; wanted && p < count; ++p) partitions.push_back({topic, p});
    }
  }
  std::map<api::TopicPartition, int64_t> merged;
  auto all = (*admin)->group_offsets(group, std::nullopt, options_.admin_timeout);
  if (!all) return failed(all.error());
  for (const auto& [tp, offset] : *all) merged[tp] = offset;
  auto named = (*admin)->group_offsets(group, partitions, options_.admin_timeout);
  if (!named) return failed(named.error());
  for (const auto& [tp, offset] : *named) merged[tp] = offset;
  return Offsets(merged.begin(), merged.end());
}

// ---- changes ------------------------------------------------------------------------------

Result<PutResult> Herder::put_connector(const std::string& name, api::RawConfig config,
                                        std::optional<TargetState> initial, bool allow_replace) {
  std::lock_guard changes(changes_);
  KC_ASSIGN_OR_RETURN(auto applied, resolve_and_validate(config));
  auto existing = find(name);
  if (existing && !allow_replace)
    return make_error(Errc::kAlreadyExists, "Connector {} already exists", name);
  Entry e = existing ? *existing : Entry{.target = initial.value_or(TargetState::kRunning)};
  e.raw = std::move(config);
  e.applied = applied;
  e.failure.clear();
  if (existing && worker_.has_connector(name)) (void)worker_.remove_connector(name);
  update(name, [&](Entry& x) { x = e; });
  if (auto st = start_tasks(name, e); !st) {
    update(name, [&](Entry& x) { x.failure = st.error().message(); });
  }
  persist();
  logger().info(existing ? "connector updated" : "connector created",
                {{"connector", name}, {"state", target_state_name(e.target)}});
  return PutResult{.created = !existing, .info = info_of(name, e)};
}

Result<PutResult> Herder::patch_connector(const std::string& name, const ConfigPatch& patch) {
  auto existing = find(name);
  if (!existing) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  auto config = existing->raw;
  for (const auto& [key, value] : patch) {
    if (value) {
      config[key] = *value;
    } else {
      config.erase(key);
    }
  }
  return put_connector(name, std::move(config), std::nullopt, true);
}

Status Herder::delete_connector(const std::string& name) {
  std::lock_guard changes(changes_);
  if (!find(name)) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  if (worker_.has_connector(name)) (void)worker_.remove_connector(name);
  {
    std::lock_guard lock(mu_);
    entries_.erase(name);
  }
  persist();
  logger().info("connector deleted", {{"connector", name}});
  return ok();
}

Status Herder::pause(const std::string& name) {
  std::lock_guard changes(changes_);
  auto entry = find(name);
  if (!entry) return tl::unexpected(not_found(fmt::format("Unknown connector {}", name)));
  if (entry->target == TargetState::kPaused) return ok();
  entry->target = TargetState::kPaused;
  update(name, [&](Entry& x) { x.target = TargetState::kPaused; });
  if (worker_.has_connector(name)) {
    KC_RETURN_IF_ERROR(worker_.pause_connector(name));
  } else {
    KC_RETURN_IF_ERROR(start_tasks(name, *entry));  // from STOPPED: tasks start paused
  }
  persist();
  logger().info("connector paused", {{"connector", name}});
  return ok();
}

Status Herder::resume(const std::string& name) {
  std::lock_guard changes(changes_);
  auto entry = find(name);
  if (!entry) return tl::unexpected(not_found(fmt::format("Unknown connector {}", name)));
  if (entry->target == TargetState::kRunning) return ok();
  entry->target = TargetState::kRunning;
  update(name, [&](Entry& x) { x.target = TargetState::kRunning; });
  if (worker_.has_connector(name)) {
    KC_RETURN_IF_ERROR(worker_.resume_connector(name));
  } else {
    KC_RETURN_IF_ERROR(start_tasks(name, *entry));  // from STOPPED
  }
  persist();
  logger().info("connector resumed", {{"connector", name}});
  return ok();
}

Status Herder::stop(const std::string& name) {
  std::lock_guard changes(changes_);
  if (!find(name)) return tl::unexpected(not_found(fmt::format("Unknown connector: {}", name)));
  update(name, [&](Entry& x) { x.target = TargetState::kStopped; });
  if (worker_.has_connector(name)) (void)worker_.remove_connector(name);
  persist();
  logger().info("connector stopped", {{"connector", name}});
  return ok();
}

namespace {
bool same_config(const config::ConnectorConfig& a, const config::ConnectorConfig& b) {
  return a.originals == b.originals;
}
}  // namespace

Status Herder::restart_connector_locked(const std::string& name, bool& tasks_restarted) {
  tasks_restarted = false;
  auto entry = find(name);
  if (!entry) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  auto applied = resolve_and_validate(entry->raw);
  if (!applied) {
    update(name, [&](Entry& x) { x.failure = applied.error().message(); });
    return make_error(Errc::kInternal, "Failed to start connector {}: {}", name,
                      applied.error().message());
  }
  bool changed =
      !entry->applied || !entry->failure.empty() || !same_config(**applied, *entry->applied);
  entry->applied = *applied;
  entry->failure.clear();
  update(name, [&](Entry& x) {
    x.applied = *applied;
    x.failure.clear();
  });
  if (entry->target == TargetState::kStopped) return ok();
  if (changed || !worker_.has_connector(name)) {
    if (worker_.has_connector(name)) (void)worker_.remove_connector(name);
    tasks_restarted = true;
    if (auto st = start_tasks(name, *entry); !st) {
      update(name, [&](Entry& x) { x.failure = st.error().message(); });
      return make_error(Errc::kInternal, "Failed to start connector {}: {}", name,
                        st.error().message());
    }
  }
  logger().info("connector restarted", {{"connector", name}, {"tasks_restarted", tasks_restarted}});
  return ok();
}

Status Herder::restart_connector(const std::string& name) {
  std::lock_guard changes(changes_);
  bool tasks_restarted = false;
  return restart_connector_locked(name, tasks_restarted);
}

Result<ConnectorStatus> Herder::restart(const std::string& name, RestartOptions options) {
  std::lock_guard changes(changes_);
  if (!find(name)) return tl::unexpected(not_found(fmt::format("Unknown connector: {}", name)));
  auto current = status(name);
  if (!current) {
    return tl::unexpected(not_found(fmt::format("Status for connector {} not found", name)));
  }
  auto plan = *current;
  bool restart_connector_instance = !options.only_failed || plan.state == TaskState::kFailed;
  if (restart_connector_instance) plan.state = TaskState::kRestarting;
  std::vector<int> tasks;
  for (auto& t : plan.tasks) {
    if (options.include_tasks && (!options.only_failed || t.state == TaskState::kFailed)) {
      tasks.push_back(t.task_id);
      t.state = TaskState::kRestarting;
      t.trace.clear();
    }
  }
  bool all_restarted = false;
  if (restart_connector_instance) (void)restart_connector_locked(name, all_restarted);
  if (!all_restarted) {
    for (int id : tasks) (void)worker_.restart_task(name, id);
  }
  return plan;
}

Status Herder::restart_task(const std::string& name, int task_id) {
  std::lock_guard changes(changes_);
  if (!find(name)) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  if (!worker_.has_connector(name))
    return tl::unexpected(not_found(fmt::format("Task {}-{} not found", name, task_id)));
  return worker_.restart_task(name, task_id);
}

kc::Status Herder::force_commit(const std::string& connector) {
  std::lock_guard changes(changes_);
  if (!find(connector))
    return tl::unexpected(not_found(fmt::format("Connector {} not found", connector)));
  if (!worker_.has_connector(connector)) {
    return make_error(Errc::kConflict, "Connector {} is not running (stopped or failed)",
                      connector);
  }
  return worker_.force_commit(connector);
}

Status Herder::reset_active_topics(const std::string& name) {
  if (auto entry = find(name)) entry->topics->reset();
  return ok();
}

Result<std::string> Herder::alter_offsets(const std::string& name,
                                          const std::vector<OffsetUpdate>& updates) {
  return modify_offsets(name, updates);
}

Result<std::string> Herder::reset_offsets(const std::string& name) {
  return modify_offsets(name, std::nullopt);
}

Result<std::string> Herder::modify_offsets(
    const std::string& name, const std::optional<std::vector<OffsetUpdate>>& updates) {
  std::lock_guard changes(changes_);
  auto entry = find(name);
  if (!entry) return tl::unexpected(not_found(fmt::format("Connector {} not found", name)));
  if (entry->target != TargetState::kStopped || worker_.has_connector(name)) {
    return make_error(
        Errc::kInvalidArgument,
        "Connectors must be in the STOPPED state before their offsets can be modified. This can "
        "be done for the specified connector by issuing a 'PUT' request to the "
        "'/connectors/{}/stop' endpoint",
        name);
  }
  auto applied = entry->applied;
  if (!applied) {
    KC_ASSIGN_OR_RETURN(applied, resolve_and_validate(entry->raw));
  }
  bool reset = !updates;
  auto verb = reset ? "reset" : "alter";
  auto failed = [&](const Error& e) {
    return make_error(Errc::kInternal, "Failed to {} consumer group offsets for connector {}: {}",
                      verb, name, e.message());
  };
  auto admin = kafka::Admin::create(admin_properties(*entry));
  if (!admin) return failed(admin.error());
  auto group = group_id_of(*applied);
  if (reset) {
    if (auto st = (*admin)->delete_group(group, options_.admin_timeout); !st)
      return failed(st.error());
  } else {
    kafka::OffsetMap to_alter;
    std::vector<api::TopicPartition> to_delete;
    for (const auto& u : *updates) {
      if (u.offset) {
        to_alter.emplace_back(u.partition, *u.offset);
      } else {
        to_delete.push_back(u.partition);
      }
    }
    if (auto st = (*admin)->alter_group_offsets(group, to_alter, options_.admin_timeout); !st)
      return failed(st.error());
    if (auto st = (*admin)->delete_group_offsets(group, to_delete, options_.admin_timeout); !st)
      return failed(st.error());
  }
  auto what = reset ? "reset" : "altered";
  logger().info(fmt::format("offsets {}", what), {{"connector", name}, {"group", group}});
  return fmt::format(
      "The Connect framework-managed offsets for this connector have been {} successfully. "
      "However, if this connector manages offsets externally, they will need to be manually {} "
      "in the system that the connector uses.",
      what, what);
}

}  // namespace kc::pipeline
