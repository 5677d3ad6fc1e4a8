// sasl.jaas.config parsing, as Kafka's JaasConfig tokenizes it.

#include "runtime/config/security/jaas.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kc::config::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

JaasEntry parse_one(std::string_view text) {
  auto entries = parse_jaas_config(text);
  EXPECT_TRUE(entries) << entries.error().to_string();
  if (!entries || entries->size() != 1) return {};
  return entries->front();
}

std::string error_of(std::string_view text) {
  auto entries = parse_jaas_config(text);
  EXPECT_FALSE(entries);
  return entries ? "" : entries.error().message();
}

TEST(JaasConfigTest, ParsesTheFormKafkaDocumentsForPlain) {
  auto e = parse_one(
      R"(org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";)");
  EXPECT_EQ(e.login_module, "org.apache.kafka.common.security.plain.PlainLoginModule");
  EXPECT_EQ(e.simple_name(), "PlainLoginModule");
  EXPECT_EQ(e.control_flag, "required");
  ASSERT_EQ(e.options.size(), 2u);
  EXPECT_EQ(*e.option("username"), "alice");
  EXPECT_EQ(*e.option("password"), "alice-secret");
  EXPECT_EQ(e.option("Username"), nullptr);  // option names are case-sensitive
}

TEST(JaasConfigTest, AzureEventHubsConnectionStringSurvivesItsSemicolonsAndEquals) {
  auto e = parse_one(
      "org.apache.kafka.common.security.plain.PlainLoginModule required\n"
      "    username=\"$ConnectionString\"\n"
      "    password=\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
      "SharedAccessKey=a+b/c=\";");
  EXPECT_EQ(*e.option("username"), "$ConnectionString");
  EXPECT_EQ(
      *e.option("password"),
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=a+b/c=");
}

TEST(JaasConfigTest, QuotesEscapesAndUnquotedWords) {
  auto e = parse_one(R"(m.ScramLoginModule REQUIRED user=bob pass='it\'s' a="q\"uote\\d" )"
                     R"(b="tab\there" c="\101\102" d="\377" e='x\qy' f=é;)");
  EXPECT_EQ(e.control_flag, "required");
  EXPECT_EQ(*e.option("user"), "bob");
  EXPECT_EQ(*e.option("pass"), "it's");
  EXPECT_EQ(*e.option("a"), "q\"uote\\d");
  EXPECT_EQ(*e.option("b"), "tab\there");
  EXPECT_EQ(*e.option("c"), "AB");
  EXPECT_EQ(*e.option("d"), "\xC3\xBF");  // U+00FF, as Java decodes \377, in UTF-8
  EXPECT_EQ(*e.option("e"), "xqy");
  EXPECT_EQ(*e.option("f"), "é");
}

TEST(JaasConfigTest, CommentsRepeatedOptionsAndSeveralEntries) {
  auto entries = parse_jaas_config(
      "/* first */ a.B required x=\"1\" // to the end of the line\n x=\"2\";\n"
      "c.D optional;");
  ASSERT_TRUE(entries) << entries.error().to_string();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].options.size(), 1u);
  EXPECT_EQ(*(*entries)[0].option("x"), "2");  // the last value wins, as Java's HashMap
  EXPECT_EQ((*entries)[1].control_flag, "optional");
  EXPECT_TRUE((*entries)[1].options.empty());
}

TEST(JaasConfigTest, ErrorsUseKafkasWordingAndNeverShowValues) {
  EXPECT_EQ(error_of(""), "Login module not specified in JAAS config");
  EXPECT_EQ(error_of("  // only a comment"), "Login module not specified in JAAS config");
  EXPECT_EQ(error_of("a.B"), "Login module control flag not specified in JAAS config");
  EXPECT_THAT(error_of("a.B requird;"),
              HasSubstr("Invalid login module control flag 'requird' in JAAS config"));
  EXPECT_EQ(error_of("a.B required username=\"alice\""),
            "JAAS config entry not terminated by semi-colon");
  EXPECT_EQ(error_of("a.B required password;"),
            "Value not specified for key 'password' in JAAS config");
  EXPECT_EQ(error_of("a.B required password=;"),
            "Value not specified for key 'password' in JAAS config");
  auto unterminated = error_of("a.B required password=\"top-secret;");
  EXPECT_THAT(unterminated, HasSubstr("unterminated quoted value"));
  EXPECT_THAT(unterminated, Not(HasSubstr("top-secret")));
}

TEST(JaasConfigTest, AnUnquotedSlashStartsACommentAsInJava) {
  // Java reads "url=https:" and then a comment: URLs must be quoted.
  EXPECT_EQ(error_of("a.B required url=https://idp/token;"),
            "JAAS config entry not terminated by semi-colon");
  EXPECT_EQ(*parse_one("a.B required url=\"https://idp/token\";").option("url"),
            "https://idp/token");
}

}  // namespace
}  // namespace kc::config::security
