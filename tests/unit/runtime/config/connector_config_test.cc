#include "runtime/config/connector_config.h"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "libs/base/strings.h"

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

TEST(ConnectorConfigTest, NamesKeysAndValuesThatAreNotUtf8AreRefusedNamingTheKey) {
  auto bad_name = valid();
  bad_name["name"] = "bad\xff";
  auto r = validate_connector(default_worker(), bad_name);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.config);
  const auto* issue = find(r, "name", Severity::kError);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->value, "bad\uFFFD");  // shown as U+FFFD, so any output stays UTF-8
  EXPECT_NE(issue->message.find("not valid UTF-8"), std::string::npos) << issue->message;

  auto bad_key = valid();
  bad_key["file\xc3"] = "x";
  bad_key["db.password"] = "secret\xe2\x82";
  r = validate_connector(default_worker(), bad_key);
  EXPECT_TRUE(find(r, "file\uFFFD", Severity::kError));
  issue = find(r, "db.password", Severity::kError);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->value, "[hidden]");
  for (const auto& i : r.issues) EXPECT_TRUE(strings::is_valid_utf8(i.to_string()));

  std::vector<api::ConfigIssue> worker_issues;
  parse_worker_config({{"bootstrap.servers", "broker:9092"}, {"group.id", "\xc0\x80"}},
                      worker_issues);
  EXPECT_TRUE(std::any_of(worker_issues.begin(), worker_issues.end(), [](const auto& i) {
    return i.key == "group.id" && i.severity == Severity::kError;
  }));
}

TEST(ConnectorConfigTest, NamesAreAtMost253Bytes) {
  auto longest = valid();
  longest["name"] = std::string(kMaxConnectorNameBytes, 'n');
  EXPECT_TRUE(validate_connector(default_worker(), longest).ok());
  auto too_long = valid();
  too_long["name"] = std::string(size_t{100} * 1024, 'n');
  auto r = validate_connector(default_worker(), too_long);
  const auto* issue = find(r, "name", Severity::kError);
  ASSERT_TRUE(issue);
  EXPECT_NE(issue->message.find("at most 253 bytes long (it is 102400)"), std::string::npos)
      << issue->message;
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

TEST(ConnectorConfigTest, ErrorHandlingKeysHaveKafkasDefaults) {
  auto r = validate_connector(default_worker(), valid());
  ASSERT_TRUE(r.ok());
  const auto& e = r.config->errors;
  EXPECT_EQ(e.retry_timeout.count(), 0);
  EXPECT_FALSE(e.retry_timeout_set);
  EXPECT_EQ(e.retry_delay_max.count(), 60000);
  EXPECT_EQ(e.tolerance, ErrorSettings::Tolerance::kNone);
  EXPECT_FALSE(e.log_enable);
  EXPECT_FALSE(e.log_include_messages);
  EXPECT_EQ(e.dlq_topic, "");
  EXPECT_EQ(e.dlq_replication_factor, 3);
  EXPECT_FALSE(e.dlq_context_headers);
  EXPECT_TRUE(r.config->dlq_producer.empty());  // no DLQ, no producer
}

TEST(ConnectorConfigTest, ErrorHandlingKeysAreParsedAndChecked) {
  auto raw = valid();
  raw["errors.retry.timeout"] = "-1";
  raw["errors.retry.delay.max.ms"] = "5000";
  raw["errors.tolerance"] = "ALL";
  raw["errors.log.enable"] = "true";
  raw["errors.deadletterqueue.topic.name"] = "orders-dlq";
  raw["errors.deadletterqueue.topic.replication.factor"] = "1";
  raw["errors.deadletterqueue.context.headers.enable"] = "true";
  raw["producer.override.linger.ms"] = "5";
  auto r = validate_connector(default_worker(), raw);
  ASSERT_TRUE(r.ok()) << r.issues.front().to_string();
  const auto& e = r.config->errors;
  EXPECT_EQ(e.retry_timeout.count(), -1);
  EXPECT_TRUE(e.retry_timeout_set);
  EXPECT_EQ(e.tolerance, ErrorSettings::Tolerance::kAll);
  EXPECT_EQ(e.dlq_topic, "orders-dlq");
  EXPECT_EQ(e.dlq_replication_factor, 1);
  EXPECT_TRUE(e.dlq_context_headers);
  EXPECT_NE(std::find(r.config->dlq_producer.begin(), r.config->dlq_producer.end(),
                      std::pair<std::string, std::string>{"linger.ms", "5"}),
            r.config->dlq_producer.end());

  raw["errors.tolerance"] = "some";
  raw["errors.retry.timeout"] = "-2";
  raw["errors.deadletterqueue.topic.replication.factor"] = "0";
  raw["producer.override.no.such.property"] = "1";
  raw["topics"] = "orders,orders-dlq";
  auto bad = validate_connector(default_worker(), raw);
  EXPECT_TRUE(find(bad, "errors.tolerance", Severity::kError));
  EXPECT_TRUE(find(bad, "errors.retry.timeout", Severity::kError));
  EXPECT_TRUE(find(bad, "errors.deadletterqueue.topic.replication.factor", Severity::kError));
  EXPECT_TRUE(find(bad, "producer.override.no.such.property", Severity::kError));
  auto loop = find(bad, "topics", Severity::kError);
  ASSERT_TRUE(loop);
  EXPECT_EQ(loop->message,
            "The DLQ topic 'orders-dlq' may not be included in the list of topics "
            "('topics=[orders, orders-dlq]') consumed by the connector");
}

TEST(ConnectorConfigTest, DeadLetterTopicMatchedByTheTopicsRegexIsRefused) {
  auto raw = valid();
  raw.erase("topics");
  raw["topics.regex"] = "orders.*";
  raw["errors.deadletterqueue.topic.name"] = "orders-dlq";
  auto r = validate_connector(default_worker(), raw);
  auto issue = find(r, "topics.regex", Severity::kError);
  ASSERT_TRUE(issue);
  EXPECT_NE(issue->message.find("may not be matched by the regex"), std::string::npos);
}

TEST(ConnectorConfigTest, KustoBehaviorOnErrorMapsOntoKafkasKeys) {
  auto with = [](const std::string& behavior, const api::RawConfig& extra = {}) {
    auto raw = valid();
    raw["behavior.on.error"] = behavior;
    raw.insert(extra.begin(), extra.end());
    auto r = validate_connector(default_worker(), raw);
    EXPECT_TRUE(r.ok()) << behavior;
    return r;
  };
  EXPECT_EQ(with("fail").config->errors.tolerance, ErrorSettings::Tolerance::kNone);
  auto log = with("LOG").config->errors;
  EXPECT_EQ(log.tolerance, ErrorSettings::Tolerance::kAll);
  EXPECT_TRUE(log.log_enable);
  auto ignore = with("ignore").config->errors;
  EXPECT_EQ(ignore.tolerance, ErrorSettings::Tolerance::kAll);
  EXPECT_FALSE(ignore.log_enable);
  // Explicit keys win, with a warning when they disagree.
  auto r = with("ignore", {{"errors.tolerance", "none"}});
  EXPECT_EQ(r.config->errors.tolerance, ErrorSettings::Tolerance::kNone);
  EXPECT_TRUE(find(r, "behavior.on.error", Severity::kWarning));
  auto raw = valid();
  raw["behavior.on.error"] = "retry";
  EXPECT_TRUE(
      find(validate_connector(default_worker(), raw), "behavior.on.error", Severity::kError));
}

TEST(ConnectorConfigTest, KustoDeadLetterKeysConfigureTheDeadLetterQueue) {
  auto raw = valid();
  raw["connector.class"] = "com.microsoft.azure.kusto.kafka.connect.sink.KustoSinkConnector";
  raw.erase("file");
  raw["kusto.ingestion.url"] = "https://ingest-c.kusto.windows.net";
  raw["kusto.tables.topics.mapping"] = R"([{"topic":"orders","db":"d","table":"T"}])";
  raw["misc.deadletterqueue.topic.name"] = "orders-failed";
  raw["misc.deadletterqueue.bootstrap.servers"] = "dlq-kafka:9092";
  raw["misc.deadletterqueue.security.protocol"] = "SASL_SSL";
  auto r = validate_connector(default_worker(), raw);
  ASSERT_TRUE(r.ok()) << r.issues.front().to_string();
  EXPECT_EQ(r.config->errors.dlq_topic, "orders-failed");
  auto has = [](const ClientProperties& props, const std::string& k, const std::string& v) {
    return std::find(props.begin(), props.end(), std::pair<std::string, std::string>{k, v}) !=
           props.end();
  };
  EXPECT_TRUE(has(r.config->dlq_producer, "bootstrap.servers", "dlq-kafka:9092"));
  EXPECT_TRUE(has(r.config->dlq_producer, "security.protocol", "SASL_SSL"));
  EXPECT_TRUE(has(r.config->admin, "bootstrap.servers", "dlq-kafka:9092"));
  // Kafka's own key wins.
  raw["errors.deadletterqueue.topic.name"] = "orders-dlq";
  auto kafka = validate_connector(default_worker(), raw);
  ASSERT_TRUE(kafka.ok());
  EXPECT_EQ(kafka.config->errors.dlq_topic, "orders-dlq");
}

// Bad configurations from the bad-input corpus: each refused with an error naming the key.
TEST(ConnectorConfigTest, BadInputCorpusConfigurationsAreRefusedNamingTheKey) {
  auto refused = [](const api::RawConfig& changes, std::string_view key) {
    auto raw = valid();
    for (auto& [k, v] : changes) raw[k] = v;
    auto r = validate_connector(default_worker(), raw);
    EXPECT_FALSE(r.ok()) << key;
    EXPECT_TRUE(find(r, key, Severity::kError)) << key;
  };
  refused({{"value.converter", "com.example.NoSuchConverter"}}, "value.converter");
  refused({{"key.converter", "org.apache.kafka.connect.avro.AvroConverter"}}, "key.converter");
  refused({{"topics", ""}, {"topics.regex", "orders[("}}, "topics.regex");
  // Transforms: an unknown class, a missing required key, a regex that does not compile.
  refused({{"transforms", "t"}, {"transforms.t.type", "com.example.NoSuchTransform"}},
          "transforms.t.type");
  refused({{"transforms", "r"},
           {"transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter"},
           {"transforms.r.replacement", "x"}},
          "transforms.r.regex");
  refused({{"transforms", "r"},
           {"transforms.r.type", "RegexRouter"},
           {"transforms.r.regex", "orders[("},
           {"transforms.r.replacement", "x"}},
          "transforms.r.regex");
}

// A migrated config's keys we do not know (a Kusto app key, an HTTP sink's token, a converter's
// credentials) are reported by name only: their values may be secrets under any key name.
TEST(ConnectorConfigTest, UnknownKeysAreReportedWithoutTheirValues) {
  auto raw = valid();
  raw["aad.auth.appkey"] = "s3cr3t-app-key";
  raw["value.converter"] = "org.apache.kafka.connect.json.JsonConverter";
  raw["value.converter.vendor.token"] = "s3cr3t-token";
  raw["transforms"] = "stamp";
  raw["transforms.stamp.type"] = "InsertField$Value";
  raw["transforms.stamp.static.field"] = "f";
  raw["transforms.stamp.static.value"] = "v";
  raw["transforms.stamp.vendor.secret"] = "s3cr3t-transform";
  auto r = validate_connector(default_worker(), raw);
  ASSERT_TRUE(r.ok()) << r.issues.front().to_string();
  for (const char* key :
       {"aad.auth.appkey", "value.converter.vendor.token", "transforms.stamp.vendor.secret"}) {
    const auto* issue = find(r, key, Severity::kWarning);
    ASSERT_NE(issue, nullptr) << key;
    EXPECT_EQ(issue->to_string().find("s3cr3t"), std::string::npos) << issue->to_string();
    EXPECT_NE(issue->to_string().find("unknown configuration key"), std::string::npos);
  }
}

TEST(ConnectorConfigTest, TransformKeysAreValidatedNotReportedAsUnknown) {
  auto raw = valid();
  raw["transforms"] = "route";
  raw["transforms.route.type"] = "RegexRouter";
  raw["transforms.route.regex"] = "(.*)";
  raw["transforms.route.replacement"] = "$1-copy";
  auto r = validate_connector(default_worker(), raw);
  ASSERT_TRUE(r.ok()) << r.issues.front().to_string();
  EXPECT_TRUE(r.issues.empty()) << r.issues.front().to_string();
  EXPECT_EQ(r.config->plugins, &registry::builtin());
}

}  // namespace
}  // namespace kc::config

namespace kc::config {
namespace {

WorkerConfig worker_with(api::RawConfig raw) {
  std::vector<api::ConfigIssue> issues;
  raw.emplace("bootstrap.servers", "broker:9092");
  auto w = parse_worker_config(raw, issues);
  for (const auto& i : issues) ADD_FAILURE() << i.to_string();
  return w;
}

std::vector<std::string> errors_of(const ValidationResult& r) {
  std::vector<std::string> out;
  for (const auto& i : r.issues) {
    if (i.severity == Severity::kError) out.push_back(i.to_string());
  }
  return out;
}

TEST(ConnectorOverridePolicyTest, ThePrincipalPolicyRefusesEachOtherOverrideByName) {
  auto worker = worker_with({{"connector.client.config.override.policy", "Principal"}});
  auto raw = valid();
  raw["consumer.override.max.poll.records"] = "100";
  raw["consumer.override.ssl.keystore.password"] = "secret";
  raw["consumer.override.security.protocol"] = "SASL_SSL";
  raw["consumer.override.sasl.mechanism"] = "PLAIN";
  raw["consumer.override.sasl.jaas.config"] =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
      "password=\"p\";";
  auto r = validate_connector(worker, raw);
  EXPECT_FALSE(r.ok());
  auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 2u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0],
            "consumer.override.max.poll.records = \"100\": The 'Principal' policy does not allow "
            "'max.poll.records' to be overridden in the connector configuration.");
  EXPECT_EQ(errors[1],
            "consumer.override.ssl.keystore.password = \"[hidden]\": The 'Principal' policy does "
            "not allow 'ssl.keystore.password' to be overridden in the connector configuration.");
}

TEST(ConnectorOverridePolicyTest, TheNonePolicyRefusesEveryOverrideAndAllAcceptsThem) {
  auto raw = valid();
  raw["consumer.override.max.poll.records"] = "100";
  auto refused =
      validate_connector(worker_with({{"connector.client.config.override.policy", "None"}}), raw);
  EXPECT_EQ(errors_of(refused),
            std::vector<std::string>{
                "consumer.override.max.poll.records = \"100\": The 'None' policy does not allow "
                "'max.poll.records' to be overridden in the connector configuration."});
  auto accepted = validate_connector(worker_with({{"connector.client.config.override.policy",
                                                   "org.apache.kafka.connect.connector.policy."
                                                   "AllConnectorClientConfigOverridePolicy"}}),
                                     raw);
  EXPECT_TRUE(accepted.ok());
  EXPECT_TRUE(validate_connector(worker_with({}), raw).ok());  // All is the default
}

TEST(ConnectorOverridePolicyTest, AnUnknownPolicyIsAWorkerErrorNamingTheKey) {
  std::vector<api::ConfigIssue> issues;
  auto w = parse_worker_config({{"connector.client.config.override.policy", "Some"}}, issues);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues.front().key, "connector.client.config.override.policy");
  EXPECT_EQ(w.override_policy.kind(), OverridePolicy::Kind::kNone);
}

TEST(ConnectorSecurityTest, WorkerSecurityConsumerKeysAndOverridesAreTranslatedAsLayers) {
  // Top-level security keys are the lowest layer, consumer.* above, consumer.override.* on top.
  auto worker = worker_with({{"security.protocol", "SSL"},
                             {"ssl.truststore.location", "/etc/kafka/worker-ca.pem"},
                             {"consumer.ssl.truststore.location", "/etc/kafka/consumer-ca.pem"},
                             {"consumer.session.timeout.ms", "7000"}});
  auto raw = valid();
  raw["consumer.override.ssl.endpoint.identification.algorithm"] = "";
  auto r = validate_connector(worker, raw);
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors_of(r));
  std::map<std::string, std::string> props(r.config->consumer.properties.begin(),
                                           r.config->consumer.properties.end());
  EXPECT_EQ(props["security.protocol"], "ssl");
  EXPECT_EQ(props["ssl.ca.location"], "/etc/kafka/consumer-ca.pem");
  EXPECT_EQ(props["ssl.endpoint.identification.algorithm"], "none");
  EXPECT_EQ(props["session.timeout.ms"], "7000");
  EXPECT_EQ(r.config->consumer.security.protocol, "ssl");
  EXPECT_FALSE(r.config->consumer.security.material.empty());
}

}  // namespace
}  // namespace kc::config
