#include "runtime/config/config_file.h"

#include <gtest/gtest.h>

#include "tests/support/files.h"

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

// Issue 16: a self-referencing anchor crashed validate and standalone (SIGSEGV) and a 542-byte
// "billion laughs" file grew past 6 GB. Both are refused naming the file.
TEST(ConfigFileTest, YamlAliasBombsAreRefusedNamingTheFile) {
  testing::TempDir dir;
  testing::write_text(dir.file("cycle.yaml"), "name: s\nconfig: &c {x: [*c]}\n");
  auto cycle = load_connector_file(dir.file("cycle.yaml"));
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().code(), Errc::kInvalidConfig);
  EXPECT_NE(cycle.error().message().find("cycle.yaml"), std::string::npos)
      << cycle.error().message();
  EXPECT_NE(cycle.error().message().find("nested deeper than 100 levels"), std::string::npos)
      << cycle.error().message();

  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b', p = 'a'; c <= 'i'; p = c, ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) laughs += std::string(i ? ", *" : "*") + p;
    laughs += "]\n";
  }
  testing::write_text(dir.file("laughs.yaml"), laughs);
  auto bomb = load_worker_file(dir.file("laughs.yaml"));
  ASSERT_FALSE(bomb);
  EXPECT_NE(bomb.error().message().find("laughs.yaml"), std::string::npos);
  EXPECT_NE(bomb.error().message().find("expands to more than 8 MiB"), std::string::npos)
      << bomb.error().message();
}

TEST(ConfigFileTest, FormatDetection) {
  EXPECT_EQ(detect_format("x.json", ""), FileFormat::kJson);
  EXPECT_EQ(detect_format("x.yml", ""), FileFormat::kYaml);
  EXPECT_EQ(detect_format("x.conf", "  {\"a\":1}"), FileFormat::kJson);
  EXPECT_EQ(detect_format("x.conf", "a=1"), FileFormat::kProperties);
}

}  // namespace
}  // namespace kc::config
