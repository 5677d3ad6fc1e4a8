#include "runtime/config/config_file.h"

#include <gtest/gtest.h>

namespace kc::config {
namespace {

TEST(ConfigFileTest, KafkaConnectRestJsonForm) {
  auto def = parse_connector(
      R"({"name": "s", "config": {"connector.class": "file", "tasks.max": 2, "x": true}})",
      FileFormat::kJson);
  ASSERT_TRUE(def) << def.error().message();
  EXPECT_EQ(def->name, "s");
  EXPECT_EQ(def->config.at("name"), "s");
  EXPECT_EQ(def->config.at("tasks.max"), "2");
  EXPECT_EQ(def->config.at("x"), "true");
}

TEST(ConfigFileTest, FlatJsonAndYamlForms) {
  auto json = parse_connector(R"({"name": "a", "connector.class": "file"})", FileFormat::kJson);
  ASSERT_TRUE(json);
  EXPECT_EQ(json->name, "a");
  auto yaml = parse_connector("name: b\nconfig:\n  connector.class: file\n  tasks.max: 3\n",
                              FileFormat::kYaml);
  ASSERT_TRUE(yaml) << yaml.error().message();
  EXPECT_EQ(yaml->name, "b");
  EXPECT_EQ(yaml->config.at("tasks.max"), "3");
}

TEST(ConfigFileTest, NameMismatchIsRefused) {
  auto def = parse_connector(R"({"name": "a", "config": {"name": "b"}})", FileFormat::kJson);
  ASSERT_FALSE(def);
  EXPECT_NE(def.error().message().find("doesn't match"), std::string::npos);
}

TEST(ConfigFileTest, NestedValuesAreRefusedNamingTheKey) {
  auto def =
      parse_connector(R"({"name": "a", "config": {"topics": ["x", "y"]}})", FileFormat::kJson);
  ASSERT_FALSE(def);
  EXPECT_NE(def.error().message().find("config.topics"), std::string::npos)
      << def.error().message();
}

TEST(ConfigFileTest, InvalidJsonAndYamlAreReported) {
  EXPECT_FALSE(parse_connector("{\"name\": ", FileFormat::kJson));
  EXPECT_FALSE(parse_flat("a: [unclosed", FileFormat::kYaml));
}

TEST(ConfigFileTest, FormatDetection) {
  EXPECT_EQ(detect_format("x.json", ""), FileFormat::kJson);
  EXPECT_EQ(detect_format("x.yml", ""), FileFormat::kYaml);
  EXPECT_EQ(detect_format("x.conf", "  {\"a\":1}"), FileFormat::kJson);
  EXPECT_EQ(detect_format("x.conf", "a=1"), FileFormat::kProperties);
}

}  // namespace
}  // namespace kc::config
