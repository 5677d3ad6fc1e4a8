#include "libs/base/secrets.h"

#include <string>

#include <gtest/gtest.h>

#include "libs/base/log.h"

namespace kc::secrets {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void TearDown() override { forget_all(); }
};

TEST_F(SecretsTest, RememberedValuesAreMaskedAsTheyAreAndJsonEscaped) {
  EXPECT_EQ(mask("topic=dlq-4f2a"), "topic=dlq-4f2a");
  remember("dlq-4f2a");
  remember("pa\"ss\\word");
  remember("on");  // too short to mask in free text
  EXPECT_EQ(mask("topic=dlq-4f2a, again dlq-4f2a; on"), "topic=[hidden], again [hidden]; on");
  EXPECT_EQ(mask(R"({"m":"pa\"ss\\word"})"), R"({"m":"[hidden]"})");
  EXPECT_EQ(mask("pa\"ss\\word"), "[hidden]");
}

TEST_F(SecretsTest, EveryLogLineIsMasked) {
  std::string lines;
  log::set_sink([&](std::string_view line) { lines.append(line); });
  remember("s3cr3t-value");
  log::get("kc.secrets.test").error("failed for s3cr3t-value", {{"topic", "s3cr3t-value"}});
  log::set_sink(nullptr);
  EXPECT_EQ(lines.find("s3cr3t-value"), std::string::npos) << lines;
  EXPECT_NE(lines.find("[hidden]"), std::string::npos) << lines;
}

}  // namespace
}  // namespace kc::secrets
