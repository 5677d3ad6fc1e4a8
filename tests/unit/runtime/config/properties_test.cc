#include "runtime/config/properties.h"

#include <gtest/gtest.h>

namespace kc::config {
namespace {

api::RawConfig parse(std::string_view text) {
  auto r = parse_properties(text);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : api::RawConfig{};
}

TEST(PropertiesTest, SeparatorsCommentsAndWhitespaceFollowJavaProperties) {
  auto p = parse(
      "# comment\n"
      "! also a comment\n"
      "\n"
      "a=1\n"
      "  b : two words  \n"
      "c three\n"
      "d=\n"
      "e\n"
      "f=x=y\n");
  EXPECT_EQ(p.at("a"), "1");
  EXPECT_EQ(p.at("b"), "two words  ");  // trailing whitespace is part of the value, as in Java
  EXPECT_EQ(p.at("c"), "three");
  EXPECT_EQ(p.at("d"), "");
  EXPECT_EQ(p.at("e"), "");
  EXPECT_EQ(p.at("f"), "x=y");
  EXPECT_EQ(p.size(), 6u);
}

TEST(PropertiesTest, ContinuationLinesJoinAndDropLeadingWhitespace) {
  auto p = parse("topics=a,\\\n    b,\\\n    c\nnext=1\n");
  EXPECT_EQ(p.at("topics"), "a,b,c");
  EXPECT_EQ(p.at("next"), "1");
}

TEST(PropertiesTest, EvenBackslashesDoNotContinue) {
  auto p = parse("path=C:\\\\\nnext=1\n");
  EXPECT_EQ(p.at("path"), "C:\\");
  EXPECT_EQ(p.at("next"), "1");
}

TEST(PropertiesTest, EscapesAndUnicode) {
  auto p = parse("key\\ with\\=odd\\:chars=v\\tx\nu=caf\\u00e9 \\uD83D\\uDE00\nsep=\\n\n");
  EXPECT_EQ(p.at("key with=odd:chars"), "v\tx");
  EXPECT_EQ(p.at("u"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(p.at("sep"), "\n");
}

TEST(PropertiesTest, CrLfLineEndingsAndLastDuplicateWins) {
  auto p = parse("a=1\r\nb=2\r\na=3");
  EXPECT_EQ(p.at("a"), "3");
  EXPECT_EQ(p.at("b"), "2");
}

TEST(PropertiesTest, MalformedUnicodeEscapeNamesTheLine) {
  auto r = parse_properties("a=1\nb=\\u12\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("line 2"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace kc::config
