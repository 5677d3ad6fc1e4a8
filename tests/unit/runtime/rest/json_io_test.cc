// Request bodies: the depth bound, and parsing into a map rather than ordered_json.

#include "runtime/rest/json_io.h"

#include <gtest/gtest.h>

namespace kc::rest {
namespace {

std::string nested(size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(JsonIoTest, BodiesNestedDeeperThanTheBoundAreRefusedBeforeParsing) {
  EXPECT_TRUE(parse_body(nested(kMaxBodyDepth)));
  auto deep = parse_body(nested(kMaxBodyDepth + 1));
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code(), Errc::kInvalidArgument);
  EXPECT_NE(deep.error().message().find("nested deeper than 32 levels"), std::string::npos)
      << deep.error().message();
  // The probe that cost ~210 MB: 6 MB of '[' (unbalanced, so also malformed).
  EXPECT_FALSE(parse_body(std::string(size_t{6} * 1024 * 1024, '[')));
  std::string objects;
  for (size_t i = 0; i <= kMaxBodyDepth; ++i) objects += R"({"a":)";
  EXPECT_FALSE(parse_body(objects + "1" + std::string(kMaxBodyDepth + 1, '}')));
}

TEST(JsonIoTest, BracketsInsideStringsDoNotCountAsNesting) {
  std::string text = R"({"k":")" + std::string(1000, '[') + R"(\"[[[","l":"\\"})";
  auto parsed = parse_body(text);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ((*parsed)["k"].get<std::string>(), std::string(1000, '[') + "\"[[[");
  EXPECT_EQ((*parsed)["l"].get<std::string>(), "\\");
}

// Found by rest_body_fuzz: nlohmann stops at a NUL byte, so "{}\0garbage" parsed as {}.
TEST(JsonIoTest, BodiesWithANulByteAreNotJson) {
  using namespace std::string_literals;
  EXPECT_FALSE(parse_body("{}\0garbage"s));
  EXPECT_FALSE(parse_body("0\0"s));
  EXPECT_TRUE(parse_body(R"({"a":"\u0000"})"));
}

TEST(JsonIoTest, ConfigJsonKeepsEveryKeyInTheMapsOrder) {
  api::RawConfig config;
  for (int i = 0; i < 1000; ++i) config[fmt::format("key.{:04}", 999 - i)] = std::to_string(i);
  auto json = config_json(config);
  ASSERT_EQ(json.size(), 1000u);
  EXPECT_EQ(json.begin().key(), "key.0000");
  EXPECT_EQ(json["key.0999"], "0");
  auto round_trip = config_map(BodyJson::parse(json.dump()));
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(round_trip->size(), 1000u);
  EXPECT_EQ(round_trip->at("key.0500"), "499");
}

}  // namespace
}  // namespace kc::rest
