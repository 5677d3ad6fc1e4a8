// The Schema Registry converters' parts: wire format, registry client errors and fail-over, the
// shared single-flight cache, schema mapping (Avro, Protobuf, JSON Schema), and validation.
// Against the test registry (tests/fakes/schema_registry) on 127.0.0.1.

#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/config/connector_config.h"
#include "runtime/converters/schema_registry/decoder.h"
#include "runtime/converters/schema_registry/schema_cache.h"
#include "runtime/converters/schema_registry/settings.h"
#include "runtime/converters/schema_registry/wire_format.h"
#include "runtime/registry/builtin_plugins.h"
#include "tests/fakes/schema_registry/fake_schema_registry.h"
#include "tests/support/files.h"
#include "tests/support/test_certs.h"

namespace kc::schema_registry {
namespace {

using api::Type;

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

// ---- wire format ----------------------------------------------------------------------------

TEST(WireFormatTest, ReadsTheSchemaIdBigEndian) {
  auto message = bytes({0, 0x01, 0x02, 0x03, 0x04, 'x'});
  auto framed = parse_frame(message);  // the payload borrows the message
  ASSERT_TRUE(framed);
  EXPECT_EQ(framed->schema_id, 0x01020304);
  EXPECT_EQ(framed->payload, "x");
}

TEST(WireFormatTest, RefusesShortMessagesAndOtherMagicBytes) {
  auto short_message = parse_frame(bytes({0, 0, 0}));
  ASSERT_FALSE(short_message);
  EXPECT_EQ(short_message.error().code(), Errc::kData);
  auto json = parse_frame("{\"a\":1}");
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message().find("Unknown magic byte!"), std::string::npos);
  EXPECT_NE(json.error().message().find("0x7b"), std::string::npos);
}

TEST(WireFormatTest, ProtobufMessageIndexes) {
  std::string_view first("\x00rest", 5);
  auto zero = read_message_indexes(first);
  ASSERT_TRUE(zero);
  EXPECT_EQ(*zero, std::vector<int32_t>{0});
  EXPECT_EQ(first, "rest");
  // [1, 2]: count 2 (zig-zag 4), 1 (2), 2 (4), as frame_protobuf writes them.
  auto framed = frame_protobuf(7, {1, 2}, "p");
  std::string_view payload = std::string_view(framed).substr(kHeaderSize);
  auto path = read_message_indexes(payload);
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(payload, "p");

  std::string_view truncated = "\x04\x02";
  EXPECT_FALSE(read_message_indexes(truncated));
  std::string_view negative = "\x01";  // count -1
  EXPECT_FALSE(read_message_indexes(negative));
  std::string_view endless = "\xff\xff\xff\xff\xff\xff";
  EXPECT_FALSE(read_message_indexes(endless));
}

// ---- registry client and cache --------------------------------------------------------------

constexpr std::string_view kAvroRecord =
    R"({"type":"record","name":"R","namespace":"t","fields":[{"name":"a","type":"int"}]})";

std::unique_ptr<testing::FakeSchemaRegistry> start_registry(std::string user_info = "") {
  auto r = testing::FakeSchemaRegistry::start({.basic_user_info = std::move(user_info)});
  EXPECT_TRUE(r) << r.error().message();
  return std::move(*r);
}

ClientSettings settings_for(std::vector<std::string> urls) {
  ClientSettings s;
  s.urls = std::move(urls);
  s.http.connect_timeout = std::chrono::milliseconds(2000);
  s.http.request_timeout = std::chrono::milliseconds(5000);
  return s;
}

// A port nothing listens on (a server started and stopped).
std::string closed_url() {
  auto r = start_registry();
  auto url = r->url();
  r->stop();
  return url;
}

TEST(RegistryClientTest, MapsRegistryErrorsToRetriableOrNot) {
  auto registry = start_registry();
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto client = RegistryClient::create(settings_for({registry->url()}));
  ASSERT_TRUE(client);
  auto found = (*client)->schema_by_id(id);
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->text, kAvroRecord);
  EXPECT_EQ(found->type, SchemaType::kAvro);

  auto unknown = (*client)->schema_by_id(77);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), Errc::kData);
  EXPECT_FALSE(unknown.error().retriable());
  EXPECT_NE(unknown.error().message().find("error code: 40403"), std::string::npos);

  registry->set_unavailable(true);
  auto down = (*client)->schema_by_id(id);
  ASSERT_FALSE(down);
  EXPECT_TRUE(down.error().retriable());
  registry->set_unavailable(false);

  registry->fail_next(1, 429);
  auto throttled = (*client)->schema_by_id(id);
  ASSERT_FALSE(throttled);
  EXPECT_TRUE(throttled.error().retriable());

  auto gone = RegistryClient::create(settings_for({closed_url()}));
  auto refused = (*gone)->schema_by_id(id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kUnavailable);
  EXPECT_TRUE(refused.error().retriable());
}

TEST(RegistryClientTest, FailsOverToTheNextUrl) {
  auto registry = start_registry();
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto client = RegistryClient::create(settings_for({closed_url(), registry->url()}));
  ASSERT_TRUE(client);
  EXPECT_TRUE((*client)->schema_by_id(id));
  registry->fail_next(1, 500);  // a 5xx is also worth another URL
  auto client2 = RegistryClient::create(settings_for({registry->url(), registry->url()}));
  EXPECT_TRUE((*client2)->schema_by_id(id));
}

TEST(RegistryClientTest, RefusedCredentialsAreNotRetriableAndNotData) {
  auto registry = start_registry("u:p");
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto s = settings_for({registry->url()});
  s.authorization = "Basic dTp3cm9uZw==";  // u:wrong
  auto client = RegistryClient::create(s);
  auto refused = (*client)->schema_by_id(id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kPermissionDenied);
  EXPECT_FALSE(refused.error().retriable());
}

TEST(RegistryClientTest, ResolvesReferencesRecursivelyDependenciesFirst) {
  auto registry = start_registry();
  registry->register_schema("leaf", R"({"type":"fixed","name":"t.Leaf","size":2})");
  registry->register_schema(
      "mid", R"({"type":"record","name":"t.Mid","fields":[{"name":"l","type":"t.Leaf"}]})", "AVRO",
      {{"t.Leaf", "leaf", 1}});
  int id = registry->register_schema(
      "top",
      R"({"type":"record","name":"t.Top","fields":[{"name":"m","type":"t.Mid"},{"name":"l","type":"t.Leaf"}]})",
      "AVRO", {{"t.Mid", "mid", 1}, {"t.Leaf", "leaf", 1}});
  auto client = RegistryClient::create(settings_for({registry->url()}));
  auto found = (*client)->schema_by_id(id);
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_EQ(found->references.size(), 2u);
  EXPECT_EQ(found->references[0].first, "t.Leaf");
  EXPECT_EQ(found->references[1].first, "t.Mid");

  // And the Avro decoder reads a payload of it: m.l (2 bytes), l (2 bytes).
  ConverterSettings settings;
  auto decoder = make_avro_decoder(*found, settings);
  ASSERT_TRUE(decoder) << decoder.error().message();
  auto decoded = (*decoder)->decode("abcd");
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(decoded->schema->fields[0].schema->fields[0].schema->name, "t.Leaf");
  EXPECT_EQ(decoded->value.get("l")->as_text(), "cd");
}

TEST(SchemaCacheTest, FetchesEachIdOnceUnderConcurrentCallers) {
  auto registry = start_registry();
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto client = RegistryClient::create(settings_for({registry->url()}));
  SchemaCache cache(std::move(*client), 10);
  std::vector<std::thread> threads;
  threads.reserve(8);
  std::atomic<int> good{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 20; ++k) good += cache.get(id) ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good, 160);
  EXPECT_EQ(registry->requests("/schemas/ids/"), 1u);
  EXPECT_EQ(cache.fetches(), 1u);
}

TEST(SchemaCacheTest, IsBoundedAndDoesNotCacheFailures) {
  auto registry = start_registry();
  std::vector<int> ids;
  ids.reserve(3);
  for (int i = 0; i < 3; ++i) {
    ids.push_back(registry->register_schema(
        "s", fmt::format(R"({{"type":"fixed","name":"F{}","size":1}})", i)));
  }
  auto client = RegistryClient::create(settings_for({registry->url()}));
  SchemaCache cache(std::move(*client), 2);
  for (int id : ids) ASSERT_TRUE(cache.get(id));
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_TRUE(cache.get(ids[0]));  // evicted: fetched again
  EXPECT_EQ(cache.fetches(), 4u);

  registry->set_unavailable(true);
  EXPECT_FALSE(cache.get(99));
  registry->set_unavailable(false);
  EXPECT_FALSE(cache.get(99));  // asked again, now 40403
  EXPECT_EQ(registry->requests("/schemas/ids/99"), 2u);
}

TEST(SchemaCacheTest, SharedByConvertersOfTheSameRegistryOnly) {
  auto a = settings_for({"http://127.0.0.1:1"});
  auto b = settings_for({"http://127.0.0.1:2"});
  auto a1 = shared_schema_cache(a, 10);
  auto a2 = shared_schema_cache(a, 10);
  auto b1 = shared_schema_cache(b, 10);
  ASSERT_TRUE(a1 && a2 && b1);
  EXPECT_EQ(a1->get(), a2->get());
  EXPECT_NE(a1->get(), b1->get());
  auto with_password = a;
  with_password.authorization = "Basic eDp5";
  EXPECT_NE(shared_schema_cache(with_password, 10)->get(), a1->get());
}

// ---- mapping ------------------------------------------------------------------------------

RegisteredSchema avro(std::string text) {
  return {.id = 1, .type = SchemaType::kAvro, .text = std::move(text)};
}

TEST(AvroDecoderTest, MapsToConfluentsConnectSchema) {
  auto decoder = make_avro_decoder(avro(R"({"type":"record","name":"Rec","namespace":"com.x",
    "doc":"a record","fields":[
    {"name":"opt","type":["null","string"]},
    {"name":"u","type":["int","string","null"]},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
    {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}},
    {"name":"day","type":{"type":"int","logicalType":"date"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"tiny","type":{"type":"int","connect.type":"int8"}}]})"),
                                   {});
  ASSERT_TRUE(decoder) << decoder.error().message();
  // opt: branch 1 "hi"; u: branch 1 "s"; e: 1; dec: 2 bytes 0x01 0x00; day 3; tm 4; ts 5; tiny -1
  auto decoded = (*decoder)->decode(bytes({2, 4, 'h', 'i', 2, 2, 's', 2, 4, 1, 0, 6, 8, 10, 1}));
  ASSERT_TRUE(decoded) << decoded.error().message();
  const auto& s = *decoded->schema;
  EXPECT_EQ(s.type, Type::kStruct);
  EXPECT_EQ(s.name, "com.x.Rec");
  EXPECT_EQ(s.doc, "a record");
  EXPECT_FALSE(s.optional);
  EXPECT_TRUE(s.field("opt")->schema->optional);
  EXPECT_EQ(s.field("opt")->schema->type, Type::kString);
  EXPECT_EQ(s.field("u")->schema->name, "io.confluent.connect.avro.Union");
  EXPECT_TRUE(s.field("u")->schema->optional);
  EXPECT_EQ(s.field("e")->schema->parameters.at("io.confluent.connect.avro.Enum"), "com.x.E");
  EXPECT_EQ(s.field("dec")->schema->name, "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(s.field("dec")->schema->parameters.at("scale"), "2");
  EXPECT_EQ(s.field("day")->schema->name, "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(s.field("tm")->schema->name, "org.apache.kafka.connect.data.Time");
  EXPECT_EQ(s.field("ts")->schema->name, "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(s.field("tiny")->schema->type, Type::kInt8);
  const auto& v = decoded->value;
  EXPECT_EQ(v.get("opt")->as_text(), "hi");
  EXPECT_TRUE(v.get("u")->get("int")->is_null());
  EXPECT_EQ(v.get("u")->get("string")->as_text(), "s");
  EXPECT_EQ(v.get("e")->as_text(), "B");
  EXPECT_EQ(v.get("dec")->as_text(), bytes({1, 0}));
  EXPECT_EQ(v.get("day")->as_int(), 3);
  EXPECT_EQ(v.get("ts")->as_int(), 5);
  EXPECT_EQ(v.get("tiny")->as_int(), -1);
}

TEST(AvroDecoderTest, CorruptPayloadsAreDataErrorsAndHugeLengthsDoNotAllocate) {
  auto decoder =
      make_avro_decoder(avro(R"({"type":"record","name":"R","fields":[{"name":"s","type":"string"},
              {"name":"a","type":{"type":"array","items":"null"}}]})"),
                        {});
  ASSERT_TRUE(decoder);
  auto truncated = (*decoder)->decode(bytes({10, 'a'}));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code(), Errc::kData);
  // A string claiming 2^62 bytes, then an array block claiming 2^62 nulls.
  auto huge = (*decoder)->decode(bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}));
  EXPECT_FALSE(huge);
  auto many = (*decoder)->decode(bytes({0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}));
  EXPECT_FALSE(many);
  // The decoder still works afterwards.
  auto fine = (*decoder)->decode(bytes({2, 'x', 4, 0}));
  ASSERT_TRUE(fine) << fine.error().message();
  EXPECT_EQ(fine->value.get("a")->as_array().size(), 2u);
}

TEST(AvroDecoderTest, RefusesSchemasItCannotRepresent) {
  EXPECT_FALSE(make_avro_decoder(avro("{not json"), {}));
  EXPECT_FALSE(make_avro_decoder(avro(R"({"type":"record","name":"N","fields":[
      {"name":"next","type":["null","N"]}]})"),
                                 {}));
  EXPECT_FALSE(make_avro_decoder(avro(R"("com.x.Unknown")"), {}));
}

TEST(ProtobufDecoderTest, WellKnownTypesAndErrors) {
  RegisteredSchema proto{.id = 3, .type = SchemaType::kProtobuf, .text = R"(syntax = "proto3";
package p;
import "google/protobuf/timestamp.proto";
import "google/type/date.proto";
import "google/protobuf/wrappers.proto";
message M {
  google.protobuf.Timestamp at = 1;
  google.type.Date day = 2;
  google.protobuf.StringValue name = 3;
  Color c = 4;
}
enum Color { RED = 0; BLUE = 1; }
)"};
  auto decoder = make_protobuf_decoder(proto, {});
  ASSERT_TRUE(decoder) << decoder.error().message();
  // index [0]; at {seconds 1, nanos 2000000}; day {1970, 1, 2}; name {"n"}; c BLUE
  auto payload = bytes({0,    0x0a, 6, 0x08, 1, 0x10, 0x80, 0x89, 0x7a, 0x12, 7,    0x08, 0xb2,
                        0x0f, 0x10, 1, 0x18, 2, 0x1a, 3,    0x0a, 1,    'n',  0x20, 1});
  auto decoded = (*decoder)->decode(payload);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(decoded->schema->field("at")->schema->name, "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(decoded->value.get("at")->as_int(), 1002);
  EXPECT_EQ(decoded->value.get("day")->as_int(), 1);
  EXPECT_EQ(decoded->value.get("name")->as_text(), "n");
  EXPECT_EQ(decoded->value.get("c")->as_text(), "BLUE");
  EXPECT_EQ(
      decoded->schema->field("c")->schema->parameters.at("io.confluent.connect.protobuf.Enum.BLUE"),
      "1");

  EXPECT_FALSE((*decoder)->decode(bytes({2, 4, 0})));      // index [2]: no such message
  EXPECT_FALSE((*decoder)->decode(bytes({0, 0x0a, 50})));  // truncated
  RegisteredSchema broken{.id = 4, .type = SchemaType::kProtobuf, .text = "message {"};
  auto refused = make_protobuf_decoder(broken, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kData);
  RegisteredSchema missing{.id = 5,
                           .type = SchemaType::kProtobuf,
                           .text = "syntax = \"proto3\"; import \"other.proto\"; message A {}"};
  auto no_import = make_protobuf_decoder(missing, {});
  ASSERT_FALSE(no_import);
  EXPECT_NE(no_import.error().message().find("other.proto"), std::string::npos);
}

TEST(JsonSchemaDecoderTest, MapsTypesAndRefs) {
  RegisteredSchema schema{.id = 6, .type = SchemaType::kJson, .text = R"({
    "type": "object", "title": "P",
    "definitions": {"Addr": {"type": "object", "properties": {"city": {"type": "string"}}}},
    "properties": {
      "n": {"type": "integer", "connect.type": "int16"},
      "d": {"type": "string", "connect.type": "bytes"},
      "a": {"$ref": "#/definitions/Addr"},
      "o": {"type": ["string", "null"]}
    },
    "required": ["n"]})"};
  auto decoder = make_json_schema_decoder(schema, {});
  ASSERT_TRUE(decoder) << decoder.error().message();
  auto decoded = (*decoder)->decode(R"({"n": 7, "d": "AQI=", "a": {"city": "X"}})");
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(decoded->schema->name, "P");
  EXPECT_EQ(decoded->schema->field("n")->schema->type, Type::kInt16);
  EXPECT_FALSE(decoded->schema->field("n")->schema->optional);
  EXPECT_TRUE(decoded->schema->field("o")->schema->optional);
  EXPECT_EQ(decoded->value.get("d")->as_text(), bytes({1, 2}));
  EXPECT_EQ(decoded->value.get("a")->get("city")->as_text(), "X");
  EXPECT_FALSE((*decoder)->decode(R"({"n": 70000})"));   // out of int16
  EXPECT_FALSE((*decoder)->decode(R"({"d": "AQI="})"));  // n is required
  EXPECT_FALSE((*decoder)->decode("{"));
}

// ---- configuration ------------------------------------------------------------------------

config::ValidationResult validate(const api::RawConfig& converter_keys) {
  std::vector<api::ConfigIssue> issues;
  auto worker = config::parse_worker_config({{"bootstrap.servers", "localhost:9092"}}, issues);
  api::RawConfig raw = {{"name", "c"}, {"connector.class", "null"}, {"topics", "t"}};
  for (auto& [k, v] : converter_keys) raw["value.converter." + k] = v;
  raw["value.converter"] = "io.confluent.connect.avro.AvroConverter";
  return config::validate_connector(worker, raw);
}

const api::ConfigIssue* issue_for(const config::ValidationResult& r, std::string_view key) {
  for (const auto& i : r.issues) {
    if (i.key == key) return &i;
  }
  return nullptr;
}

TEST(SchemaRegistryConfigTest, JavaClassNamesAreAliases) {
  const auto& plugins = registry::builtin();
  for (std::string_view name : {"io.confluent.connect.avro.AvroConverter", "AvroConverter",
                                "io.apicurio.registry.utils.converter.AvroConverter",
                                "io.confluent.connect.protobuf.ProtobufConverter",
                                "io.confluent.connect.json.JsonSchemaConverter"}) {
    EXPECT_TRUE(plugins.find_converter(name)) << name;
  }
}

TEST(SchemaRegistryConfigTest, ConfluentKeysAreCheckedAndUnknownOnesWarn) {
  auto ok = validate({{"schema.registry.url", "http://a:8081,http://b:8081"},
                      {"basic.auth.credentials.source", "USER_INFO"},
                      {"basic.auth.user.info", "u:topsecret"},
                      {"auto.register.schemas", "false"},
                      {"use.latest.version", "true"},
                      {"enhanced.avro.schema.support", "true"},
                      {"connect.meta.data", "false"},
                      {"scrub.invalid.names", "true"},
                      {"confluent.custom.schema.registry.auto", "true"},
                      {"no.such.key", "1"}});
  EXPECT_TRUE(ok.ok()) << (ok.issues.empty() ? "" : ok.issues[0].to_string());
  ASSERT_TRUE(issue_for(ok, "value.converter.no.such.key"));
  const auto* custom = issue_for(ok, "value.converter.confluent.custom.schema.registry.auto");
  ASSERT_TRUE(custom);
  EXPECT_NE(custom->message.find("Confluent Cloud"), std::string::npos);
  ASSERT_TRUE(issue_for(ok, "value.converter.use.latest.version"));
  for (const auto& i : ok.issues) EXPECT_EQ(i.to_string().find("topsecret"), std::string::npos);

  auto missing = validate({});
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(issue_for(missing, "value.converter.schema.registry.url"));

  auto no_user_info = validate(
      {{"schema.registry.url", "http://a:8081"}, {"basic.auth.credentials.source", "USER_INFO"}});
  EXPECT_FALSE(no_user_info.ok());
  EXPECT_TRUE(issue_for(no_user_info, "value.converter.basic.auth.credentials.source"));

  auto oauth = validate({{"schema.registry.url", "http://a:8081"},
                         {"bearer.auth.credentials.source", "OAUTHBEARER"}});
  EXPECT_FALSE(oauth.ok());

  auto not_http = validate({{"schema.registry.url", "a:8081"}});
  EXPECT_FALSE(not_http.ok());
}

TEST(SchemaRegistryConfigTest, CredentialKeysAreSensitive) {
  for (std::string_view key :
       {"value.converter.basic.auth.user.info",
        "key.converter.schema.registry.basic.auth.user.info", "value.converter.bearer.auth.token",
        "value.converter.sasl.jaas.config",
        "value.converter.schema.registry.ssl.keystore.password"}) {
    EXPECT_TRUE(api::is_sensitive_key(key)) << key;
  }
}

TEST(SchemaRegistryConfigTest, SslKeysAreCheckedAsTheKafkaClientKeys) {
  auto jks = validate({{"schema.registry.url", "https://a:8081"},
                       {"schema.registry.ssl.truststore.location", "/etc/x/truststore.jks"},
                       {"schema.registry.ssl.truststore.password", "changeit-secret"}});
  EXPECT_FALSE(jks.ok());
  const auto* issue = issue_for(jks, "value.converter.schema.registry.ssl.truststore.location");
  ASSERT_TRUE(issue) << (jks.issues.empty() ? "" : jks.issues[0].to_string());
  EXPECT_NE(issue->message.find("keytool"), std::string::npos) << issue->message;
  for (const auto& i : jks.issues)
    EXPECT_EQ(i.to_string().find("changeit-secret"), std::string::npos);
}

TEST(SchemaRegistryConfigTest, MutualTlsWithTheJavaKeystoreKeys) {
  auto ca = testing::TestCa::create("sr-ca");
  auto server = ca.issue({.common_name = "registry", .ip_sans = {"127.0.0.1"}});
  auto client = ca.issue({.common_name = "kconnect"});
  testing::TempDir dir;
  testing::write_file(dir.file("ca.pem"), ca.cert_pem());
  testing::write_file(dir.file("client.p12"), testing::make_pkcs12(client, ca.cert_pem(), "ks-pw"));
  auto started = testing::FakeSchemaRegistry::start(
      {.tls = http::ServerTlsOptions{.cert_pem = server.cert_pem,
                                     .key_pem = server.key_pem,
                                     .client_ca_pem = ca.cert_pem(),
                                     .require_client_cert = true}});
  ASSERT_TRUE(started) << started.error().message();
  auto& registry = *started;
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto fetch = [&](api::RawConfig raw) -> Result<RegisteredSchema> {
    raw["schema.registry.url"] = registry->url();
    std::vector<api::ConfigIssue> issues;
    auto config = api::Config::parse(converter_config_def(Format::kAvro), raw, issues);
    EXPECT_TRUE(issues.empty()) << issues[0].to_string();
    KC_ASSIGN_OR_RETURN(auto settings, load_settings(config, Format::kAvro, "value.converter."));
    KC_ASSIGN_OR_RETURN(auto c, RegistryClient::create(settings.client));
    return c->schema_by_id(id);
  };
  api::RawConfig tls = {{"schema.registry.ssl.truststore.location", dir.file("ca.pem")},
                        {"schema.registry.ssl.truststore.type", "PEM"},
                        {"schema.registry.ssl.keystore.location", dir.file("client.p12")},
                        {"schema.registry.ssl.keystore.type", "PKCS12"},
                        {"schema.registry.ssl.keystore.password", "ks-pw"}};
  auto fetched = fetch(tls);
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_EQ(fetched->text, kAvroRecord);

  auto no_client_cert = tls;
  no_client_cert.erase("schema.registry.ssl.keystore.location");
  no_client_cert.erase("schema.registry.ssl.keystore.type");
  no_client_cert.erase("schema.registry.ssl.keystore.password");
  EXPECT_FALSE(fetch(no_client_cert));  // the registry wants a client certificate

  auto untrusted = fetch({});  // the system trust store does not know the test CA
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code(), Errc::kPermissionDenied);
  EXPECT_FALSE(untrusted.error().retriable());

  auto wrong_password = tls;
  wrong_password["schema.registry.ssl.keystore.password"] = "nope-secret";
  auto refused = fetch(wrong_password);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message().find("nope-secret"), std::string::npos);
}

TEST(SchemaRegistryConfigTest, EmptyEndpointIdentificationSkipsOnlyTheHostNameCheck) {
  auto ca = testing::TestCa::create("sr-ca");
  auto server = ca.issue({.common_name = "registry", .dns_sans = {"registry.example"}});
  testing::TempDir dir;
  testing::write_file(dir.file("ca.pem"), ca.cert_pem());
  auto started = testing::FakeSchemaRegistry::start(
      {.tls = http::ServerTlsOptions{.cert_pem = server.cert_pem, .key_pem = server.key_pem}});
  ASSERT_TRUE(started) << started.error().message();
  auto& registry = *started;
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto fetch = [&](api::RawConfig raw) -> Result<RegisteredSchema> {
    raw["schema.registry.url"] = registry->url();
    raw["schema.registry.ssl.truststore.location"] = dir.file("ca.pem");
    std::vector<api::ConfigIssue> issues;
    auto config = api::Config::parse(converter_config_def(Format::kAvro), raw, issues);
    KC_ASSIGN_OR_RETURN(auto settings, load_settings(config, Format::kAvro, "value.converter."));
    KC_ASSIGN_OR_RETURN(auto c, RegistryClient::create(settings.client));
    return c->schema_by_id(id);
  };
  // The certificate names registry.example, not 127.0.0.1.
  auto checked = fetch({});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code(), Errc::kPermissionDenied);
  EXPECT_TRUE(fetch({{"schema.registry.ssl.endpoint.identification.algorithm", ""}}));
  // The chain is still verified.
  auto other_ca = testing::TestCa::create("other-ca");
  testing::write_file(dir.file("ca.pem"), other_ca.cert_pem());
  EXPECT_FALSE(fetch({{"schema.registry.ssl.endpoint.identification.algorithm", ""}}));
}

TEST(SchemaRegistryConfigTest, CredentialsInTheUrlAreUsedButNeverShown) {
  EXPECT_EQ(display_url("https://user:pw@registry:8081/x"), "https://registry:8081/x");
  auto registry = start_registry("user:pw");
  int id = registry->register_schema("s", std::string(kAvroRecord));
  auto url = registry->url();
  url.insert(url.find("//") + 2, "user:pw@");
  std::vector<api::ConfigIssue> issues;
  auto config = api::Config::parse(converter_config_def(Format::kAvro),
                                   {{"schema.registry.url", url}}, issues);
  auto settings = load_settings(config, Format::kAvro, "value.converter.");
  ASSERT_TRUE(settings) << settings.error().message();
  EXPECT_EQ(settings->client.urls[0].find("pw"), std::string::npos);
  auto client = RegistryClient::create(settings->client);
  EXPECT_TRUE((*client)->schema_by_id(id));
  registry->stop();
  auto down = (*client)->schema_by_id(id);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().message().find("pw"), std::string::npos) << down.error().message();
}

}  // namespace
}  // namespace kc::schema_registry
