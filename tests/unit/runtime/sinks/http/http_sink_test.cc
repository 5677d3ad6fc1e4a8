// The http and rockset sinks against the test endpoint (tests/fakes/http_target): batching by
// records, bytes and linger, each body format, gzip, headers and authentication, 401, 429 with
// Retry-After, 5xx retries, refused records to the errant record reporter, an unreachable target
// at check(), idempotency keys identical on replay, document ids, Rockset's receiver body, and
// configuration refused at validation naming the key.

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "libs/base/base64.h"
#include "libs/metrics/registry.h"
#include "runtime/config/connector_config.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/fakes/http_target/fake_http_target.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeHttpTarget;

class HttpSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { target_ = start({}); }

  static std::unique_ptr<FakeHttpTarget> start(FakeHttpTarget::Options options) {
    auto f = FakeHttpTarget::start(std::move(options));
    EXPECT_TRUE(f) << f.error().message();
    return std::move(*f);
  }

  // A sink of `plugin` with `raw` (http.url defaults to the test endpoint's).
  std::unique_ptr<api::Sink> sink(api::RawConfig raw, const std::string& plugin = "http",
                                  bool with_reporter = true) {
    if (plugin == "http") raw.emplace("http.url", target_->url());
    const auto* p = registry::builtin().find_sink(plugin);
    EXPECT_TRUE(p);
    std::vector<api::ConfigIssue> issues;
    auto config = api::Config::parse(p->info.config_def(), raw, issues);
    if (p->validate) p->validate(config, issues);
    EXPECT_TRUE(issues.empty()) << issues.front().to_string();
    api::SinkContext context{.connector_name = "conn", .task_id = 0, .metrics = &metrics_};
    if (with_reporter) {
      context.report_errant = [this](const api::SinkRecord& r, const Error& e) -> Status {
        errant_.emplace_back(r.original_offset, e.message());
        return ok();
      };
    }
    auto s = p->create(config, context);
    EXPECT_TRUE(s) << s.error().message();
    return std::move(*s);
  }

  // A record of `topic` partition 0 whose value is `value` as the JsonConverter gives it
  // without schemas (raw JSON).
  api::SinkRecord record(int64_t offset, const std::string& value,
                         std::optional<std::string> key = std::nullopt,
                         const std::string& topic = "t") {
    const auto& t = storage_.emplace_back(topic);
    const auto& v = storage_.emplace_back(value);
    api::SinkRecord r;
    r.topic = topic;
    r.offset = offset;
    r.original_topic = t;
    r.original_offset = offset;
    r.timestamp = 1'700'000'000'000 + offset;
    r.timestamp_type = api::TimestampType::kCreateTime;
    r.value = api::Value::raw_json_view(v);
    r.raw_value = v;
    if (key) {
      const auto& k = storage_.emplace_back(*key);
      r.key = api::Value::string_view(k);
      r.raw_key = k;
    }
    return r;
  }

  std::vector<api::SinkRecord> records(int64_t from, int64_t to) {
    std::vector<api::SinkRecord> out;
    out.reserve(static_cast<size_t>(to - from));
    for (int64_t i = from; i < to; ++i)
      out.push_back(record(i, fmt::format(R"({{"id":{},"name":"n{}"}})", i, i)));
    return out;
  }

  static std::vector<int> ids(const std::vector<json>& docs) {
    std::vector<int> out;
    out.reserve(docs.size());
    for (const auto& d : docs) out.push_back(d.at("id").get<int>());
    return out;
  }
  static std::vector<int> range(int from, int to) {
    std::vector<int> out;
    out.reserve(static_cast<size_t>(to - from));
    for (int i = from; i < to; ++i) out.push_back(i);
    return out;
  }

  std::unique_ptr<FakeHttpTarget> target_;
  metrics::Registry metrics_;
  std::deque<std::string> storage_;
  std::vector<std::pair<int64_t, std::string>> errant_;
};

TEST_F(HttpSinkTest, BatchesAreCutByRecordsAndEveryBatchIsSentAtFlush) {
  auto s = sink({{"http.batch.max.records", "3"}, {"http.batch.linger.ms", "250"}});
  ASSERT_TRUE(s->check());
  EXPECT_EQ(s->batch_limits().linger, 250ms);
  auto batch = records(0, 7);
  ASSERT_TRUE(s->put(batch));
  EXPECT_EQ(target_->requests().size(), 2u);  // two full batches sent from put()
  ASSERT_TRUE(s->flush({}));
  auto requests = target_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(ids(target_->documents()), range(0, 7));
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].body,
            R"([{"id":0,"name":"n0"},{"id":1,"name":"n1"},{"id":2,"name":"n2"}])");
  std::set<std::string> keys;
  for (const auto& r : requests) keys.insert(r.headers.at("idempotency-key"));
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_NE(requests[0].headers.at("idempotency-key").find("-0-0-3-"), std::string::npos)
      << requests[0].headers.at("idempotency-key");
  ASSERT_TRUE(s->flush({}));  // nothing buffered: nothing sent
  EXPECT_EQ(target_->requests().size(), 3u);
}

TEST_F(HttpSinkTest, BatchesAreCutByBytesAndPartitionsGoInSeparateRequests) {
  auto s = sink({{"http.batch.max.bytes", "1024"}, {"http.method", "PUT"}});
  std::vector<api::SinkRecord> batch;
  const std::string pad(200, 'x');
  for (int i = 0; i < 20; ++i) {
    auto r = record(i, fmt::format(R"({{"id":{},"pad":"{}"}})", i, pad));
    r.partition = r.original_partition = i % 2;
    batch.push_back(std::move(r));
  }
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  auto requests = target_->requests();
  ASSERT_GE(requests.size(), 6u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "PUT");
    EXPECT_LE(r.body.size(), 1024u + 2);  // the documents, plus [ and ]
    auto docs = json::parse(r.body);
    for (const auto& d : docs) EXPECT_EQ(d["id"].get<int>() % 2, docs[0]["id"].get<int>() % 2);
  }
  auto got = ids(target_->documents());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, range(0, 20));
}

TEST_F(HttpSinkTest, NdjsonCsvAndRocksetBodies) {
  {
    auto s = sink({{"http.body.format", "ndjson"}});
    auto batch = records(0, 2);
    ASSERT_TRUE(s->put(batch));
    ASSERT_TRUE(s->flush({}));
    auto r = target_->requests().back();
    EXPECT_EQ(r.headers.at("content-type"), "application/x-ndjson");
    EXPECT_EQ(r.body, "{\"id\":0,\"name\":\"n0\"}\n{\"id\":1,\"name\":\"n1\"}\n");
  }
  target_ = start({});  // a new endpoint: the same offsets make the same idempotency keys
  {
    auto s = sink({{"http.body.format", "csv"}});
    std::vector<api::SinkRecord> batch;
    batch.push_back(record(0, ""));
    batch.back().value = api::Value::string("1,plain line\n");
    batch.push_back(record(1, ""));
    batch.back().value = api::Value::structure(
        {{"id", api::Value::int32(2)}, {"text", api::Value::string("a, \"quoted\" one")}});
    ASSERT_TRUE(s->put(batch));
    ASSERT_TRUE(s->flush({}));
    auto r = target_->requests().back();
    EXPECT_EQ(r.headers.at("content-type"), "text/csv");
    EXPECT_EQ(r.body, "1,plain line\r\n2,\"a, \"\"quoted\"\" one\"\r\n");
    EXPECT_EQ(target_->rows().size(), 2u);
  }
  target_ = start({});
  {
    auto s = sink({{"http.body.format", "rockset"}});
    auto batch = records(0, 2);
    ASSERT_TRUE(s->put(batch));
    ASSERT_TRUE(s->flush({}));
    EXPECT_EQ(target_->requests().back().body,
              R"({"data":[{"id":0,"name":"n0"},{"id":1,"name":"n1"}]})");
  }
}

TEST_F(HttpSinkTest, GzipBodiesArriveIntact) {
  auto s = sink({{"http.gzip", "true"}});
  auto batch = records(0, 50);
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  auto r = target_->requests().back();
  EXPECT_EQ(r.headers.at("content-encoding"), "gzip");
  EXPECT_LT(r.wire_bytes, r.body.size() / 2);
  EXPECT_EQ(ids(target_->documents()), range(0, 50));
}

TEST_F(HttpSinkTest, HeadersAndBasicOrBearerAuthentication) {
  target_ = start({.authorization = "Basic " + base64::encode("user:pw")});
  auto s = sink({{"http.auth.type", "basic"},
                 {"http.auth.user", "user"},
                 {"http.auth.password", "pw"},
                 {"http.headers.X-Api-Key", "k-123"},
                 {"http.headers.Content-Type", "application/json; charset=utf-8"}});
  ASSERT_TRUE(s->check());
  auto batch = records(0, 1);
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  auto r = target_->requests().back();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("x-api-key"), "k-123");
  EXPECT_EQ(r.headers.at("content-type"), "application/json; charset=utf-8");

  target_ = start({.authorization = "Bearer tok"});
  auto b = sink({{"http.auth.type", "bearer"}, {"http.auth.token", "tok"}});
  ASSERT_TRUE(b->check());
  ASSERT_TRUE(b->put(batch));
  ASSERT_TRUE(b->flush({}));
  EXPECT_EQ(target_->documents().size(), 1u);
}

TEST_F(HttpSinkTest, WrongCredentialsFailClearlyWithoutShowingThem) {
  target_ = start({.authorization = "Bearer right"});
  auto s = sink({{"http.auth.type", "bearer"}, {"http.auth.token", "wrong-token"}});
  auto checked = s->check();
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code(), Errc::kPermissionDenied);
  EXPECT_NE(checked.error().message().find("HTTP 401"), std::string::npos);
  EXPECT_NE(checked.error().message().find(target_->url()), std::string::npos);
  EXPECT_NE(checked.error().message().find("http.auth"), std::string::npos);
  auto batch = records(0, 1);
  ASSERT_TRUE(s->put(batch));
  auto flushed = s->flush({});
  ASSERT_FALSE(flushed);
  EXPECT_FALSE(flushed.error().retriable());
  EXPECT_NE(flushed.error().message().find("HTTP 401"), std::string::npos);
  EXPECT_EQ(flushed.error().message().find("wrong-token"), std::string::npos);
  EXPECT_TRUE(target_->documents().empty());
}

TEST_F(HttpSinkTest, A429WithRetryAfterIsNotRetriedEarlier) {
  auto s = sink({{"http.retry.backoff.ms", "1"}});
  target_->fail_next(1, 429, 1);
  auto batch = records(0, 3);
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  auto requests = target_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 429);
  EXPECT_EQ(requests[1].status, 200);
  EXPECT_GE(requests[1].at - requests[0].at, 1000ms);
  EXPECT_EQ(requests[0].headers.at("idempotency-key"), requests[1].headers.at("idempotency-key"));
  EXPECT_EQ(ids(target_->documents()), range(0, 3));
}

TEST_F(HttpSinkTest, ServerErrorsAreRetriedWithTheSameBodyThenSucceed) {
  auto s = sink({{"http.retry.backoff.ms", "10"}});
  target_->fail_next(2, 503);
  auto batch = records(0, 3);
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  auto requests = target_->requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.body, requests[0].body);
    EXPECT_EQ(r.headers.at("idempotency-key"), requests[0].headers.at("idempotency-key"));
  }
  EXPECT_EQ(ids(target_->documents()), range(0, 3));
  auto retries = metrics_.expose();
  EXPECT_NE(retries.find(R"(kconnect_sink_retries_total{connector="conn",sink="http",task="0"} 2)"),
            std::string::npos)
      << retries;
}

TEST_F(HttpSinkTest, RetriesRunOutAndTheTaskFailsNamingTheUrl) {
  auto s = sink({{"http.retry.backoff.ms", "1"}, {"http.retry.max", "2"}});
  target_->fail_next(100, 500);
  auto batch = records(0, 1);
  ASSERT_TRUE(s->put(batch));
  auto flushed = s->flush({});
  ASSERT_FALSE(flushed);
  EXPECT_FALSE(flushed.error().retriable());
  EXPECT_NE(flushed.error().message().find("gave up after 3 attempts, http.retry.max=2"),
            std::string::npos)
      << flushed.error().message();
  EXPECT_NE(flushed.error().message().find("HTTP 500"), std::string::npos);
  EXPECT_NE(flushed.error().message().find(target_->url()), std::string::npos);
  EXPECT_EQ(target_->requests().size(), 3u);
}

TEST_F(HttpSinkTest, ARecordTheTargetRefusesGoesToTheReporterWithTheTargetsMessage) {
  auto s = sink({});
  auto batch = records(0, 5);
  batch[2] = record(2, R"({"id":2,"refuse":true})");
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  ASSERT_EQ(errant_.size(), 1u);
  EXPECT_EQ(errant_[0].first, 2);
  EXPECT_NE(errant_[0].second.find("HTTP 400"), std::string::npos) << errant_[0].second;
  EXPECT_NE(errant_[0].second.find("document 0: refused"), std::string::npos) << errant_[0].second;
  EXPECT_NE(errant_[0].second.find("offset=2"), std::string::npos) << errant_[0].second;
  EXPECT_EQ(ids(target_->documents()), (std::vector<int>{0, 1, 3, 4}));
}

TEST_F(HttpSinkTest, WithoutAReporterARefusedRecordFailsTheFlush) {
  auto s = sink({}, "http", /*with_reporter=*/false);
  std::vector<api::SinkRecord> batch;
  batch.push_back(record(0, R"({"refuse":true})"));
  ASSERT_TRUE(s->put(batch));
  auto flushed = s->flush({});
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.error().message().find("the target refused the record"), std::string::npos);
}

TEST_F(HttpSinkTest, AValueThatIsNoJsonDocumentGoesToTheReporter) {
  auto s = sink({});
  std::vector<api::SinkRecord> batch;
  batch.push_back(record(0, ""));
  batch.back().value = api::Value::string("not json");
  batch.push_back(record(1, R"({"id":1})"));
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  ASSERT_EQ(errant_.size(), 1u);
  EXPECT_NE(errant_[0].second.find("not JSON text"), std::string::npos) << errant_[0].second;
  EXPECT_EQ(ids(target_->documents()), (std::vector<int>{1}));
}

TEST_F(HttpSinkTest, AnUnreachableTargetFailsTheCheckNamingTheUrl) {
  auto s = sink({{"http.url", "http://127.0.0.1:1/events?token=hidden"}});
  auto checked = s->check();
  ASSERT_FALSE(checked);
  EXPECT_FALSE(checked.error().retriable());
  EXPECT_NE(checked.error().message().find("http://127.0.0.1:1/events"), std::string::npos)
      << checked.error().message();
  EXPECT_NE(checked.error().message().find("http.url"), std::string::npos);
  EXPECT_EQ(checked.error().message().find("hidden"), std::string::npos);
}

// A task that sent two batches and crashed before its commit is replaced by one that replays
// the same records: the same batches carry the same keys, and the target drops the repeats.
TEST_F(HttpSinkTest, IdempotencyKeysAreIdenticalOnReplay) {
  auto first = sink({{"http.batch.max.records", "3"}});
  auto batch = records(0, 6);
  ASSERT_TRUE(first->put(batch));
  first.reset();
  auto replay = sink({{"http.batch.max.records", "3"}});
  auto again = records(0, 8);
  ASSERT_TRUE(replay->put(again));
  ASSERT_TRUE(replay->flush({}));
  auto requests = target_->requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0].headers.at("idempotency-key"), requests[2].headers.at("idempotency-key"));
  EXPECT_EQ(requests[1].headers.at("idempotency-key"), requests[3].headers.at("idempotency-key"));
  EXPECT_EQ(target_->idempotent_replays(), 2u);
  EXPECT_EQ(ids(target_->documents()), range(0, 8));
}

TEST_F(HttpSinkTest, DocumentIdsMakeAReplayWithOtherBatchesReplace) {
  for (auto records_per_batch : {"4", "3"}) {
    auto s = sink({{"http.batch.max.records", records_per_batch},
                   {"http.document.id", "topic_partition_offset"},
                   {"http.idempotency.header", ""}});
    auto batch = records(0, 6);
    ASSERT_TRUE(s->put(batch));
    ASSERT_TRUE(s->flush({}));
  }
  auto docs = target_->documents();
  ASSERT_EQ(docs.size(), 6u);
  EXPECT_EQ(docs[5]["_id"], "t+0+5");
  EXPECT_EQ(target_->requests()[0].headers.count("idempotency-key"), 0u);

  auto by_key = sink({{"http.document.id", "key"}, {"http.document.id.field", "doc_id"}});
  std::vector<api::SinkRecord> keyed;
  keyed.push_back(record(10, R"({"id":10,"doc_id":"replaced"})", "k-10"));
  keyed.push_back(record(11, R"({"id":11})"));  // no key
  ASSERT_TRUE(by_key->put(keyed));
  ASSERT_TRUE(by_key->flush({}));
  EXPECT_EQ(target_->documents().back()["doc_id"], "k-10");
  ASSERT_EQ(errant_.size(), 1u);
  EXPECT_NE(errant_[0].second.find("no key"), std::string::npos);
}

// Rockset's receiver as the Java connector calls it (RocksetRequestWrapper, KafkaMessage).
TEST_F(HttpSinkTest, RocksetSendsItsReceiversBody) {
  target_ = start({.authorization = "Basic " + base64::encode("kafka_key:")});
  auto s = sink({{"rockset.apiserver.url", target_->base_url() + "/"},
                 {"rockset.integration.key", "kafka_key"},
                 {"rockset.batch.size", "2"}},
                "rockset.RocksetSinkConnector");
  ASSERT_TRUE(s->check());
  std::vector<api::SinkRecord> batch;
  batch.push_back(record(0, R"({"id":0})", "k0", "events"));
  batch.push_back(record(1, R"([{"id":1}])", std::nullopt, "events"));
  batch.push_back(record(2, "", std::nullopt, "events"));
  batch.back().value = api::Value();  // a tombstone is the document {}
  batch.back().timestamp_type = api::TimestampType::kLogAppendTime;
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  auto requests = target_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/v1/receivers/kafka");
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(json::parse(requests[0].body), json::parse(R"({"topic":"events","kafka_messages":[
              {"document":{"id":0},"key":"k0","partition":0,"offset":0,"create_time":1700000000000},
              {"document":{"id":1},"key":null,"partition":0,"offset":1,"create_time":1700000000001}]})"));
  EXPECT_EQ(json::parse(requests[1].body)["kafka_messages"][0],
            json::parse(R"({"document":{},"key":null,"partition":0,"offset":2,
                            "log_append_time":1700000000002})"));
  EXPECT_EQ(target_->kafka_messages().size(), 3u);
}

// rockset.task.threads: batches of different partitions are sent at once, each partition's in
// order. The endpoint holds stored requests until two have been in flight at once (or 10 s).
TEST_F(HttpSinkTest, RocksetSendsPartitionsInParallelEachInOrder) {
  auto s = sink({{"rockset.apiserver.url", target_->base_url()},
                 {"rockset.integration.key", "kafka_key"},
                 {"rockset.batch.size", "2"},
                 {"rockset.task.threads", "4"}},
                "rockset");
  target_->on_stored([this] {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (target_->max_in_flight() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
  });
  std::vector<api::SinkRecord> batch;
  for (int32_t p = 0; p < 4; ++p) {
    for (int64_t o = 0; o < 6; ++o) {
      auto r = record(o, fmt::format(R"({{"p":{},"o":{}}})", p, o), std::nullopt, "events");
      r.partition = r.original_partition = p;
      batch.push_back(std::move(r));
    }
  }
  ASSERT_TRUE(s->put(batch));
  ASSERT_TRUE(s->flush({}));
  target_->on_stored(nullptr);
  EXPECT_GE(target_->max_in_flight(), 2);
  EXPECT_EQ(target_->kafka_messages().size(), 24u);
  std::map<int, int64_t> last;  // per partition, the last offset seen in arrival order
  for (const auto& r : target_->requests()) {
    auto body = json::parse(r.body);  // a range over a temporary's member would dangle
    for (const auto& m : body["kafka_messages"]) {
      int p = m["partition"].get<int>();
      int64_t o = m["offset"].get<int64_t>();
      if (last.count(p)) {
        EXPECT_GT(o, last[p]) << "partition " << p;
      }
      last[p] = o;
    }
  }
}

config::ValidationResult validate(api::RawConfig raw) {
  std::vector<api::ConfigIssue> issues;
  auto worker = config::parse_worker_config({{"bootstrap.servers", "127.0.0.1:9092"}}, issues);
  raw.emplace("name", "v");
  raw.emplace("topics", "t");
  return config::validate_connector(worker, raw, registry::builtin());
}

const api::ConfigIssue* issue_for(const config::ValidationResult& r, const std::string& key) {
  for (const auto& i : r.issues) {
    if (i.key == key) return &i;
  }
  return nullptr;
}

TEST(HttpSinkConfigTest, BadValuesAreRefusedAtValidationNamingKeyAndAllowedValues) {
  auto r = validate({{"connector.class", "http"},
                     {"http.url", "ftp://x"},
                     {"http.method", "GET"},
                     {"http.body.format", "xml"},
                     {"http.auth.type", "basic"},
                     {"http.document.id", "uuid"},
                     {"http.headers.Content-Length", "3"},
                     {"http.headers.Bad Name", "x"},
                     {"http.idempotency.header", "Bad Header"}});
  EXPECT_FALSE(r.ok());
  for (const auto& [key, allowed] : std::vector<std::pair<std::string, std::string>>{
           {"http.url", "http(s)://"},
           {"http.method", "POST, PUT"},
           {"http.body.format", "json_array, ndjson, csv, rockset"},
           {"http.auth.user", "required with http.auth.type=basic"},
           {"http.document.id", "none, key, topic_partition_offset"},
           {"http.headers.Content-Length", "set by the sink"},
           {"http.headers.Bad Name", "HTTP header name"},
           {"http.idempotency.header", "a header name"}}) {
    const auto* issue = issue_for(r, key);
    ASSERT_TRUE(issue) << key;
    EXPECT_NE(issue->to_string().find(allowed), std::string::npos) << issue->to_string();
  }

  auto csv = validate({{"connector.class", "http"},
                       {"http.url", "http://x/y"},
                       {"http.body.format", "csv"},
                       {"http.document.id", "key"}});
  ASSERT_TRUE(issue_for(csv, "http.document.id"));

  auto good = validate({{"connector.class", "http"},
                        {"http.url", "https://x/y"},
                        {"http.headers.X-Api-Key", "secret-value"}});
  EXPECT_TRUE(good.ok());
  EXPECT_FALSE(issue_for(good, "http.headers.X-Api-Key"));  // not an "unknown key" warning

  auto rockset = validate({{"connector.class", "rockset.RocksetSinkConnector"},
                           {"rockset.integration.key", "not-a-kafka-key"},
                           {"format", "parquet"}});
  ASSERT_TRUE(issue_for(rockset, "rockset.integration.key"));
  EXPECT_EQ(issue_for(rockset, "rockset.integration.key")->value, api::kHidden);
  ASSERT_TRUE(issue_for(rockset, "format"));
}

TEST(HttpSinkConfigTest, HeaderValuesAndTheIntegrationKeyAreSecrets) {
  EXPECT_TRUE(api::is_sensitive_key("http.headers.X-Api-Key"));
  EXPECT_TRUE(api::is_sensitive_key("http.headers.Authorization"));
  EXPECT_TRUE(api::is_sensitive_key("rockset.integration.key"));
  EXPECT_TRUE(api::is_sensitive_key("http.auth.password"));
  EXPECT_TRUE(api::is_sensitive_key("http.auth.token"));
}

}  // namespace
}  // namespace kc
