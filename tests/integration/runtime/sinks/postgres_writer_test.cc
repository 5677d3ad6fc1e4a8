// The postgres sink's writer against a real PostgreSQL server (tests/support/postgres.h): rows
// and offsets in one transaction, upsert, delete, auto.create / auto.evolve, rows PostgreSQL
// refuses, fencing, and the errors a person sees.

#include <gtest/gtest.h>

#include "runtime/sinks/postgres/pg_writer.h"
#include "tests/support/postgres.h"

namespace kc::sink::postgres {
namespace {

using api::Value;
using testing::PostgresServer;

class PostgresWriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<PostgresServer>(); }
  static void TearDownTestSuite() { server_.reset(); }

  PgConfig config(api::RawConfig raw) {
    raw.emplace("connection.url", server_->jdbc_url());
    raw.emplace("connection.user", PostgresServer::kUser);
    raw.emplace("connection.password", PostgresServer::kPassword);
    std::vector<api::ConfigIssue> issues;
    auto c = api::Config::parse(config_def(), raw, issues);
    EXPECT_TRUE(issues.empty());
    auto parsed = parse_config(c, ::testing::UnitTest::GetInstance()->current_test_info()->name());
    EXPECT_TRUE(parsed) << parsed.error().message();
    return *parsed;
  }

  // Records of `topic` partition 0 from offset `first`, mapped to rows.
  std::vector<Row> rows(RecordMapper& mapper, const std::string& topic,
                        const std::vector<std::pair<std::optional<std::string>, std::string>>& kv,
                        int64_t first = 0) {
    std::vector<Row> out;
    for (size_t i = 0; i < kv.size(); ++i) {
      api::SinkRecord r;
      r.topic = topic;
      r.offset = first + static_cast<int64_t>(i);
      if (kv[i].first) r.key = Value::string(*kv[i].first);
      r.value = kv[i].second == "null" ? Value::null() : Value::raw_json(kv[i].second);
      auto row = mapper.map(r);
      EXPECT_TRUE(row) << row.error().message();
      if (row && *row) out.push_back(std::move(**row));
    }
    return out;
  }

  static Status no_rejects(size_t index, const Error& e) {
    ADD_FAILURE() << "row " << index << " rejected: " << e.message();
    return tl::unexpected(e);
  }

  std::string q(const std::string& sql) { return server_->scalar(sql); }

  static std::unique_ptr<PostgresServer> server_;
};

std::unique_ptr<PostgresServer> PostgresWriterTest::server_;

TEST_F(PostgresWriterTest, InsertCopiesRowsAndStoresOffsetsInTheSameTransaction) {
  auto c = config({{"auto.create", "true"}, {"table.name.format", "ins_${topic}"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  ASSERT_TRUE(writer.check());
  auto batch = rows(mapper, "t",
                    {{"a", R"({"id":1,"name":"tab\there","x":[]})"},
                     {"b", R"({"id":2,"name":"back\\slash\nline","x":{"k":[1]}})"}});
  Offsets offsets{{{"t", 0}, 2}};
  ASSERT_TRUE(writer.write(batch, offsets, no_rejects));
  EXPECT_EQ(q("SELECT count(*) FROM ins_t"), "2");
  EXPECT_EQ(q("SELECT name FROM ins_t WHERE id = 2"), "back\\slash\nline");
  EXPECT_EQ(q("SELECT x->'k'->>0 FROM ins_t WHERE id = 2"), "1");
  EXPECT_EQ(q("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
              "'ins_t'::regclass AND attname = 'x'"),
            "jsonb");
  PgWriter fresh(c);
  auto stored = fresh.stored_offsets({{"t", 0}, {"t", 1}});
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(*stored, (Offsets{{{"t", 0}, 2}}));
  EXPECT_EQ(q("SELECT next_offset FROM kconnect_offsets WHERE connector = '" + c.connector_name +
              "' AND topic = 't' AND partition = 0"),
            "2");
}

TEST_F(PostgresWriterTest, UpsertByKeyKeepsTheLastValueWithinAndAcrossBatches) {
  auto c = config({{"auto.create", "true"},
                   {"insert.mode", "upsert"},
                   {"pk.mode", "record_key"},
                   {"pk.fields", "id"},
                   {"table.name.format", "ups_${topic}"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  ASSERT_TRUE(writer.stored_offsets({{"t", 0}}));
  auto first =
      rows(mapper, "t", {{"1", R"({"v":"a"})"}, {"2", R"({"v":"b"})"}, {"1", R"({"v":"c"})"}});
  ASSERT_TRUE(writer.write(first, {{{"t", 0}, 3}}, no_rejects));
  auto second = rows(mapper, "t", {{"2", R"({"v":"d"})"}}, 3);
  ASSERT_TRUE(writer.write(second, {{{"t", 0}, 4}}, no_rejects));
  EXPECT_EQ(server_->query("SELECT id, v FROM ups_t ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"1", "c"}, {"2", "d"}}));
  EXPECT_EQ(q("SELECT count(*) FROM pg_index WHERE indrelid = 'ups_t'::regclass AND indisprimary"),
            "1");
}

TEST_F(PostgresWriterTest, TombstoneDeletesTheRowWithItsKey) {
  auto c = config({{"auto.create", "true"},
                   {"insert.mode", "upsert"},
                   {"pk.mode", "record_key"},
                   {"delete.enabled", "true"},
                   {"table.name.format", "del_${topic}"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  auto batch =
      rows(mapper, "t",
           {{"k1", R"({"v":1})"}, {"k2", R"({"v":2})"}, {"k1", "null"}, {"k3", R"({"v":3})"}});
  ASSERT_EQ(batch.size(), 4u);
  ASSERT_TRUE(writer.write(batch, {{{"t", 0}, 4}}, no_rejects));
  EXPECT_EQ(server_->query("SELECT __connect_key FROM del_t ORDER BY 1"),
            (std::vector<std::vector<std::string>>{{"k2"}, {"k3"}}));
}

TEST_F(PostgresWriterTest, AutoEvolveAddsANewOptionalField) {
  auto c = config({{"auto.create", "true"}, {"auto.evolve", "true"}, {"table.name.format", "evo"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  ASSERT_TRUE(writer.write(rows(mapper, "t", {{{}, R"({"id":1})"}}), {{{"t", 0}, 1}}, no_rejects));
  ASSERT_TRUE(writer.write(rows(mapper, "t", {{{}, R"({"id":2,"note":"new"})"}}, 1),
                           {{{"t", 0}, 2}}, no_rejects));
  EXPECT_EQ(server_->query("SELECT id, note FROM evo ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"1", "<null>"}, {"2", "new"}}));
}

TEST_F(PostgresWriterTest, WithoutAutoEvolveANewFieldIsAnErrorNamingTableAndColumn) {
  auto c = config({{"auto.create", "true"}, {"table.name.format", "noevo"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  ASSERT_TRUE(writer.write(rows(mapper, "t", {{{}, R"({"id":1})"}}), {{{"t", 0}, 1}}, no_rejects));
  auto st = writer.write(rows(mapper, "t", {{{}, R"({"id":2,"note":"x"})"}}, 1), {{{"t", 0}, 2}},
                         no_rejects);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "table noevo has no column 'note' and auto.evolve is false");
  EXPECT_EQ(q("SELECT count(*) FROM noevo"), "1");
}

TEST_F(PostgresWriterTest, MissingTableWithoutAutoCreateNamesTheTable) {
  auto c = config({{"table.name.format", "absent_${topic}"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  auto st = writer.write(rows(mapper, "t", {{{}, R"({"id":1})"}}), {{{"t", 0}, 1}}, no_rejects);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::kNotFound);
  EXPECT_NE(st.error().message().find("table absent_t does not exist"), std::string::npos);
}

TEST_F(PostgresWriterTest, RowsPostgresRefusesAreNamedAndTheRestCommits) {
  server_->query("CREATE TABLE bad (id BIGINT PRIMARY KEY, qty INT CHECK (qty >= 0))");
  for (const auto* mode : {"insert", "upsert"}) {
    server_->query("TRUNCATE bad");
    auto c = config({{"table.name.format", "bad"},
                     {"insert.mode", mode},
                     {"pk.mode", "record_value"},
                     {"pk.fields", "id"}});
    c.connector_name += mode;
    RecordMapper mapper(c);
    PgWriter writer(c);
    auto batch = rows(mapper, "t",
                      {{{}, R"({"id":1,"qty":1})"},
                       {{}, R"({"id":2,"qty":"lots"})"},
                       {{}, R"({"id":3,"qty":-1})"},
                       {{}, R"({"id":4,"qty":4})"}});
    std::vector<std::pair<size_t, std::string>> rejected;
    auto st = writer.write(batch, {{{"t", 0}, 4}}, [&](size_t i, const Error& e) -> Status {
      EXPECT_EQ(e.code(), Errc::kData);
      rejected.emplace_back(i, e.message());
      return ok();
    });
    ASSERT_TRUE(st) << st.error().message();
    ASSERT_EQ(rejected.size(), 2u) << mode;
    EXPECT_EQ(rejected[0].first, 1u);
    EXPECT_NE(rejected[0].second.find("invalid input syntax for type integer: \"lots\""),
              std::string::npos)
        << rejected[0].second;
    EXPECT_EQ(rejected[1].first, 2u);
    EXPECT_NE(rejected[1].second.find("violates check constraint"), std::string::npos);
    EXPECT_NE(rejected[1].second.find("SQLSTATE 23514"), std::string::npos);
    EXPECT_EQ(server_->query("SELECT id FROM bad ORDER BY id"),
              (std::vector<std::vector<std::string>>{{"1"}, {"4"}}));
  }
}

TEST_F(PostgresWriterTest, ARejectVerdictAbortsTheWholeTransaction) {
  server_->query("CREATE TABLE strict (id BIGINT, qty INT)");
  auto c = config({{"table.name.format", "strict"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  ASSERT_TRUE(writer.stored_offsets({{"t", 0}}));
  auto batch = rows(mapper, "t", {{{}, R"({"id":1,"qty":1})"}, {{}, R"({"id":2,"qty":"x"})"}});
  auto st = writer.write(batch, {{{"t", 0}, 2}}, [](size_t, const Error& e) -> Status {
    return make_error(Errc::kData, "tolerance none: {}", e.message());
  });
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("tolerance none"), std::string::npos);
  EXPECT_EQ(q("SELECT count(*) FROM strict"), "0");
  auto stored = writer.stored_offsets({{"t", 0}});
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->empty());
}

TEST_F(PostgresWriterTest, AWriterWhoseOffsetsWereMovedByAnotherIsFenced) {
  auto c = config({{"auto.create", "true"}, {"table.name.format", "fence"}});
  RecordMapper mapper(c);
  PgWriter zombie(c);
  PgWriter successor(c);
  ASSERT_TRUE(zombie.stored_offsets({{"t", 0}}));
  ASSERT_TRUE(successor.stored_offsets({{"t", 0}}));
  ASSERT_TRUE(
      successor.write(rows(mapper, "t", {{{}, R"({"id":1})"}}), {{{"t", 0}, 1}}, no_rejects));
  auto st = zombie.write(rows(mapper, "t", {{{}, R"({"id":1})"}, {{}, R"({"id":2})"}}),
                         {{{"t", 0}, 2}}, no_rejects);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::kConflict);
  EXPECT_NE(st.error().message().find("t-0: expected -1, found 1"), std::string::npos)
      << st.error().message();
  EXPECT_EQ(q("SELECT count(*) FROM fence"), "1");
  // A retry of a batch whose COMMIT went through (acknowledgement lost) is recognised.
  ASSERT_TRUE(
      successor.write(rows(mapper, "t", {{{}, R"({"id":2})"}}, 1), {{{"t", 0}, 2}}, no_rejects));
  PgWriter after_lost_ack(c);
  ASSERT_TRUE(after_lost_ack.stored_offsets({{"t", 0}}));
  ASSERT_TRUE(after_lost_ack.write(rows(mapper, "t", {{{}, R"({"id":2})"}}, 1), {{{"t", 0}, 2}},
                                   no_rejects));
  EXPECT_EQ(q("SELECT count(*) FROM fence"), "2");
}

TEST_F(PostgresWriterTest, UpdateModeChangesExistingRowsOnly) {
  server_->query("CREATE TABLE upd (id INT PRIMARY KEY, v TEXT, at TIMESTAMPTZ)");
  server_->query("INSERT INTO upd VALUES (1, 'a', NULL), (2, 'b', NULL)");
  auto c = config({{"table.name.format", "upd"},
                   {"insert.mode", "update"},
                   {"pk.mode", "record_value"},
                   {"pk.fields", "id"}});
  RecordMapper mapper(c);
  PgWriter writer(c);
  ASSERT_TRUE(writer.write(rows(mapper, "t",
                                {{{}, R"({"id":2,"v":"B","at":"2024-01-02T03:04:05Z"})"},
                                 {{}, R"({"id":3,"v":"C","at":null})"}}),
                           {{{"t", 0}, 2}}, no_rejects));
  EXPECT_EQ(server_->query("SELECT id, v, at AT TIME ZONE 'UTC' FROM upd ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"1", "a", "<null>"},
                                                   {"2", "B", "2024-01-02 03:04:05"}}));
}

TEST_F(PostgresWriterTest, UnreachableServerIsRetriableAndNamesIt) {
  api::RawConfig raw{{"connection.url", "jdbc:postgresql://127.0.0.1:1/nodb"}};
  std::vector<api::ConfigIssue> issues;
  auto parsed = parse_config(api::Config::parse(config_def(), raw, issues), "c");
  ASSERT_TRUE(parsed);
  PgWriter writer(*parsed);
  auto st = writer.check();
  ASSERT_FALSE(st);
  EXPECT_TRUE(st.error().retriable());
  EXPECT_NE(st.error().message().find("PostgreSQL at 127.0.0.1:1/nodb: cannot connect"),
            std::string::npos)
      << st.error().message();
}

TEST_F(PostgresWriterTest, WrongPasswordFailsWithoutShowingIt) {
  auto c = config({});
  api::RawConfig raw{{"connection.url", server_->jdbc_url()},
                     {"connection.user", PostgresServer::kUser},
                     {"connection.password", "not-the-password"}};
  std::vector<api::ConfigIssue> issues;
  auto parsed = parse_config(api::Config::parse(config_def(), raw, issues), "c");
  ASSERT_TRUE(parsed);
  PgWriter writer(*parsed);
  auto st = writer.check();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("password authentication failed"), std::string::npos)
      << st.error().message();
  EXPECT_EQ(st.error().message().find("not-the-password"), std::string::npos);
}

}  // namespace
}  // namespace kc::sink::postgres
