// The Schema Registry converters end to end: records encoded by encoders kconnect did not write
// (npm's @kafkajs/confluent-schema-registry with avsc and ajv, protobufjs; tests/peers/
// schema_registry/encode.js) and registered in the test registry (tests/fakes/schema_registry,
// with Basic auth), produced into the mock cluster, read by a connector with Confluent's
// converter class names into the file sink. The PostgreSQL sink does not exist yet: its column
// mapping is tested when it lands.

#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/worker.h"
#include "tests/fakes/schema_registry/fake_schema_registry.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::eventually;

constexpr std::string_view kUserInfo = "sr-user:sr-secret-42";

struct Encoded {
  std::string set;
  int id = 0;
  std::string bytes;
};

// Runs the npm encoders against `registry` (installing them into the cache on first use).
std::vector<Encoded> encode_with_npm(const testing::FakeSchemaRegistry& registry,
                                     const testing::TempDir& dir) {
  testing::Process install({testing::source_path("tests/peers/schema_registry/install.sh")},
                           dir.file("npm-install"));
  auto installed = install.wait(300s);
  EXPECT_EQ(installed, 0) << install.output();
  auto node_modules = std::string(strings::trim(install.out()));
  testing::Process node({"env", "NODE_PATH=" + node_modules, "node",
                         testing::source_path("tests/peers/schema_registry/encode.js"),
                         registry.url(), std::string(kUserInfo)},
                        dir.file("encode"));
  auto status = node.wait(120s);
  EXPECT_EQ(status, 0) << node.output();
  std::vector<Encoded> out;
  auto printed = node.out();
  for (auto line : strings::split(printed, '\n')) {
    if (strings::trim(line).empty()) continue;
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "encode.js printed something else: " << node.output();
      return {};
    }
    out.push_back({j["set"], j["id"], *base64::decode(j["payload"].get<std::string>())});
  }
  return out;
}

std::vector<std::string> of_set(const std::vector<Encoded>& all, std::string_view set) {
  std::vector<std::string> out;
  for (const auto& e : all) {
    if (e.set == set) out.push_back(e.bytes);
  }
  return out;
}

std::string b64(std::initializer_list<int> bytes) {
  std::string raw;
  for (int b : bytes) raw.push_back(static_cast<char>(b));
  return base64::encode(raw);
}

// What encode.js's everything(n) must read as (Confluent's mapping; docs/converters.md).
json expected_everything(int n) {
  json either = n % 2 == 0 ? json{{"int", n}, {"string", nullptr}}
                           : json{{"int", nullptr}, {"string", fmt::format("e{}", n)}};
  return {
      {"b", n % 2 == 0},
      {"i", -2147483648LL + n},
      {"l", 4503599627370496LL - n},
      {"f", 1.5 * n},
      {"d", -0.25 * n},
      {"s", fmt::format("héllo ✓ {}", n)},
      {"raw", b64({0, 255, n})},
      {"color", std::vector<std::string>{"RED", "GREEN", "BLUE"}[static_cast<size_t>(n % 3)]},
      {"md5", b64({1, 2, 3, n})},
      {"tags", n == 0 ? json::array() : json{"a", fmt::format("t{}", n)}},
      {"scores", {{"x", n}, {"y", -n}}},
      {"maybe", n == 1 ? json(nullptr) : json(fmt::format("m{}", n))},
      {"either", either},
      {"address", {{"city", "Zürich"}, {"zip", n == 1 ? json(nullptr) : json(8000 + n)}}},
      {"price", b64({0x30, 0x39 + n})},
      {"amount", b64({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x9c})},
      {"day", 19000 + n},
      {"t_ms", 3723004},
      {"t_us", 3723004005LL},
      {"ts_ms", 1700000000123LL},
      {"ts_us", 1700000000123456LL},
      {"lts_ms", 1700000000999LL},
      {"lts_us", 1700000000999999LL},
      {"uid", fmt::format("123e4567-e89b-12d3-a456-42661417400{}", n)},
      {"home", n == 2 ? json{{"city", "Bern"}, {"zip", 3000}} : json(nullptr)},
  };
}

std::optional<std::string> header(const testing::ConsumedRecord& r, std::string_view key) {
  for (const auto& h : r.headers) {
    if (h.key == key) return h.value;
  }
  return std::nullopt;
}

class SchemaRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
    auto r = testing::FakeSchemaRegistry::start({.basic_user_info = std::string(kUserInfo)});
    ASSERT_TRUE(r) << r.error().message();
    registry_ = std::move(*r);
    dir_ = std::make_unique<testing::TempDir>();
    encoded_ = std::make_unique<std::vector<Encoded>>(encode_with_npm(*registry_, *dir_));
    ASSERT_FALSE(encoded_->empty());
  }
  static void TearDownTestSuite() {
    encoded_.reset();
    dir_.reset();
    registry_.reset();
    cluster_.reset();
  }

  std::shared_ptr<const config::ConnectorConfig> connector(const api::RawConfig& raw) {
    std::vector<api::ConfigIssue> issues;
    auto worker = config::parse_worker_config(
        {{"bootstrap.servers", cluster_->bootstrap_servers()},
         {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
         {"consumer.session.timeout.ms", "6000"},
         {"consumer.heartbeat.interval.ms", "500"}},
        issues);
    auto r = config::validate_connector(worker, raw);
    EXPECT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues.front().to_string());
    return std::make_shared<const config::ConnectorConfig>(std::move(*r.config));
  }

  api::RawConfig converter_config(std::string name, std::string topic, std::string file,
                                  std::string klass, const testing::FakeSchemaRegistry& registry) {
    return {{"name", name},
            {"connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector"},
            {"topics", topic},
            {"file", file},
            {"value.converter", klass},
            {"value.converter.schema.registry.url", registry.url()},
            {"value.converter.basic.auth.credentials.source", "USER_INFO"},
            {"value.converter.basic.auth.user.info", std::string(kUserInfo)}};
  }

  std::unique_ptr<pipeline::Worker> worker() {
    return std::make_unique<pipeline::Worker>(
        pipeline::WorkerContext{.worker_id = "w", .flush_interval = 200ms, .metrics = &metrics_});
  }

  static void produce(const std::string& topic, const std::vector<std::string>& values) {
    ASSERT_TRUE(cluster_->create_topic(topic, 1));
    testing::produce(
        cluster_->bootstrap_servers(), topic, static_cast<int>(values.size()),
        [&](int i) { return values[static_cast<size_t>(i)]; }, nullptr, 0);
  }

  int64_t committed(const std::string& connector, const std::string& topic) {
    return testing::committed_offsets(cluster_->bootstrap_servers(), "connect-" + connector, topic,
                                      1)[0];
  }

  pipeline::TaskStatus task(pipeline::Worker& w, const std::string& name) {
    auto s = w.status(name);
    return s && !s->tasks.empty() ? s->tasks[0] : pipeline::TaskStatus{};
  }

  // Runs `config` until `count` records are committed; returns the file's lines as JSON.
  std::vector<json> run(const api::RawConfig& config, const std::string& topic, int64_t count) {
    auto name = config.at("name");
    auto file = config.at("file");
    auto w = worker();
    EXPECT_TRUE(w->add_connector(connector(config)));
    EXPECT_TRUE(eventually([&] { return committed(name, topic) == count; }, 60s))
        << task(*w, name).trace;
    w->stop();
    std::vector<json> out;
    for (const auto& line : testing::read_lines(file)) out.push_back(json::parse(line));
    return out;
  }

  double retries(const std::string& connector) {
    auto text = metrics_.expose();
    auto pos = text.find(fmt::format("kconnect_task_retries_total{{connector=\"{}\"", connector));
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(text.find('}', pos) + 2));
  }

  inline static std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  inline static std::unique_ptr<testing::FakeSchemaRegistry> registry_;
  inline static std::unique_ptr<testing::TempDir> dir_;
  inline static std::unique_ptr<std::vector<Encoded>> encoded_;
  metrics::Registry metrics_;
  testing::TempDir tmp_;
};

TEST_F(SchemaRegistryTest, EveryAvroTypeAndBothSchemaVersionsOfATopicReachTheFileSink) {
  auto records = of_set(*encoded_, "avro");
  ASSERT_EQ(records.size(), 5u);
  produce("avro-everything", records);
  auto before = registry_->requests("/schemas/ids/");
  auto lines = run(converter_config("avro-everything", "avro-everything", tmp_.file("a.jsonl"),
                                    "io.confluent.connect.avro.AvroConverter", *registry_),
                   "avro-everything", 5);
  ASSERT_EQ(lines.size(), 5u);
  for (int n = 0; n < 5; ++n) {
    SCOPED_TRACE(n);
    auto expected = expected_everything(n);
    if (n == 3) expected["note"] = "v2";  // the second version, between records of the first
    EXPECT_EQ(lines[static_cast<size_t>(n)], expected);
  }
  // Each of the two schema ids was fetched once.
  EXPECT_EQ(registry_->requests("/schemas/ids/") - before, 2u);
}

TEST_F(SchemaRegistryTest, AvroSchemaReferencesAreResolved) {
  produce("avro-ref", of_set(*encoded_, "avro-ref"));
  auto lines = run(
      converter_config("avro-ref", "avro-ref", tmp_.file("r.jsonl"), "AvroConverter", *registry_),
      "avro-ref", 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], (json{{"id", 42}, {"to", {{"city", "Basel"}, {"zip", 4000}}}}));
}

TEST_F(SchemaRegistryTest, ProtobufMessagesByTheirMessageIndexes) {
  produce("proto", of_set(*encoded_, "protobuf"));
  auto lines = run(converter_config("proto", "proto", tmp_.file("p.jsonl"),
                                    "io.confluent.connect.protobuf.ProtobufConverter", *registry_),
                   "proto", 3);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], (json{{"id", 9007199254740993LL},
                            {"customer", "ACME"},
                            {"items", {"a", "b"}},
                            {"qty", {{"a", 2}}},
                            {"status", "SHIPPED"},
                            {"ship_to", {{"city", "Genève"}, {"zip", 1200}}},
                            {"payment_0", {{"card", "4111"}, {"iban", nullptr}}},
                            {"total", 12.5},
                            {"paid", true},
                            {"blob", b64({7, 8})},
                            {"u32", 4294967295LL},
                            {"s64", -5},
                            {"note", "fragile"}}));
  // Unset scalars read as their defaults, an unset message and proto3 optional as null.
  EXPECT_EQ(lines[1], (json{{"id", 2},
                            {"customer", ""},
                            {"items", json::array()},
                            {"qty", json::object()},
                            {"status", "UNKNOWN"},
                            {"ship_to", nullptr},
                            {"payment_0", {{"card", nullptr}, {"iban", "CH93"}}},
                            {"total", 0.0},
                            {"paid", false},
                            {"blob", ""},
                            {"u32", 0},
                            {"s64", 0},
                            {"note", nullptr}}));
  EXPECT_EQ(lines[2], (json{{"city", "Chur"}, {"zip", 7000}}));  // message index [1]
}

TEST_F(SchemaRegistryTest, JsonSchemaPayloads) {
  produce("people", of_set(*encoded_, "json"));
  auto lines = run(converter_config("people", "people", tmp_.file("j.jsonl"),
                                    "io.confluent.connect.json.JsonSchemaConverter", *registry_),
                   "people", 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], (json{{"name", "Ada"},
                            {"age", 36},
                            {"score", 9.5},
                            {"tags", {"x"}},
                            {"nick", nullptr},
                            {"attrs", {{"a", 1}}}}));
  EXPECT_EQ(lines[1], (json{{"name", "Bob"},
                            {"age", -1},
                            {"score", nullptr},
                            {"tags", nullptr},
                            {"nick", nullptr},
                            {"attrs", nullptr}}));
}

TEST_F(SchemaRegistryTest, UnknownIdsAndCorruptPayloadsGoToTheDeadLetterQueue) {
  auto good = of_set(*encoded_, "avro");
  std::string unknown_id = good[0];
  unknown_id[1] = '\x00', unknown_id[2] = '\x00', unknown_id[3] = '\x27', unknown_id[4] = '\x0f';
  std::string truncated = good[1].substr(0, 12);
  std::vector<std::string> values = {good[0], unknown_id, truncated, "plain text", good[2]};
  produce("avro-bad", values);
  ASSERT_TRUE(cluster_->create_topic("avro-bad-dlq", 1));
  auto config =
      converter_config("avro-bad", "avro-bad", tmp_.file("b.jsonl"), "AvroConverter", *registry_);
  config.insert({{"errors.tolerance", "all"},
                 {"errors.deadletterqueue.topic.name", "avro-bad-dlq"},
                 {"errors.deadletterqueue.topic.replication.factor", "1"},
                 {"errors.deadletterqueue.context.headers.enable", "true"}});
  auto lines = run(config, "avro-bad", 5);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], expected_everything(0));
  EXPECT_EQ(lines[1], expected_everything(2));

  auto dlq = testing::read_all(cluster_->bootstrap_servers(), "avro-bad-dlq", 3, 30s);
  ASSERT_EQ(dlq.size(), 3u);
  const std::pair<int, std::string_view> bad[] = {
      {1, "Error retrieving Avro value schema for id 9999: "},
      {2, "Error deserializing Avro message for id 1: Avro payload does not match its schema"},
      {3, "Unknown magic byte!"}};
  for (size_t k = 0; k < 3; ++k) {
    const auto& d = dlq[k];
    auto [offset, cause] = bad[k];
    SCOPED_TRACE(offset);
    EXPECT_EQ(d.value, values[static_cast<size_t>(offset)]);
    EXPECT_EQ(header(d, "__connect.errors.topic"), "avro-bad");
    EXPECT_EQ(header(d, "__connect.errors.partition"), "0");
    EXPECT_EQ(header(d, "__connect.errors.offset"), std::to_string(offset));
    EXPECT_EQ(header(d, "__connect.errors.class.name"), "io.confluent.connect.avro.AvroConverter");
    auto message = header(d, "__connect.errors.exception.message").value_or("");
    EXPECT_NE(message.find("of topic avro-bad"), std::string::npos) << message;
    EXPECT_NE(message.find(cause), std::string::npos) << message;
  }
  auto unknown = header(dlq[0], "__connect.errors.exception.message").value_or("");
  EXPECT_NE(unknown.find("40403"), std::string::npos) << unknown;
  // Credentials never appear in what the converter reports.
  for (const auto& d : dlq) {
    EXPECT_EQ(header(d, "__connect.errors.exception.message").value_or("").find("sr-secret"),
              std::string::npos);
  }
}

TEST_F(SchemaRegistryTest, RegistryDownMidStreamIsRetriedAndNothingIsLost) {
  // A registry of its own (the worker's cache is per registry): down while the task meets a
  // schema id it has not fetched yet.
  auto r = testing::FakeSchemaRegistry::start({.basic_user_info = std::string(kUserInfo)});
  ASSERT_TRUE(r);
  auto registry = std::move(*r);
  auto encoded = encode_with_npm(*registry, tmp_);
  auto avro = of_set(encoded, "avro");
  ASSERT_EQ(avro.size(), 5u);
  ASSERT_TRUE(cluster_->create_topic("avro-down", 1));
  ASSERT_TRUE(cluster_->create_topic("avro-down-dlq", 1));
  auto config =
      converter_config("avro-down", "avro-down", tmp_.file("d.jsonl"), "AvroConverter", *registry);
  config.insert({{"errors.tolerance", "all"},
                 {"errors.deadletterqueue.topic.name", "avro-down-dlq"},
                 {"errors.deadletterqueue.topic.replication.factor", "1"}});
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(config)));
  testing::produce(
      cluster_->bootstrap_servers(), "avro-down", 3,
      [&](int i) { return avro[static_cast<size_t>(i)]; }, nullptr, 0);
  ASSERT_TRUE(eventually([&] { return committed("avro-down", "avro-down") == 3; }, 60s))
      << task(*w, "avro-down").trace;

  registry->stop();
  // Version 2's id (not fetched yet) and a record of version 1 (cached) behind it.
  testing::produce(
      cluster_->bootstrap_servers(), "avro-down", 2,
      [&](int i) { return avro[size_t{3} + static_cast<size_t>(i)]; }, nullptr, 0);
  // The task meets the unfetched id and retries (at least twice) instead of skipping the record.
  ASSERT_TRUE(eventually([&] { return retries("avro-down") >= 2; }, 60s)) << metrics_.expose();
  EXPECT_EQ(committed("avro-down", "avro-down"), 3);
  EXPECT_EQ(task(*w, "avro-down").state, pipeline::TaskState::kRunning);

  ASSERT_TRUE(registry->restart());
  ASSERT_TRUE(eventually([&] { return committed("avro-down", "avro-down") == 5; }, 60s))
      << task(*w, "avro-down").trace;
  w->stop();
  auto lines = testing::read_lines(tmp_.file("d.jsonl"));
  ASSERT_EQ(lines.size(), 5u);
  auto v2 = expected_everything(3);
  v2["note"] = "v2";
  EXPECT_EQ(json::parse(lines[3]), v2);
  EXPECT_EQ(json::parse(lines[4]), expected_everything(4));
  EXPECT_TRUE(testing::read_all(cluster_->bootstrap_servers(), "avro-down-dlq", 1, 2s).empty());
}

TEST_F(SchemaRegistryTest, WrongCredentialsFailTheTaskInsteadOfDeadLetteringEveryRecord) {
  produce("avro-auth", of_set(*encoded_, "avro"));
  auto config =
      converter_config("avro-auth", "avro-auth", tmp_.file("x.jsonl"), "AvroConverter", *registry_);
  config["value.converter.basic.auth.user.info"] = "sr-user:wrong-password";
  config["errors.tolerance"] = "all";
  auto w = worker();
  ASSERT_TRUE(w->add_connector(connector(config)));
  ASSERT_TRUE(
      eventually([&] { return task(*w, "avro-auth").state == pipeline::TaskState::kFailed; }, 60s));
  auto trace = task(*w, "avro-auth").trace;
  EXPECT_NE(trace.find("answered 401"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("wrong-password"), std::string::npos) << trace;
  w->stop();
  EXPECT_LT(committed("avro-auth", "avro-auth"), 1);
}

}  // namespace
}  // namespace kc
