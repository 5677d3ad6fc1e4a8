#include <gtest/gtest.h>

#include "libs/base/backoff.h"
#include "libs/base/strings.h"

namespace kc {
namespace {

TEST(StringsTest, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(strings::split_list(" a, b ,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(strings::split_list("  ").empty());
}

TEST(StringsTest, ParseIntRejectsJunkAndOverflow) {
  EXPECT_EQ(strings::parse_int<int32_t>(" 42 "), 42);
  EXPECT_EQ(strings::parse_int<int32_t>("+7"), 7);
  EXPECT_EQ(strings::parse_int<int32_t>("4x"), std::nullopt);
  EXPECT_EQ(strings::parse_int<int32_t>("99999999999"), std::nullopt);
  EXPECT_EQ(strings::parse_int<int32_t>(""), std::nullopt);
}

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(strings::is_valid_utf8("plain"));
  EXPECT_TRUE(strings::is_valid_utf8("\xc3\xa9t\xc3\xa9"));
  EXPECT_FALSE(strings::is_valid_utf8("\xff"));
  EXPECT_FALSE(strings::is_valid_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(strings::is_valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(strings::is_valid_utf8("\xe2\x82"));      // truncated
}

TEST(BackoffTest, KafkaConnectScheduleDoublesFrom300AndCaps) {
  auto b = Backoff::kafka_connect(std::chrono::milliseconds(2000));
  EXPECT_EQ(b.next().count(), 300);
  EXPECT_EQ(b.next().count(), 600);
  EXPECT_EQ(b.next().count(), 1200);
  auto capped = b.next().count();  // jitter applies once capped
  EXPECT_GE(capped, 1600);
  EXPECT_LE(capped, 2400);
  EXPECT_EQ(b.attempts(), 4u);
  b.reset();
  EXPECT_EQ(b.next().count(), 300);
}

}  // namespace
}  // namespace kc

#include "libs/base/base64.h"

namespace kc {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64::encode(plain), encoded);
    EXPECT_EQ(base64::decode(encoded), plain);
  }
  EXPECT_EQ(base64::decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(base64::encode(std::string("\xff\x00\x10", 3)), "/wAQ");
}

}  // namespace
}  // namespace kc
