#include "runtime/config/connector_config.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace kc::config {
namespace {

using Severity = api::ConfigIssue::Severity;

WorkerConfig default_worker() {
  std::vector<api::ConfigIssue> issues;
  return parse_worker_config({{"bootstrap.servers", "broker:9092"}}, issues);
}

const api::ConfigIssue* find(const ValidationResult& r, std::string_view key, Severity severity) {
  for (const auto& i : r.issues) {
    if (i.key == key && i.severity == severity) return &i;
  }
  return nullptr;
}

api::RawConfig valid() {
  return {{"name", "orders"},
          {"connector.class", "FileStreamSink"},
          {"topics", "orders"},
          {"file", "/tmp/x"}};
}

TEST(ConnectorConfigTest, ValidConfigResolvesPluginsAndDefaults) {
  auto r = validate_connector(default_worker(), valid());
  ASSERT_TRUE(r.ok()) << r.issues.front().to_string();
  const auto& c = *r.config;
  EXPECT_EQ(c.name, "orders");
  EXPECT_EQ(c.sink->info.name, "file");
  EXPECT_EQ(c.tasks_max, 1);
  EXPECT_EQ(c.topics, std::vector<std::string>{"orders"});
  EXPECT_EQ(c.value_converter.plugin->info.name, "json");  // worker default
  EXPECT_EQ(c.sink_config.get_string("file"), "/tmp/x");
  auto prop = [&](std::string_view k) -> std::string {
    for (const auto& [name, v] : c.consumer.properties) {
      if (name == k) return v;
    }
    return "<unset>";
  };
  EXPECT_EQ(prop("group.id"), "connect-orders");
  EXPECT_EQ(prop("bootstrap.servers"), "broker:9092");
  EXPECT_EQ(prop("enable.auto.commit"), "false");
  EXPECT_EQ(prop("auto.offset.reset"), "earliest");
  EXPECT_EQ(prop("isolation.level"), "read_uncommitted");
  EXPECT_EQ(prop("partition.assignment.strategy"), "cooperative-sticky");
}

TEST(ConnectorConfigTest, EveryProblemIsReportedAtOnce) {
  api::RawConfig raw = {{"connector.class", "NoSuchConnector"},
                        {"tasks.max", "zero"},
                        {"value.converter", "com.example.Missing"},
                        {"consumer.override.session.timeout.ms", "not-a-number"},
                        {"colour", "blue"}};
  auto r = validate_connector(default_worker(), raw);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.config.has_value());
  EXPECT_NE(find(r, "name", Severity::kError), nullptr);
  EXPECT_NE(find(r, "connector.class", Severity::kError), nullptr);
  EXPECT_NE(find(r, "tasks.max", Severity::kError), nullptr);
  EXPECT_NE(find(r, "topics", Severity::kError), nullptr);
  EXPECT_NE(find(r, "value.converter", Severity::kError), nullptr);
  EXPECT_NE(find(r, "colour", Severity::kWarning), nullptr);
  EXPECT_GE(r.error_count(), 5u);
  EXPECT_EQ(find(r, "tasks.max", Severity::kError)->value, "zero");
  EXPECT_NE(find(r, "connector.class", Severity::kError)
                ->message.find("file (org.apache.kafka.connect.file.FileStreamSinkConnector)"),
            std::string::npos);
}

TEST(ConnectorConfigTest, TopicsAndTopicsRegexAreExclusive) {
  auto raw = valid();
  raw["topics.regex"] = "ord.*";
  auto r = validate_connector(default_worker(), raw);
  ASSERT_NE(find(r, "topics", Severity::kError), nullptr);
  EXPECT_NE(find(r, "topics", Severity::kError)->message.find("mutually exclusive"),
            std::string::npos);
  raw.erase("topics");
  EXPECT_TRUE(validate_connector(default_worker(), raw).ok());
  raw["topics.regex"] = "(unclosed";
  EXPECT_NE(find(validate_connector(default_worker(), raw), "topics.regex", Severity::kError),
            nullptr);
}

TEST(ConnectorConfigTest, ConsumerOverridesWinOverWorkerConsumerAndAreTranslated) {
  std::vector<api::ConfigIssue> issues;
  auto worker = parse_worker_config({{"bootstrap.servers", "b:1"},
                                     {"consumer.fetch.max.wait.ms", "100"},
                                     {"consumer.session.timeout.ms", "10000"}},
                                    issues);
  auto raw = valid();
  raw["consumer.override.session.timeout.ms"] = "20000";
  raw["consumer.override.max.poll.records"] = "50";
  raw["consumer.override.partition.assignment.strategy"] =
      "org.apache.kafka.clients.consumer.RangeAssignor";
  raw["consumer.override.key.deserializer"] =
      "org.apache.kafka.common.serialization.StringDeserializer";
  raw["consumer.override.enable.auto.commit"] = "true";
  raw["consumer.override.group.id"] = "legacy-group";
  auto r = validate_connector(worker, raw);
  ASSERT_TRUE(r.ok());
  std::map<std::string, std::string> props(r.config->consumer.properties.begin(),
                                           r.config->consumer.properties.end());
  EXPECT_EQ(props["session.timeout.ms"], "20000");
  EXPECT_EQ(props["fetch.wait.max.ms"], "100");
  EXPECT_EQ(props["partition.assignment.strategy"], "range");
  EXPECT_EQ(props["enable.auto.commit"], "false");
  EXPECT_EQ(props["group.id"], "legacy-group");
  EXPECT_EQ(props.count("key.deserializer"), 0u);
  EXPECT_EQ(r.config->consumer.max_poll_records, 50);
  EXPECT_NE(find(r, "consumer.override.key.deserializer", Severity::kWarning), nullptr);
  EXPECT_NE(find(r, "consumer.override.enable.auto.commit", Severity::kWarning), nullptr);
}

TEST(ConnectorConfigTest, LibrdkafkaRefusesUnknownAndInvalidConsumerProperties) {
  auto raw = valid();
  raw["consumer.override.no.such.property"] = "1";
  raw["consumer.override.isolation.level"] = "sometimes";
  auto r = validate_connector(default_worker(), raw);
  ASSERT_NE(find(r, "consumer.override.no.such.property", Severity::kError), nullptr);
  ASSERT_NE(find(r, "consumer.override.isolation.level", Severity::kError), nullptr);
  EXPECT_EQ(find(r, "consumer.override.isolation.level", Severity::kError)->value, "sometimes");
}

TEST(ConnectorConfigTest, SecretValuesAreNeverShown) {
  auto raw = valid();
  raw["consumer.override.sasl.password"] = "hunter2";
  raw["consumer.override.sasl.mechanism"] = "NOT-A-MECHANISM";
  raw["unknown.password"] = "hunter2";
  auto r = validate_connector(default_worker(), raw);
  for (const auto& i : r.issues) {
    EXPECT_EQ(i.to_string().find("hunter2"), std::string::npos) << i.to_string();
  }
}

TEST(ConnectorConfigTest, ConverterSubKeysAreValidatedWithTheirPrefix) {
  auto raw = valid();
  raw["value.converter"] = "org.apache.kafka.connect.json.JsonConverter";
  raw["value.converter.schemas.enable"] = "maybe";
  raw["value.converter.colour"] = "red";
  auto r = validate_connector(default_worker(), raw);
  EXPECT_NE(find(r, "value.converter.schemas.enable", Severity::kError), nullptr);
  EXPECT_NE(find(r, "value.converter.colour", Severity::kWarning), nullptr);
}

TEST(ConnectorConfigTest, WorkerConvertersApplyWhenTheConnectorSetsNone) {
  std::vector<api::ConfigIssue> issues;
  auto worker =
      parse_worker_config({{"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
                           {"value.converter.converter.encoding", "ISO-8859-1"}},
                          issues);
  EXPECT_TRUE(issues.empty());
  auto r = validate_connector(worker, valid());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->value_converter.plugin->info.name, "string");
  EXPECT_EQ(r.config->value_converter.config.get_string("converter.encoding"), "ISO-8859-1");
}

TEST(WorkerConfigTest, UnusedDistributedKeysWarnAndBadValuesError) {
  std::vector<api::ConfigIssue> issues;
  auto w = parse_worker_config({{"bootstrap.servers", "embedded"},
                                {"group.id", "connect-cluster"},
                                {"offset.flush.interval.ms", "-5"},
                                {"mystery", "1"}},
                               issues);
  EXPECT_TRUE(w.embedded);
  auto has = [&](std::string_view key, Severity s) {
    return std::any_of(issues.begin(), issues.end(),
                       [&](const auto& i) { return i.key == key && i.severity == s; });
  };
  EXPECT_TRUE(has("group.id", Severity::kWarning));
  EXPECT_TRUE(has("mystery", Severity::kWarning));
  EXPECT_TRUE(has("offset.flush.interval.ms", Severity::kError));
}

}  // namespace
}  // namespace kc::config
