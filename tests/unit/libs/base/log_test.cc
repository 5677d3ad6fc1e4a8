#include "libs/base/log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kc::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_sink([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    set_sink(nullptr);
    set_format(Format::kText);
    set_level("test", std::nullopt);
    set_level("test.child", std::nullopt);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, TextLineCarriesLevelLoggerMessageAndFields) {
  get("test.a").info("task started", {{"connector", "orders"}, {"task", 3}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("INFO  test.a task started connector=orders task=3"), std::string::npos)
      << lines_[0];
}

TEST_F(LogTest, JsonLineEscapesAndTypesFields) {
  set_format(Format::kJson);
  get("test.b").warn("say \"hi\"", {{"n", 7}, {"s", "a\nb"}, {"ok", true}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(
      lines_[0].find(
          R"("level":"WARN","logger":"test.b","msg":"say \"hi\"","n":7,"s":"a\nb","ok":true})"),
      std::string::npos)
      << lines_[0];
}

TEST_F(LogTest, LevelsInheritFromNearestAncestorAndCanBeCleared) {
  auto& child = get("test.child.leaf");
  EXPECT_FALSE(child.enabled(Level::kDebug));
  set_level("test", Level::kDebug);
  EXPECT_TRUE(child.enabled(Level::kDebug));
  set_level("test.child", Level::kError);
  EXPECT_FALSE(child.enabled(Level::kWarn));
  EXPECT_EQ(explicit_levels().at("test.child"), Level::kError);
  set_level("test.child", std::nullopt);
  EXPECT_TRUE(child.enabled(Level::kDebug));
  child.debug("visible");
  child.trace("hidden");
  EXPECT_EQ(lines_.size(), 1u);
}

TEST_F(LogTest, ParsesLog4jLevelNames) {
  EXPECT_EQ(parse_level("warn"), Level::kWarn);
  EXPECT_EQ(parse_level("FATAL"), Level::kError);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace kc::log
