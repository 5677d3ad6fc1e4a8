// The starrocks sink's parts without Kafka: labels, settings, and Stream Load against the test
// FE/BE (tests/fakes/starrocks).

#include <regex>

#include <gtest/gtest.h>

#include "runtime/sinks/common/batch_label.h"
#include "runtime/sinks/starrocks/settings.h"
#include "runtime/sinks/starrocks/stream_load.h"
#include "tests/fakes/starrocks/fake_starrocks.h"

namespace kc::sink::starrocks {
namespace {

using std::chrono::milliseconds;

bool valid_label(const std::string& label) {
  static const std::regex re("^[A-Za-z0-9_-]{1,128}$");
  return std::regex_match(label, re);
}

TEST(StarRocksLabelTest, IsValidForStarRocksWhateverTheNames) {
  std::string long_name(300, 'x');
  for (const std::string& name :
       {std::string("orders"), std::string("my connector/ü.v2"), long_name, std::string("a:b@c")}) {
    auto label = make_label({.connector = name,
                             .database = "db",
                             .table = name,
                             .topic = name,
                             .partition = 2147483647,
                             .first_offset = 9223372036854775806,
                             .end_offset = 9223372036854775807});
    EXPECT_TRUE(valid_label(label)) << label;
    EXPECT_LE(label.size(), 128u);
  }
}

TEST(StarRocksLabelTest, IsAFunctionOfConnectorTableTopicPartitionAndRange) {
  LabelParts base{.connector = "c",
                  .database = "db",
                  .table = "t",
                  .topic = "orders",
                  .partition = 1,
                  .first_offset = 10,
                  .end_offset = 20};
  EXPECT_EQ(make_label(base), make_label(base));
  EXPECT_EQ(make_label(base), "c-t-1-10-20-" + make_label(base).substr(12));
  auto differs = [&](LabelParts other) { return make_label(other) != make_label(base); };
  auto p = base;
  p.topic = "orders2";
  EXPECT_TRUE(differs(p));
  p = base;
  p.database = "db2";
  EXPECT_TRUE(differs(p));
  p = base;
  p.end_offset = 21;
  EXPECT_TRUE(differs(p));
  // Names that sanitize alike still differ by the hash.
  LabelParts a = base, b = base;
  a.connector = "a.b";
  b.connector = "a/b";
  EXPECT_NE(make_label(a), make_label(b));
}

Result<Settings> settings_from(api::RawConfig raw,
                               std::vector<api::ConfigIssue>* issues_out = nullptr) {
  raw.emplace("starrocks.database.name", "db");
  raw.emplace("starrocks.username", "root");
  raw.emplace("starrocks.password", "secret");
  std::vector<api::ConfigIssue> issues;
  auto config = api::Config::parse(config_def(), raw, issues);
  if (issues_out) *issues_out = issues;
  if (!issues.empty()) return make_error(Errc::kInvalidConfig, issues.front().to_string());
  return parse_settings(config);
}

TEST(StarRocksSettingsTest, ParsesTheJavaConnectorsKeys) {
  auto s = settings_from({{"starrocks.http.url", "fe1:8030, https://fe2:8443"},
                          {"starrocks.topic2table.map", "orders:t_orders, users:t_users"},
                          {"sink.properties.format", "CSV"},
                          {"sink.properties.row_delimiter", "\\x02"},
                          {"sink.properties.column_separator", "\\x01"},
                          {"sink.properties.label", "mine"},
                          {"sink.properties.some_new_header", "v"}});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->fe_urls, (std::vector<std::string>{"http://fe1:8030", "https://fe2:8443"}));
  EXPECT_EQ(s->table_for("orders"), "t_orders");
  EXPECT_EQ(s->table_for("other"), "other");
  EXPECT_EQ(s->format, Format::kCsv);
  EXPECT_EQ(s->row_delimiter, "\x02");
  EXPECT_EQ(s->load_headers.at("format"), "csv");
  EXPECT_EQ(s->load_headers.at("column_separator"), "\\x01");  // StarRocks decodes it
  EXPECT_EQ(s->load_headers.at("some_new_header"), "v");
  EXPECT_EQ(s->load_headers.count("label"), 0u);  // labels are the sink's
  EXPECT_EQ(s->flush_interval, milliseconds(1000));
  EXPECT_EQ(s->max_retries, 3);
}

TEST(StarRocksSettingsTest, JsonAlwaysStripsTheOuterArray) {
  auto s = settings_from(
      {{"starrocks.http.url", "fe:8030"}, {"sink.properties.strip_outer_array", "false"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->format, Format::kJson);
  EXPECT_EQ(s->load_headers.at("strip_outer_array"), "true");
}

TEST(StarRocksSettingsTest, RefusesBadValuesNamingTheKey) {
  std::vector<api::ConfigIssue> issues;
  auto s = settings_from({{"starrocks.http.url", "http://fe:8030/path"},
                          {"starrocks.topic2table.map", "orders"},
                          {"bufferflush.intervalms", "10"},
                          {"sink.properties.format", "parquet"}},
                         &issues);
  ASSERT_FALSE(s);
  std::set<std::string> keys;
  for (const auto& i : issues) keys.insert(i.key);
  EXPECT_EQ(keys, (std::set<std::string>{"starrocks.http.url", "starrocks.topic2table.map",
                                         "bufferflush.intervalms", "sink.properties.format"}));
}

class StreamLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto f = testing::FakeStarRocks::start({});
    ASSERT_TRUE(f) << f.error().message();
    fake_ = std::move(*f);
  }

  std::unique_ptr<StreamLoader> loader(api::RawConfig extra = {}) {
    extra.emplace("starrocks.http.url", fake_->fe_address());
    auto s = settings_from(extra);
    EXPECT_TRUE(s) << s.error().message();
    auto l = StreamLoader::create(*s, [this](milliseconds d) {
      sleeps_.push_back(d);
      return true;
    });
    EXPECT_TRUE(l);
    return std::move(*l);
  }

  std::unique_ptr<testing::FakeStarRocks> fake_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(StreamLoaderTest, LoadsThroughTheFesRedirectWithExpectContinueAndCredentials) {
  auto l = loader();
  ASSERT_TRUE(l->check());
  auto r = l->load("t", "label-1", R"([{"id":1},{"id":2}])");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, "Success");
  EXPECT_EQ(r->loaded_rows, 2);
  EXPECT_EQ(fake_->rows("t"), (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
  EXPECT_EQ(fake_->fe_loads(), 1u);
  EXPECT_EQ(fake_->be_loads(), 1u);  // the BE got it (with the credentials) through the 307
  EXPECT_EQ(fake_->loads_without_expect_continue(), 0u);
  EXPECT_EQ(fake_->last_headers().at("label"), "label-1");
  EXPECT_EQ(fake_->last_headers().at("format"), "json");
}

TEST_F(StreamLoaderTest, ALabelUsedBeforeIsAlreadyLoadedAndNotLoadedTwice) {
  auto l = loader();
  ASSERT_TRUE(l->load("t", "same", R"([{"id":1}])"));
  auto again = l->load("t", "same", R"([{"id":1}])");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_TRUE(again->already_loaded);
  EXPECT_EQ(fake_->rows("t").size(), 1u);
  EXPECT_EQ(fake_->duplicate_labels(), 1u);
}

TEST_F(StreamLoaderTest, PublishTimeoutIsCommittedAndNotRetried) {
  auto l = loader();
  fake_->publish_timeout_next(1);
  auto r = l->load("t", "pt", R"([{"id":1}])");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, "Publish Timeout");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(fake_->rows("t").size(), 1u);
}

TEST_F(StreamLoaderTest, ATransientFailIsRetriedUnderTheSameLabel) {
  auto l = loader();
  fake_->fail_next(2, "tablet writer write failed, err=-235");
  auto r = l->load("t", "retry-me", R"([{"id":1}])");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(sleeps_.size(), 2u);
  EXPECT_EQ(fake_->labels(), (std::vector<std::string>{"retry-me"}));
}

TEST_F(StreamLoaderTest, RetriesRunOutAfterSinkMaxRetries) {
  auto l = loader({{"sink.maxretries", "1"}});
  fake_->fail_next(5, "tablet writer write failed");
  auto r = l->load("t", "x", R"([{"id":1}])");
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().retriable());
  EXPECT_NE(r.error().message().find("gave up after 2 attempts"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("tablet writer write failed"), std::string::npos);
}

TEST_F(StreamLoaderTest, AFailForTheDataIsNotRetried) {
  auto l = loader();
  fake_->fail_next(1, "too many filtered rows");
  auto r = l->load("t", "bad", R"([{"id":1}])");
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().retriable());
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_NE(r.error().message().find("_load_error_log"), std::string::npos) << r.error().message();
}

TEST_F(StreamLoaderTest, TooManyRequestsWaitsAtLeastRetryAfter) {
  auto l = loader();
  fake_->throttle_next(1, 7);
  auto r = l->load("t", "throttled", R"([{"id":1}])");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_GE(sleeps_[0], milliseconds(7000));
  EXPECT_EQ(fake_->rows("t").size(), 1u);
}

TEST_F(StreamLoaderTest, WrongCredentialsFailAtOnceNamingTheUserNotThePassword) {
  auto l = loader({{"starrocks.password", "wrong-password"}});
  auto r = l->load("t", "x", R"([{"id":1}])");
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().retriable());
  EXPECT_EQ(r.error().code(), Errc::kPermissionDenied);
  EXPECT_NE(r.error().message().find("HTTP 401"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("\"root\""), std::string::npos);
  EXPECT_EQ(r.error().message().find("wrong-password"), std::string::npos);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(StreamLoaderTest, AnUnreachableFeFailsTheCheckNamingItsUrl) {
  auto s = settings_from({{"starrocks.http.url", "127.0.0.1:1"}});
  ASSERT_TRUE(s);
  auto l = StreamLoader::create(*s);
  ASSERT_TRUE(l);
  auto st = (*l)->check();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("http://127.0.0.1:1"), std::string::npos)
      << st.error().message();
}

TEST_F(StreamLoaderTest, ADeadFeIsSkippedForTheNextOne) {
  auto s = settings_from({{"starrocks.http.url", "127.0.0.1:1," + fake_->fe_address()}});
  ASSERT_TRUE(s);
  auto l = StreamLoader::create(*s, [](milliseconds) { return true; });
  ASSERT_TRUE(l);
  auto r = (*l)->load("t", "failover", R"([{"id":1}])");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(fake_->rows("t").size(), 1u);
}

TEST_F(StreamLoaderTest, CsvRowsKeepTheirDelimiters) {
  auto l = loader({{"sink.properties.format", "csv"}, {"sink.properties.row_delimiter", "\\x02"}});
  ASSERT_TRUE(l->load("t", "csv",
                      "1\tone\x02"
                      "2\ttwo"));
  EXPECT_EQ(fake_->rows("t"), (std::vector<std::string>{"1\tone", "2\ttwo"}));
}

}  // namespace
}  // namespace kc::sink::starrocks
