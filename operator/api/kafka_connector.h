#pragma once

// KafkaConnector (kconnect.dev/v1alpha1): typed view, defaulting and semantic validation (see
// kafka_connect_cluster.h for how this relates to the CRD schema). Pure functions; thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "libs/kube/core/condition.h"
#include "libs/kube/core/object.h"
#include "libs/kube/core/resource.h"
#include "operator/api/common.h"

namespace kc::operator_api {

const kube::ResourceType& kafka_connectors();

// spec.clusterRef.name of a KafkaConnector object, read without validating the rest of its spec
// (empty when absent or not a string): how the operator indexes connectors by cluster.
// Without spec.clusterRef, the label strimzi.io/cluster (Strimzi's link) names the cluster.
std::string cluster_ref_of(const kube::Object& connector);

inline constexpr const char* kStrimziClusterLabel = "strimzi.io/cluster";

struct AutoRestart {
  std::optional<bool> enabled;          // default true
  std::optional<int64_t> max_restarts;  // absent: no limit
};

struct KafkaConnectorSpec {
  std::string cluster_ref;  // clusterRef.name
  std::string connector_class;
  std::optional<int64_t> tasks_max;  // default 1
  std::optional<std::vector<std::string>> topics;
  std::optional<std::string> topics_regex;
  // Where topics / topics_regex were written: the typed field, or Strimzi's place,
  // spec.config["topics"] / spec.config["topics.regex"] (moved out of config when parsed).
  std::string topics_field = "spec.topics";
  std::string topics_regex_field = "spec.topicsRegex";
  std::map<std::string, std::string> config;  // values normalised to strings
  std::string state;                          // running (default) | paused | stopped
  std::optional<AutoRestart> auto_restart;
  std::string restart_request;
  std::string force_commit_request;
};

struct TaskStatus {
  int32_t id = 0;
  std::string state;
  std::string worker_id;
  std::string trace;
};

struct KafkaConnectorStatus {
  std::vector<kube::Condition> conditions;
  int64_t observed_generation = 0;
  std::string state;
  int32_t tasks_max = 0;
  std::vector<TaskStatus> tasks;
  std::vector<std::string> topics;
  std::optional<int64_t> lag;
  std::string last_commit_time;
  int32_t restart_count = 0;           // automatic restarts in the current backoff series
  std::string last_auto_restart_time;  // RFC 3339; part of the restart token (never cleared)
  std::string certificate_not_after;
  std::string handled_restart_request;
  std::string handled_force_commit_request;

  Json to_json() const;
  static KafkaConnectorStatus from_json(const Json& status);
};

struct KafkaConnector {
  ObjectMeta metadata;
  KafkaConnectorSpec spec;
  KafkaConnectorStatus status;
};

KafkaConnector parse_kafka_connector(const Json& object, FieldErrors& errors);
void apply_defaults(KafkaConnectorSpec& spec);
void validate(const KafkaConnector& connector, FieldErrors& errors);
Json to_json(const KafkaConnectorSpec& spec);

// Connector config keys refused in spec.config (they come from the typed fields), and why.
std::optional<std::string> refused_connector_config_key(const std::string& key);

// True when the restart / force-commit token differs from the one status says was handled.
bool restart_requested(const KafkaConnector& connector);
bool force_commit_requested(const KafkaConnector& connector);

}  // namespace kc::operator_api
