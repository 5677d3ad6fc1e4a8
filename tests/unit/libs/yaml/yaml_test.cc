// libs/yaml: scalars as Kubernetes or as Kafka configuration read them, and the limits that keep
// hostile documents (self-referencing anchors, "billion laughs", deep nesting) from crashing a
// process or exhausting its memory.

#include "libs/yaml/yaml.h"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace kc::yaml {
namespace {

using nlohmann::json;

TEST(YamlTest, ResolvesScalarsLikeKubernetes) {
  auto doc = yaml::to_json(R"(
a: 1
b: "1"
c: true
d: 'true'
e: 1.5
f: ~
g: plain text
h: [x, 2]
i: {j: k}
)");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ((*doc)["a"], 1);
  EXPECT_EQ((*doc)["b"], "1");
  EXPECT_EQ((*doc)["c"], true);
  EXPECT_EQ((*doc)["d"], "true");
  EXPECT_EQ((*doc)["e"], 1.5);
  EXPECT_TRUE((*doc)["f"].is_null());
  EXPECT_EQ((*doc)["g"], "plain text");
  EXPECT_EQ((*doc)["h"], json::array({"x", 2}));
  EXPECT_EQ((*doc)["i"]["j"], "k");
  // YAML 1.2 hexadecimal and octal integers (0x10 used to read as 10, 0xff as a string).
  auto ints = yaml::to_json("hex: 0x10\nff: 0xff\noct: 0o17\nnot: 0xfg\n");
  ASSERT_TRUE(ints) << ints.error().to_string();
  EXPECT_EQ((*ints)["hex"], 16);
  EXPECT_EQ((*ints)["ff"], 255);
  EXPECT_EQ((*ints)["oct"], 15);
  EXPECT_EQ((*ints)["not"], "0xfg");
  auto docs = yaml::documents_to_json("a: 1\n---\n---\nb: 2\n");
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->size(), 2u);
  auto bad = yaml::to_json("a: [1, 2");
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), Errc::kInvalidArgument);
}

TEST(YamlTest, TextScalarsStayStringsExceptNull) {
  auto doc = to_json("a: 1\nb: true\nc: ~\nd: [x, 2]\n", Scalars::kText);
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ(*doc, (json{{"a", "1"}, {"b", "true"}, {"c", nullptr}, {"d", {"x", "2"}}}));
}

TEST(YamlTest, AliasesExpandWithinTheLimits) {
  auto doc = to_json("base: &b {k: v}\nlist: [*b, *b]\n");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ((*doc)["list"], (json{{{"k", "v"}}, {{"k", "v"}}}));
}

// Issue 16: `x: &c [*c]` recursed until the stack overflowed (SIGSEGV).
TEST(YamlTest, AnAnchorThatContainsItsOwnAliasIsRefused) {
  for (auto text : {"x: &c [*c]\n", "&a [*a]", "a: &m {b: *m}\n"}) {
    auto doc = to_json(text, Scalars::kText);
    ASSERT_FALSE(doc) << text;
    EXPECT_EQ(doc.error().code(), Errc::kInvalidArgument);
    EXPECT_NE(doc.error().message().find("nested deeper than 100 levels"), std::string::npos)
        << doc.error().message();
  }
}

// Issue 16: a 542-byte "billion laughs" document grew past 6 GB.
TEST(YamlTest, BillionLaughsIsRefusedBeforeItGrows) {
  std::string text = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; prev = c, ++c) {
    text += fmt::format("{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n", c, c,
                        fmt::arg("p", prev));
  }
  EXPECT_LT(text.size(), 600u);
  auto doc = to_json(text);
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message().find("expands to more than 8 MiB"), std::string::npos)
      << doc.error().message();
  auto docs = documents_to_json(text + "---\n" + text);
  EXPECT_FALSE(docs);
}

TEST(YamlTest, DeepNestingIsRefusedNotACrash) {
  auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(to_json(nested(kMaxDepth)));
  EXPECT_FALSE(to_json(nested(kMaxDepth + 1)));
  EXPECT_FALSE(to_json(nested(100000)));  // yaml-cpp's own depth guard
}

}  // namespace
}  // namespace kc::yaml
