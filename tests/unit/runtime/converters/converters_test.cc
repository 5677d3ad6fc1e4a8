#include <gtest/gtest.h>

#include "runtime/api/json.h"
#include "runtime/registry/builtin_plugins.h"

namespace kc::converters {
namespace {

using api::Type;
using api::Value;

std::unique_ptr<api::Converter> make(std::string_view name, api::RawConfig config = {}) {
  const auto* plugin = registry::builtin().find_converter(name);
  EXPECT_NE(plugin, nullptr) << name;
  std::vector<api::ConfigIssue> issues;
  auto parsed = api::Config::parse(plugin->info.config_def(), config, issues);
  EXPECT_TRUE(issues.empty());
  auto c = plugin->create(parsed, api::ConverterRole::kValue);
  EXPECT_TRUE(c);
  return std::move(*c);
}

TEST(StringConverterTest, BorrowsValidUtf8AndReplacesInvalidBytesLikeJava) {
  auto c = make("org.apache.kafka.connect.storage.StringConverter");
  std::string bytes = "h\xc3\xa9llo";
  auto ok = c->to_connect("t", bytes);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->value.type(), Type::kString);
  EXPECT_EQ(ok->value.as_text().data(), bytes.data());  // borrowed, not copied
  auto bad = c->to_connect("t", std::string_view("a\xff"
                                                 "b",
                                                 3));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->value.as_text(),
            "a\xef\xbf\xbd"
            "b");
  auto tomb = c->to_connect("t", std::nullopt);
  ASSERT_TRUE(tomb);
  EXPECT_TRUE(tomb->value.is_null());
}

TEST(StringConverterTest, Latin1Encoding) {
  auto c = make("StringConverter", {{"converter.encoding", "ISO-8859-1"}});
  auto r = c->to_connect("t", std::string_view("caf\xe9", 4));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value.as_text(), "caf\xc3\xa9");
}

TEST(ByteArrayConverterTest, PassesBytesThroughAndRefusesOtherTypes) {
  auto c = make("org.apache.kafka.connect.converters.ByteArrayConverter");
  std::string bytes("\x00\x01\xff", 3);
  auto r = c->to_connect("t", bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value.type(), Type::kBytes);
  EXPECT_EQ(r->value.as_text(), bytes);
  auto back = c->from_connect("t", *r);
  ASSERT_TRUE(back);
  EXPECT_EQ(**back, bytes);
  EXPECT_FALSE(c->from_connect("t", {nullptr, Value::int32(1)}));
}

TEST(JsonConverterTest, SchemasEnabledRequiresExactlySchemaAndPayload) {
  auto c = make("org.apache.kafka.connect.json.JsonConverter");  // schemas.enable defaults to true
  const char* kExpected =
      "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
      "contain "
      "additional fields. If you are trying to deserialize plain JSON data, set "
      "schemas.enable=false in "
      "your converter configuration.";
  for (std::string_view bad : {R"({"a": 1})", R"({"schema": null, "payload": 1, "extra": 2})",
                               R"({"schema": null})", R"([1, 2])", R"("text")"}) {
    auto r = c->to_connect("t", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), Errc::kData);
    EXPECT_EQ(r.error().message(), kExpected) << bad;
  }
}

TEST(JsonConverterTest, SchemaGuidesConversionOfStructs) {
  auto c = make("JsonConverter");
  auto r = c->to_connect("t", R"({"schema": {"type": "struct", "name": "order", "fields": [
      {"field": "id", "type": "int64"},
      {"field": "note", "type": "string", "optional": true},
      {"field": "tags", "type": "array", "items": {"type": "string"}},
      {"field": "qty", "type": "int32", "optional": true, "default": 1}]},
    "payload": {"id": 42, "note": null, "tags": ["a", "b"]}})");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(r->schema);
  EXPECT_EQ(r->schema->type, Type::kStruct);
  EXPECT_EQ(r->schema->name, "order");
  const auto& v = r->value;
  ASSERT_EQ(v.type(), Type::kStruct);
  EXPECT_EQ(v.get("id")->as_int(), 42);
  EXPECT_EQ(v.get("id")->type(), Type::kInt64);
  EXPECT_TRUE(v.get("note")->is_null());
  EXPECT_EQ(v.get("tags")->as_array().size(), 2u);
  EXPECT_EQ(v.get("qty")->as_int(), 1);  // default applied
}

TEST(JsonConverterTest, TypeMismatchAgainstSchemaIsADataError) {
  auto c = make("JsonConverter");
  auto r = c->to_connect("t", R"({"schema": {"type": "int32"}, "payload": "seven"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kData);
  EXPECT_NE(r.error().message().find("int32"), std::string::npos);
}

TEST(JsonConverterTest, SchemalessKeepsObjectsAsRawJsonAndScalarsTyped) {
  auto c = make("JsonConverter", {{"schemas.enable", "false"}});
  std::string doc = R"({"a": {"b": [1, 2]}})";
  auto r = c->to_connect("t", doc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value.type(), Type::kRawJson);
  EXPECT_EQ(r->value.as_text().data(), doc.data());  // borrowed
  EXPECT_EQ(c->to_connect("t", "12")->value.as_int(), 12);
  EXPECT_EQ(c->to_connect("t", "\"s\"")->value.as_text(), "s");
  EXPECT_TRUE(c->to_connect("t", "null")->value.is_null());
  EXPECT_TRUE(c->to_connect("t", std::nullopt)->value.is_null());
}

TEST(JsonConverterTest, MalformedJsonIsADataError) {
  auto c = make("JsonConverter", {{"schemas.enable", "false"}});
  for (std::string_view bad : {"{\"a\": ", "not json", "{\"a\": 1} trailing", "\xff"}) {
    auto r = c->to_connect("t", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), Errc::kData);
    EXPECT_NE(r.error().message().find("serialization error"), std::string::npos);
  }
}

TEST(JsonConverterTest, FromConnectWritesTheEnvelopeAndRoundTrips) {
  auto c = make("JsonConverter");
  auto in = c->to_connect(
      "t",
      R"({"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":{"x":1}})");
  ASSERT_TRUE(in) << in.error().message();
  auto out = c->from_connect("t", *in);
  ASSERT_TRUE(out);
  auto again = c->to_connect("t", **out);
  ASSERT_TRUE(again) << **out;
  EXPECT_EQ(again->value, in->value);
}

TEST(JsonWriterTest, EncodesLikeKafkaJsonConverter) {
  Value v = Value::structure({{"s", Value::string("a\"b\n")},
                              {"b", Value::bytes(std::string("\x01\x02", 2))},
                              {"m", Value::map({{Value::int32(1), Value::boolean(true)}})},
                              {"f", Value::float64(2.0)},
                              {"raw", Value::raw_json("{\n  \"x\": 1\n}")}});
  EXPECT_EQ(api::json::to_json(v),
            R"({"s":"a\"b\n","b":"AQI=","m":[[1,true]],"f":2.0,"raw":{"x":1}})");
}

}  // namespace
}  // namespace kc::converters
