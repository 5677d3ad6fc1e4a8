#include "operator/api/kafka_connector.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/config/topic_regex.h"

namespace kc::operator_api {
namespace {

bool valid_topic(const std::string& t) {
  static const std::regex kTopic(R"(^[a-zA-Z0-9._-]+$)");
  return !t.empty() && t.size() <= 249 && t != "." && t != ".." && std::regex_match(t, kTopic);
}

}  // namespace

const kube::ResourceType& kafka_connectors() {
  static const kube::ResourceType type{"kconnect.dev", "v1alpha1", "KafkaConnector",
                                       "kafkaconnectors", true};
  return type;
}

std::string cluster_ref_of(const kube::Object& connector) {
  const auto* ref = kube::find_path(connector, "spec.clusterRef.name");
  if (ref != nullptr && ref->is_string()) return ref->get<std::string>();
  const auto* labels = kube::find_path(connector, "metadata.labels");
  if (labels != nullptr && labels->is_object() && labels->contains(kStrimziClusterLabel) &&
      (*labels)[kStrimziClusterLabel].is_string()) {
    return (*labels)[kStrimziClusterLabel].get<std::string>();
  }
  return "";
}

std::optional<std::string> refused_connector_config_key(const std::string& k) {
  if (k == "name") return "the connector is named after metadata.name";
  if (k == "connector.class") return "set spec.class instead";
  if (k == "tasks.max") return "set spec.tasksMax instead";
  return std::nullopt;
}

KafkaConnector parse_kafka_connector(const Json& object, FieldErrors& errors) {
  KafkaConnector out;
  out.metadata = read_meta(object);
  JsonReader r = read_spec(object, errors);
  auto& spec = out.spec;
  if (const Json* ref = r.object("clusterRef")) {
    JsonReader c(ref, r.path("clusterRef"), errors);
    spec.cluster_ref = c.string("name").value_or("");
    c.finish();
  }
  spec.connector_class = r.string("class").value_or("");
  spec.tasks_max = r.integer("tasksMax");
  spec.topics = r.strings("topics");
  spec.topics_regex = r.string("topicsRegex");
  spec.config = read_config(r.object("config"), r.path("config"), errors);
  spec.state = r.string("state").value_or("");
  if (const Json* ar = r.object("autoRestart")) {
    JsonReader a(ar, r.path("autoRestart"), errors);
    spec.auto_restart = AutoRestart{a.boolean("enabled"), a.integer("maxRestarts")};
    a.finish();
  }
  spec.restart_request = r.string("restartRequest").value_or("");
  spec.force_commit_request = r.string("forceCommitRequest").value_or("");
  if (auto pause = r.boolean("pause"); pause.value_or(false) && spec.state != "stopped") {
    spec.state = "paused";  // Strimzi v1beta2's deprecated spec.pause
  }
  r.finish();
  if (spec.cluster_ref.empty()) {
    if (auto it = out.metadata.labels.find(kStrimziClusterLabel); it != out.metadata.labels.end()) {
      spec.cluster_ref = it->second;
    }
  }
  // Strimzi keeps topics / topics.regex in spec.config: the same meaning as the typed fields.
  if (auto it = spec.config.find("topics"); it != spec.config.end()) {
    std::string path = key("spec.config", "topics");
    if (spec.topics) {
      errors.add(path, "spec.topics and spec.config[\"topics\"] are both set: set one of them");
    } else {
      spec.topics = strings::split_list(it->second);
      spec.topics_field = path;
    }
    spec.config.erase(it);
  }
  if (auto it = spec.config.find("topics.regex"); it != spec.config.end()) {
    std::string path = key("spec.config", "topics.regex");
    if (spec.topics_regex) {
      errors.add(path,
                 "spec.topicsRegex and spec.config[\"topics.regex\"] are both set: set one of "
                 "them");
    } else {
      spec.topics_regex = it->second;
      spec.topics_regex_field = path;
    }
    spec.config.erase(it);
  }
  if (object.contains("status") && object["status"].is_object()) {
    out.status = KafkaConnectorStatus::from_json(object["status"]);
  }
  return out;
}

void apply_defaults(KafkaConnectorSpec& spec) {
  if (!spec.tasks_max) spec.tasks_max = 1;
  if (spec.state.empty()) spec.state = "running";
  if (spec.auto_restart && !spec.auto_restart->enabled) spec.auto_restart->enabled = true;
}

void validate(const KafkaConnector& connector, FieldErrors& errors) {
  const auto& spec = connector.spec;
  if (connector.metadata.name.size() > 200) {
    errors.add("metadata.name",
               "must be at most 200 characters (the consumer group is "
               "connect-<name>)");
  }
  if (spec.cluster_ref.empty()) {
    errors.add("spec.clusterRef.name",
               "required: the KafkaConnectCluster to run on (or, as Strimzi links them, the label "
               "strimzi.io/cluster)");
  } else if (!is_dns_subdomain(spec.cluster_ref)) {
    errors.add("spec.clusterRef.name", "must be a KafkaConnectCluster name (DNS subdomain)");
  }
  if (spec.connector_class.empty()) {
    errors.add("spec.class", "required: a built-in sink name or a Kafka Connect class name");
  } else if (spec.connector_class.find_first_of(" \t\n") != std::string::npos) {
    errors.add("spec.class", "must not contain white space");
  }
  if (spec.tasks_max && (*spec.tasks_max < 1 || *spec.tasks_max > 1000)) {
    errors.add("spec.tasksMax", "must be between 1 and 1000");
  }
  if (spec.topics && spec.topics_regex) {
    errors.add(spec.topics_field, fmt::format("{} and {} are both set: set exactly one of them",
                                              spec.topics_field, spec.topics_regex_field));
  } else if (!spec.topics && !spec.topics_regex) {
    errors.add("spec",
               "set exactly one of topics and topicsRegex (or Strimzi's spec.config[\"topics\"] "
               "or spec.config[\"topics.regex\"])");
  }
  if (spec.topics) {
    if (spec.topics->empty()) errors.add(spec.topics_field, "must list at least one topic");
    std::set<std::string> seen;
    for (size_t i = 0; i < spec.topics->size(); ++i) {
      const auto& t = (*spec.topics)[i];
      if (!valid_topic(t)) {
        errors.add(item(spec.topics_field, i),
                   fmt::format("\"{}\" is not a valid topic name ([a-zA-Z0-9._-], 1-249 "
                               "characters, not . or ..)",
                               t));
      } else if (!seen.insert(t).second) {
        errors.add(item(spec.topics_field, i), fmt::format("duplicate topic {}", t));
      }
    }
  }
  if (spec.topics_regex) {
    // The consumer's own regex engine decides (runtime/config/topic_regex.h).
    if (auto regex = config::TopicRegex::compile(*spec.topics_regex); !regex) {
      errors.add(spec.topics_regex_field,
                 fmt::format("not a valid regular expression: {}", regex.error().message()));
    }
  }
  for (const auto& [k, v] : spec.config) {
    if (auto reason = refused_connector_config_key(k)) errors.add(key("spec.config", k), *reason);
  }
  if (!spec.state.empty() && spec.state != "running" && spec.state != "paused" &&
      spec.state != "stopped") {
    errors.add(
        "spec.state",
        fmt::format("unsupported value \"{}\": one of running, paused, stopped", spec.state));
  }
  if (spec.auto_restart && spec.auto_restart->max_restarts &&
      *spec.auto_restart->max_restarts < 0) {
    errors.add("spec.autoRestart.maxRestarts", "must not be negative");
  }
  for (auto [name, token] : {std::pair{"spec.restartRequest", &spec.restart_request},
                             std::pair{"spec.forceCommitRequest", &spec.force_commit_request}}) {
    if (token->size() > 253) errors.add(name, "must be at most 253 characters");
  }
}

Json to_json(const KafkaConnectorSpec& spec) {
  Json out = {{"clusterRef", {{"name", spec.cluster_ref}}}, {"class", spec.connector_class}};
  if (spec.tasks_max) out["tasksMax"] = *spec.tasks_max;
  if (spec.topics) out["topics"] = *spec.topics;
  if (spec.topics_regex) out["topicsRegex"] = *spec.topics_regex;
  if (!spec.config.empty()) out["config"] = spec.config;
  if (!spec.state.empty()) out["state"] = spec.state;
  if (spec.auto_restart) {
    out["autoRestart"] = Json::object();
    if (spec.auto_restart->enabled) out["autoRestart"]["enabled"] = *spec.auto_restart->enabled;
    if (spec.auto_restart->max_restarts) {
      out["autoRestart"]["maxRestarts"] = *spec.auto_restart->max_restarts;
    }
  }
  if (!spec.restart_request.empty()) out["restartRequest"] = spec.restart_request;
  if (!spec.force_commit_request.empty()) out["forceCommitRequest"] = spec.force_commit_request;
  return out;
}

bool restart_requested(const KafkaConnector& c) {
  return !c.spec.restart_request.empty() &&
         c.spec.restart_request != c.status.handled_restart_request;
}

bool force_commit_requested(const KafkaConnector& c) {
  return !c.spec.force_commit_request.empty() &&
         c.spec.force_commit_request != c.status.handled_force_commit_request;
}

Json KafkaConnectorStatus::to_json() const {
  Json out = {{"conditions", kube::conditions_to_json(conditions)},
              {"observedGeneration", observed_generation},
              {"tasksMax", tasks_max},
              {"restartCount", restart_count}};
  if (!state.empty()) out["state"] = state;
  if (!tasks.empty()) {
    Json list = Json::array();
    for (const auto& t : tasks) {
      Json entry = {{"id", t.id}, {"state", t.state}, {"workerId", t.worker_id}};
      if (!t.trace.empty()) entry["trace"] = t.trace;
      list.push_back(entry);
    }
    out["tasks"] = list;
  }
  if (!topics.empty()) out["topics"] = topics;
  if (lag) out["lag"] = *lag;
  if (!last_commit_time.empty()) out["lastCommitTime"] = last_commit_time;
  if (!last_auto_restart_time.empty()) out["lastAutoRestartTime"] = last_auto_restart_time;
  if (!certificate_not_after.empty()) out["certificateNotAfter"] = certificate_not_after;
  if (!handled_restart_request.empty()) out["handledRestartRequest"] = handled_restart_request;
  if (!handled_force_commit_request.empty()) {
    out["handledForceCommitRequest"] = handled_force_commit_request;
  }
  return out;
}

KafkaConnectorStatus KafkaConnectorStatus::from_json(const Json& status) {
  KafkaConnectorStatus out;
  out.conditions = kube::conditions_of(Json{{"status", status}});
  out.observed_generation = status.value("observedGeneration", int64_t{0});
  out.state = status.value("state", "");
  out.tasks_max = status.value("tasksMax", 0);
  for (const auto& t : status.value("tasks", Json::array())) {
    out.tasks.push_back(
        {t.value("id", 0), t.value("state", ""), t.value("workerId", ""), t.value("trace", "")});
  }
  out.topics = status.value("topics", std::vector<std::string>{});
  if (status.contains("lag") && status["lag"].is_number_integer()) {
    out.lag = status["lag"].get<int64_t>();
  }
  out.last_commit_time = status.value("lastCommitTime", "");
  out.restart_count = status.value("restartCount", 0);
  out.last_auto_restart_time = status.value("lastAutoRestartTime", "");
  out.certificate_not_after = status.value("certificateNotAfter", "");
  out.handled_restart_request = status.value("handledRestartRequest", "");
  out.handled_force_commit_request = status.value("handledForceCommitRequest", "");
  return out;
}

}  // namespace kc::operator_api
