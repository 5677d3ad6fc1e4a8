// gzip bodies: a round trip, concatenated members, and what is refused (not gzip, truncated,
// larger than the bound once decompressed).

#include "libs/base/gzip.h"

#include <gtest/gtest.h>

namespace kc::gzip {
namespace {

TEST(GzipTest, RoundTripAndConcatenatedMembers) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
  auto packed = compress(text);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // RFC 1952 magic
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  EXPECT_LT(packed.size(), text.size() / 4);
  auto back = decompress(packed, text.size());
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, text);
  auto two = decompress(packed + compress("tail"), text.size() + 4);
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, text + "tail");
  EXPECT_EQ(*decompress(compress(""), 0), "");
}

TEST(GzipTest, RefusesWhatIsNotGzipTruncatedOrTooLarge) {
  auto packed = compress(std::string(100'000, 'a'));
  EXPECT_EQ(decompress("plain text", 1 << 20).error().code(), Errc::kData);
  EXPECT_FALSE(decompress(packed.substr(0, packed.size() / 2), 1 << 20));
  auto big = decompress(packed, 1000);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message().find("more than 1000 bytes"), std::string::npos);
}

}  // namespace
}  // namespace kc::gzip
