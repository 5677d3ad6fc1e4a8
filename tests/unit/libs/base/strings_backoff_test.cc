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
  EXPECT_FALSE(strings::is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(strings::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(strings::is_valid_utf8("\xe2\x82"));          // truncated
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
