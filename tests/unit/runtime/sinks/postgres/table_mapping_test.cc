// The postgres sink's pure parts: connection.url to libpq, records to rows (type mapping, pk.mode,
// fields.whitelist, tombstones) and the SQL it generates.

#include "runtime/sinks/postgres/table_mapping.h"

#include <gtest/gtest.h>

#include "runtime/sinks/postgres/pg_writer.h"

namespace kc::sink::postgres {
namespace {

using api::Schema;
using api::SchemaPtr;
using api::Type;
using api::Value;

PgConfig parse(const api::RawConfig& raw) {
  std::vector<api::ConfigIssue> issues;
  auto config = api::Config::parse(config_def(), raw, issues);
  EXPECT_TRUE(issues.empty()) << issues.front().to_string();
  auto parsed = parse_config(config, "conn");
  EXPECT_TRUE(parsed) << parsed.error().message();
  return parsed ? *parsed : PgConfig{};
}

Error parse_error(const api::RawConfig& raw) {
  std::vector<api::ConfigIssue> issues;
  auto config = api::Config::parse(config_def(), raw, issues);
  auto parsed = parse_config(config, "conn");
  EXPECT_FALSE(parsed);
  return parsed ? Error(Errc::kInternal, "parsed") : parsed.error();
}

SchemaPtr schema(Type type, bool optional = false, std::optional<std::string> name = {},
                 std::map<std::string, std::string> parameters = {}) {
  auto s = std::make_shared<Schema>();
  s->type = type;
  s->optional = optional;
  s->name = std::move(name);
  s->parameters = std::move(parameters);
  return s;
}

SchemaPtr struct_schema(std::vector<Schema::Field> fields) {
  auto s = std::make_shared<Schema>();
  s->type = Type::kStruct;
  s->fields = std::move(fields);
  return s;
}

api::SinkRecord record(Value key, Value value, SchemaPtr key_schema = nullptr,
                       SchemaPtr value_schema = nullptr) {
  api::SinkRecord r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = 41;
  r.key = std::move(key);
  r.value = std::move(value);
  r.key_schema = std::move(key_schema);
  r.value_schema = std::move(value_schema);
  return r;
}

TEST(PgConfigTest, JdbcUrlBecomesALibpqConnectionString) {
  auto c = to_conninfo(
      "jdbc:postgresql://db.example:6543/shop?sslmode=verify-full&"
      "sslrootcert=/ca.pem&reWriteBatchedInserts=true&currentSchema=s1",
      "app", "pa'ss");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->conninfo,
            "host='db.example' port='6543' dbname='shop' sslmode='verify-full' "
            "sslrootcert='/ca.pem' options='-c search_path=s1' user='app' password='pa\\'ss'");
  EXPECT_EQ(c->display, "db.example:6543/shop");
}

TEST(PgConfigTest, JdbcUrlWithSeveralHostsAndDefaultPort) {
  auto c = to_conninfo("jdbc:postgresql://a,b:5433/db", "", "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->conninfo, "host='a,b' port='5432,5433' dbname='db'");
}

TEST(PgConfigTest, LibpqUriGetsCredentialsAsParameters) {
  auto c = to_conninfo("postgresql://h:1/db?sslmode=require", "u s", "p@ss");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->conninfo, "postgresql://h:1/db?sslmode=require&user=u%20s&password=p%40ss");
  EXPECT_EQ(c->display, "h:1/db");
}

TEST(PgConfigTest, RefusesOtherDriversAndGarbage) {
  auto mysql = to_conninfo("jdbc:mysql://h/db", "", "");
  ASSERT_FALSE(mysql);
  EXPECT_NE(mysql.error().message().find("connection.url"), std::string::npos);
  EXPECT_FALSE(to_conninfo("nonsense", "", ""));
  EXPECT_FALSE(to_conninfo("jdbc:postgresql://h:port/db", "", ""));
}

TEST(PgConfigTest, ReportsEveryInconsistentKeyAtOnce) {
  auto e = parse_error({{"connection.url", "jdbc:postgresql://h/db"},
                        {"insert.mode", "upsert"},
                        {"delete.enabled", "true"}});
  EXPECT_NE(e.message().find("insert.mode: upsert needs a primary key"), std::string::npos);
  EXPECT_NE(e.message().find("delete.enabled: true requires pk.mode=record_key"),
            std::string::npos);
}

TEST(PgConfigTest, DebeziumNamesAreAliases) {
  auto c = parse({{"connection.url", "jdbc:postgresql://h/db"},
                  {"connection.username", "dbz"},
                  {"primary.key.mode", "record_key"},
                  {"primary.key.fields", "id"},
                  {"schema.evolution", "basic"},
                  {"database.time_zone", "Europe/Paris"}});
  EXPECT_EQ(c.pk_mode, PkMode::kRecordKey);
  EXPECT_EQ(c.pk_fields, std::vector<std::string>{"id"});
  EXPECT_TRUE(c.auto_create);
  EXPECT_TRUE(c.auto_evolve);
  EXPECT_EQ(c.db_timezone, "Europe/Paris");
  EXPECT_NE(c.conninfo.find("user='dbz'"), std::string::npos);
}

TEST(RecordMapperTest, StructWithSchemaMapsTypesAsConfluentsDialect) {
  auto c =
      parse({{"connection.url", "jdbc:postgresql://h/db"}, {"table.name.format", "kc_${topic}"}});
  RecordMapper mapper(c);
  auto s = struct_schema({
      {"i8", schema(Type::kInt8)},
      {"i32", schema(Type::kInt32)},
      {"i64", schema(Type::kInt64, true)},
      {"f64", schema(Type::kFloat64)},
      {"b", schema(Type::kBoolean)},
      {"s", schema(Type::kString, true)},
      {"raw", schema(Type::kBytes)},
      {"price",
       schema(Type::kBytes, false, "org.apache.kafka.connect.data.Decimal", {{"scale", "2"}})},
      {"day", schema(Type::kInt32, false, "org.apache.kafka.connect.data.Date")},
      {"at", schema(Type::kInt64, false, "org.apache.kafka.connect.data.Timestamp")},
      {"tags", schema(Type::kArray, true)},
  });
  auto v = Value::structure({
      {"i8", Value::int8(-3)},
      {"i32", Value::int32(7)},
      {"i64", Value::null()},
      {"f64", Value::float64(0.5)},
      {"b", Value::boolean(true)},
      {"s", Value::string("tab\there")},
      {"raw", Value::bytes(std::string("\x01\xff", 2))},
      {"price", Value::bytes(std::string("\xfe\x0c", 2))},  // -500 unscaled
      {"day", Value::int32(19000)},
      {"at", Value::int64(1700000000123)},
      {"tags", Value::array({Value::string("a")})},
  });
  auto row = mapper.map(record(Value::null(), v, nullptr, s));
  ASSERT_TRUE(row) << row.error().message();
  ASSERT_TRUE(*row);
  const auto& r = **row;
  EXPECT_EQ(r.table, "kc_orders");
  EXPECT_EQ(r.op, RowOp::kWrite);
  std::vector<std::string> types;
  for (const auto& col : *r.columns) types.push_back(col.sql_type);
  EXPECT_EQ(types,
            (std::vector<std::string>{"SMALLINT", "INT", "BIGINT", "DOUBLE PRECISION", "BOOLEAN",
                                      "TEXT", "BYTEA", "DECIMAL", "DATE", "TIMESTAMP", "JSONB"}));
  EXPECT_FALSE((*r.columns)[0].optional);
  EXPECT_TRUE((*r.columns)[2].optional);
  EXPECT_EQ(r.values[0], "-3");
  EXPECT_EQ(r.values[2], std::nullopt);
  EXPECT_EQ(r.values[3], "0.5");
  EXPECT_EQ(r.values[4], "true");
  EXPECT_EQ(r.values[5], "tab\there");
  EXPECT_EQ(r.values[6], "\\x01ff");
  EXPECT_EQ(r.values[7], "-5.00");
  EXPECT_EQ(r.values[8], "2022-01-08");
  EXPECT_EQ(r.values[9], "2023-11-14 22:13:20.123+00");
  EXPECT_EQ(r.values[10], "[\"a\"]");
}

TEST(RecordMapperTest, SchemalessJsonInfersColumnsAndNestedValuesBecomeJsonb) {
  auto c = parse({{"connection.url", "jdbc:postgresql://h/db"}});
  RecordMapper mapper(c);
  auto row = mapper.map(
      record(Value::string("k"),
             Value::raw_json(
                 R"({"id":1,"name":"x","score":1.5,"ok":false,"extra":{"a":[1]},"gone":null})")));
  ASSERT_TRUE(row) << row.error().message();
  const auto& r = **row;
  std::vector<std::string> names, types;
  for (const auto& col : *r.columns) {
    names.push_back(col.name);
    types.push_back(col.sql_type);
    EXPECT_TRUE(col.optional);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"id", "name", "score", "ok", "extra", "gone"}));
  EXPECT_EQ(types, (std::vector<std::string>{"BIGINT", "TEXT", "DOUBLE PRECISION", "BOOLEAN",
                                             "JSONB", "TEXT"}));
  EXPECT_EQ(r.values[4], R"({"a":[1]})");
  EXPECT_EQ(r.values[5], std::nullopt);
}

TEST(RecordMapperTest, RecordKeyModePutsThePrimitiveKeyFirstAndSharesShapes) {
  auto c = parse({{"connection.url", "jdbc:postgresql://h/db"},
                  {"pk.mode", "record_key"},
                  {"pk.fields", "id"},
                  {"fields.whitelist", "name"},
                  {"delete.enabled", "true"}});
  RecordMapper mapper(c);
  auto a = mapper.map(record(Value::string("7"), Value::raw_json(R"({"id":9,"name":"a","x":1})")));
  auto b = mapper.map(record(Value::string("8"), Value::raw_json(R"({"name":"b","x":2})")));
  ASSERT_TRUE(a && b);
  const auto& ra = **a;
  ASSERT_EQ(ra.columns->size(), 2u);
  EXPECT_EQ((*ra.columns)[0].name, "id");
  EXPECT_TRUE((*ra.columns)[0].key);
  EXPECT_FALSE((*ra.columns)[0].optional);
  EXPECT_EQ(ra.values[0], "7");  // the key's, not the value's id
  EXPECT_EQ((**b).columns, ra.columns);
  auto tomb = mapper.map(record(Value::string("7"), Value::null()));
  ASSERT_TRUE(tomb && *tomb);
  EXPECT_EQ((**tomb).op, RowOp::kDelete);
  EXPECT_EQ((**tomb).values, (std::vector<std::optional<std::string>>{"7"}));
}

TEST(RecordMapperTest, TombstonesAreSkippedWithoutDeleteEnabled) {
  auto c = parse({{"connection.url", "jdbc:postgresql://h/db"}});
  RecordMapper mapper(c);
  auto r = mapper.map(record(Value::string("k"), Value::null()));
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST(RecordMapperTest, KafkaModeUsesTheCoordinates) {
  auto c = parse({{"connection.url", "jdbc:postgresql://h/db"}, {"pk.mode", "kafka"}});
  RecordMapper mapper(c);
  auto r = mapper.map(record(Value::null(), Value::raw_json(R"({"v":1})")));
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((**r).values, (std::vector<std::optional<std::string>>{"orders", "2", "41", "1"}));
  EXPECT_EQ((*(**r).columns)[1].sql_type, "INT");
}

TEST(RecordMapperTest, ValuesThatCannotBeRowsAreDataErrorsNamingTheProblem) {
  auto c = parse({{"connection.url", "jdbc:postgresql://h/db"},
                  {"pk.mode", "record_value"},
                  {"pk.fields", "id"}});
  RecordMapper mapper(c);
  auto not_object = mapper.map(record(Value::null(), Value::raw_json("[1,2]")));
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().code(), Errc::kData);
  EXPECT_NE(not_object.error().message().find("the value is array"), std::string::npos);
  auto no_key = mapper.map(record(Value::null(), Value::raw_json(R"({"name":"x"})")));
  ASSERT_FALSE(no_key);
  EXPECT_NE(no_key.error().message().find("pk.fields names 'id'"), std::string::npos);
  auto nul = mapper.map(record(
      Value::null(),
      Value::structure({{"id", Value::int32(1)}, {"s", Value::string(std::string("a\0b", 3))}})));
  ASSERT_FALSE(nul);
  EXPECT_NE(nul.error().message().find("field 's'"), std::string::npos);
}

TEST(SqlTest, UpsertUpdateDeleteAndCreate) {
  auto columns = std::make_shared<const Columns>(
      Columns{{"id", "BIGINT", false, true}, {"na\"me", "TEXT", true, false}});
  Row a{RowOp::kWrite, "s.t", columns, {"1", "it's"}};
  Row b{RowOp::kWrite, "s.t", columns, {"2", std::nullopt}};
  const Row* rows[] = {&a, &b};
  EXPECT_EQ(upsert_sql("s.t", rows),
            R"(INSERT INTO "s"."t" ("id", "na""me") VALUES ('1', 'it''s'), ('2', NULL) )"
            R"(ON CONFLICT ("id") DO UPDATE SET "na""me" = EXCLUDED."na""me")");
  EXPECT_EQ(
      update_sql("t", rows, [](const std::string& c) { return c == "id" ? "bigint" : "text"; }),
      R"(UPDATE "t" AS t SET "na""me" = v."na""me"::text FROM (VALUES ('1', 'it''s'), )"
      R"(('2', NULL)) AS v("id", "na""me") WHERE t."id" = v."id"::bigint)");
  EXPECT_EQ(
      create_table_sql("t", *columns),
      R"(CREATE TABLE IF NOT EXISTS "t" ("id" BIGINT NOT NULL, "na""me" TEXT, PRIMARY KEY ("id")))");
  EXPECT_EQ(add_column_sql("t", (*columns)[1]),
            R"(ALTER TABLE "t" ADD COLUMN IF NOT EXISTS "na""me" TEXT)");
  auto keys = std::make_shared<const Columns>(Columns{{"id", "BIGINT", false, true}});
  Row d{RowOp::kDelete, "t", keys, {"5"}};
  const Row* dels[] = {&d};
  EXPECT_EQ(delete_sql("t", dels), R"(DELETE FROM "t" WHERE ("id") IN (('5')))");
}

TEST(SqlTest, CopyTextEscapesSeparatorsAndNulls) {
  std::string out;
  append_copy_row({"a\tb\\c\nd\re", std::nullopt, ""}, out);
  EXPECT_EQ(out, "a\\tb\\\\c\\nd\\re\t\\N\t\n");
}

TEST(SqlTest, SqlstateClasses) {
  EXPECT_EQ(classify_sqlstate("40001"), PgErrorKind::kRetriable);
  EXPECT_EQ(classify_sqlstate("08006"), PgErrorKind::kRetriable);
  EXPECT_EQ(classify_sqlstate("22P02"), PgErrorKind::kRow);
  EXPECT_EQ(classify_sqlstate("23505"), PgErrorKind::kRow);
  EXPECT_EQ(classify_sqlstate("42P01"), PgErrorKind::kFatal);
}

}  // namespace
}  // namespace kc::sink::postgres
