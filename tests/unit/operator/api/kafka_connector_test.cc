#include "operator/api/kafka_connector.h"

#include <gtest/gtest.h>

#include "tests/fakes/kube_apiserver/schema.h"
#include "tests/unit/operator/api/crd_schema.h"

// Expected messages are long and split over adjacent string literals.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)

namespace kc::operator_api {
namespace {

Json connector(const std::string& spec_json, const std::string& status_json = "{}") {
  return {{"apiVersion", "kconnect.dev/v1alpha1"},
          {"kind", "KafkaConnector"},
          {"metadata", {{"name", "orders"}, {"namespace", "prod"}}},
          {"spec", Json::parse(spec_json)},
          {"status", Json::parse(status_json)}};
}

std::vector<std::string> problems(const Json& object) {
  FieldErrors errors;
  auto parsed = parse_kafka_connector(object, errors);
  apply_defaults(parsed.spec);
  validate(parsed, errors);
  std::vector<std::string> out;
  for (const auto& e : errors.all()) out.push_back(e.str());
  return out;
}

TEST(KafkaConnectorTest, AcceptsAValidSpecAndNormalisesConfigValues) {
  auto object = connector(R"({"clusterRef": {"name": "main"}, "class": "file",
      "topics": ["orders", "returns"], "tasksMax": 4,
      "config": {"file": "/data/out", "batch.size": 100, "sync": true, "ratio": 0.5},
      "state": "paused", "autoRestart": {"maxRestarts": 10}, "restartRequest": "2026-01-01"})");
  EXPECT_EQ(problems(object), std::vector<std::string>{});
  FieldErrors errors;
  auto parsed = parse_kafka_connector(object, errors);
  apply_defaults(parsed.spec);
  EXPECT_EQ(parsed.spec.config.at("batch.size"), "100");
  EXPECT_EQ(parsed.spec.config.at("sync"), "true");
  EXPECT_EQ(parsed.spec.config.at("ratio"), "0.5");
  EXPECT_TRUE(parsed.spec.auto_restart->enabled.value());
}

TEST(KafkaConnectorTest, ReportsEveryInvalidFieldWithItsPath) {
  auto object = connector(R"({"clusterRef": {}, "class": "my class", "tasksMax": 0,
      "topics": ["ok", "bad topic", "ok"], "topicsRegex": "([",
      "config": {"connector.class": "x", "tasks.max": 3, "list": [1]},
      "state": "fast", "autoRestart": {"maxRestarts": -1, "enabled": 1}})");
  auto lines = problems(object);
  // The regex engine's own words follow this prefix.
  const std::string regex_prefix = "spec.topicsRegex: not a valid regular expression: ";
  auto regex_line = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.rfind(regex_prefix, 0) == 0;
  });
  ASSERT_NE(regex_line, lines.end());
  *regex_line = regex_prefix + "...";
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "spec.config[\"list\"]: must be a string, number or boolean, not array",
                       "spec.autoRestart.enabled: must be true or false",
                       "spec.clusterRef.name: required: the KafkaConnectCluster to run on (or, "
                       "as Strimzi links them, the label strimzi.io/cluster)",
                       "spec.class: must not contain white space",
                       "spec.tasksMax: must be between 1 and 1000",
                       "spec.topics: spec.topics and spec.topicsRegex are both set: set exactly "
                       "one of them",
                       "spec.topics[1]: \"bad topic\" is not a valid topic name ([a-zA-Z0-9._-], "
                       "1-249 characters, "
                       "not . or ..)",
                       "spec.topics[2]: duplicate topic ok",
                       "spec.topicsRegex: not a valid regular expression: ...",
                       "spec.config[\"connector.class\"]: set spec.class instead",
                       "spec.config[\"tasks.max\"]: set spec.tasksMax instead",
                       "spec.state: unsupported value \"fast\": one of running, paused, stopped",
                       "spec.autoRestart.maxRestarts: must not be negative"}));
  EXPECT_EQ(problems(connector(R"({"clusterRef": {"name": "main"}, "class": "file"})")),
            std::vector<std::string>{"spec: set exactly one of topics and topicsRegex (or "
                                     "Strimzi's spec.config[\"topics\"] or "
                                     "spec.config[\"topics.regex\"])"});
}

TEST(KafkaConnectorTest, RequestTokensAreActedOnOnlyWhenTheyChange) {
  FieldErrors errors;
  auto pending = parse_kafka_connector(
      connector(R"({"clusterRef": {"name": "m"}, "class": "file", "topics": ["t"],
                    "restartRequest": "r2", "forceCommitRequest": "f1"})",
                R"({"handledRestartRequest": "r1", "handledForceCommitRequest": "f1"})"),
      errors);
  EXPECT_TRUE(restart_requested(pending));
  EXPECT_FALSE(force_commit_requested(pending));
  pending.status.handled_restart_request = "r2";
  EXPECT_FALSE(restart_requested(pending));
}

TEST(KafkaConnectorTest, DefaultsMatchTheCrd) {
  Json schema = testing::crd_schema("kafkaconnectors.kconnect.dev.yaml");
  ASSERT_TRUE(schema.is_object());
  auto object = connector(R"({"clusterRef": {"name": "m"}, "class": "file", "topics": ["t"],
                              "autoRestart": {}})");
  object.erase("status");
  Json by_crd = object;
  fakes::kube::apply_defaults(by_crd, schema);
  EXPECT_TRUE(fakes::kube::validate_against_schema(by_crd, schema).empty());
  FieldErrors errors;
  auto from_crd = parse_kafka_connector(by_crd, errors);
  auto from_cpp = parse_kafka_connector(object, errors);
  apply_defaults(from_cpp.spec);
  EXPECT_TRUE(errors.empty()) << errors.summary();
  EXPECT_EQ(to_json(from_crd.spec), to_json(from_cpp.spec));
}

TEST(KafkaConnectorTest, StatusRoundTrips) {
  KafkaConnectorStatus status;
  status.state = "RUNNING";
  status.tasks_max = 2;
  status.tasks = {{0, "RUNNING", "main-connect-0", ""}, {1, "FAILED", "main-connect-1", "boom"}};
  status.topics = {"orders"};
  status.lag = 12;
  status.handled_restart_request = "r1";
  auto json = status.to_json();
  EXPECT_EQ(KafkaConnectorStatus::from_json(json).to_json(), json);
}

}  // namespace
}  // namespace kc::operator_api

namespace kc::operator_api {
namespace {

TEST(CrdFilesTest, AreSmallAndFreeOfGitOpsNoise) {
  for (const char* file :
       {"kafkaconnectclusters.kconnect.dev.yaml", "kafkaconnectors.kconnect.dev.yaml"}) {
    std::string text = testing::read_text(testing::source_path(std::string("crds/") + file));
    ASSERT_FALSE(text.empty()) << file;
    EXPECT_LT(text.size(), 100u * 1024) << file;
    EXPECT_EQ(text.find("deprecated: false"), std::string::npos) << file;
    EXPECT_EQ(text.find("properties: {}"), std::string::npos) << file;
    // Every property in the schema has a description (metadata is the API server's).
    Json schema = testing::crd_schema(file);
    std::vector<std::string> undescribed;
    std::function<void(const Json&, const std::string&)> walk = [&](const Json& node,
                                                                    const std::string& path) {
      if (!node.is_object()) return;
      if (path != "metadata" && !node.contains("description")) undescribed.push_back(path);
      if (node.contains("properties")) {
        for (auto it = node["properties"].begin(); it != node["properties"].end(); ++it) {
          walk(it.value(), field(path, it.key()));
        }
      }
      if (node.contains("items")) walk(node["items"], path + "[]");
      if (node.contains("additionalProperties") && node["additionalProperties"].is_object() &&
          node["additionalProperties"].contains("type")) {
        walk(node["additionalProperties"], path + "[*]");
      }
    };
    walk(schema, "");
    std::erase_if(undescribed,
                  [](const std::string& p) { return p.find("[*]") != std::string::npos; });
    EXPECT_EQ(undescribed, std::vector<std::string>{}) << file;
  }
}

}  // namespace
}  // namespace kc::operator_api

// NOLINTEND(bugprone-suspicious-missing-comma)
