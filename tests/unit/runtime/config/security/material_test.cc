// The TLS material behind translated settings, read from real files: wrong store types, Java
// KeyStores by their magic number, PKCS#12 truststores handed to librdkafka as ssl.ca.pem.

#include "runtime/config/security/material.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/tls/parse.h"
#include "tests/support/files.h"
#include "tests/support/test_certs.h"

namespace kc::config::security {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class SecurityMaterialTest : public ::testing::Test {
 protected:
  SecuritySettings translate(const api::RawConfig& keys) {
    const KeyLayer layers[] = {{&keys, "consumer."}};
    std::vector<api::ConfigIssue> issues;
    auto s = translate_security(layers, issues);
    for (const auto& i : issues) {
      EXPECT_NE(i.severity, api::ConfigIssue::Severity::kError) << i.to_string();
    }
    return s;
  }
  std::string write(const std::string& name, const std::string& content) {
    kc::testing::write_file(dir_.file(name), content);
    return dir_.file(name);
  }

  kc::testing::TempDir dir_;
  kc::testing::TestCa ca_ = kc::testing::TestCa::create("material-ca");
  kc::testing::CertAndKey client_ = ca_.issue({.common_name = "client", .server_auth = false});
};

TEST_F(SecurityMaterialTest, Pkcs12TruststoreBecomesSslCaPem) {
  auto s = translate(
      {{"security.protocol", "SSL"},
       {"ssl.truststore.type", "PKCS12"},
       {"ssl.truststore.location",
        write("truststore", kc::testing::make_pkcs12_truststore({ca_.cert_pem()}, "changeit"))},
       {"ssl.truststore.password", "changeit"}});
  auto checked = check_material(s);
  ASSERT_TRUE(checked) << checked.error().to_string();
  ASSERT_EQ(checked->properties.size(), 1u);
  EXPECT_EQ(checked->properties[0].name, "ssl.ca.pem");
  EXPECT_EQ(checked->properties[0].value, ca_.cert_pem());
  EXPECT_EQ(checked->properties[0].display, "consumer.ssl.truststore.location");
}

TEST_F(SecurityMaterialTest, Pkcs12KeystoreBecomesTheValidatedCertificateAndKey) {
  auto s = translate({{"security.protocol", "SSL"},
                      {"ssl.keystore.location",
                       write("user.p12", kc::testing::make_pkcs12(client_, "", "storepw"))},
                      {"ssl.keystore.password", "storepw"}});
  auto checked = check_material(s);
  ASSERT_TRUE(checked) << checked.error().to_string();
  ASSERT_EQ(checked->properties.size(), 2u);
  EXPECT_EQ(checked->properties[0].name, "ssl.certificate.pem");
  EXPECT_EQ(checked->properties[0].value, client_.cert_pem);
  EXPECT_EQ(checked->properties[1].name, "ssl.key.pem");
  EXPECT_THAT(checked->properties[1].value, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_EQ(checked->properties[1].display, "consumer.ssl.keystore.location");
  // The key is the certificate's: the pair as librdkafka will load it.
  auto key = tls::parse_pem_private_key(checked->properties[1].value, "", "key");
  ASSERT_TRUE(key);
  EXPECT_TRUE(tls::key_matches(checked->material->chain.front(), key->get()));
}

TEST_F(SecurityMaterialTest, AJavaKeyStoreUnderAnyNameGetsTheConversionCommands) {
  auto s = translate(
      {{"security.protocol", "SSL"},
       {"ssl.keystore.location", write("client.p12", std::string("\xFE\xED\xFE\xED\0\0\0\2", 8))},
       {"ssl.keystore.password", "pw"}});
  auto checked = check_material(s);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code(), Errc::kUnsupported);
  EXPECT_THAT(checked.error().message(),
              AllOf(HasSubstr("consumer.ssl.keystore.location (" + dir_.file("client.p12") +
                              ") is a Java KeyStore (JKS)"),
                    HasSubstr("keytool -importkeystore -srckeystore " + dir_.file("client.p12"))));
}

TEST_F(SecurityMaterialTest, AStoreOfTheWrongTypeSaysWhichTypeToSet) {
  auto s =
      translate({{"security.protocol", "SSL"},
                 {"ssl.truststore.location",
                  write("ca.pem", kc::testing::make_pkcs12_truststore({ca_.cert_pem()}, ""))}});
  auto checked = check_material(s);
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message(),
              HasSubstr("holds a PKCS#12 store, not PEM: set consumer.ssl.truststore.type=PKCS12"));

  std::vector<api::ConfigIssue> issues;
  check_material(s, issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "consumer.ssl.truststore.location");
}

TEST_F(SecurityMaterialTest, ExpiredAndMismatchedClientMaterialIsCaughtBeforeConnecting) {
  auto expired = ca_.issue(
      {.common_name = "expired", .valid_from_days = -10, .valid_days = 5, .server_auth = false});
  auto s = translate(
      {{"security.protocol", "SSL"},
       {"ssl.truststore.location", write("ca.pem", ca_.cert_pem())},
       {"ssl.keystore.type", "PEM"},
       {"ssl.keystore.location", write("client.pem", expired.cert_pem + expired.key_pem)}});
  auto checked = check_material(s);
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message(),
              HasSubstr("consumer.ssl.keystore.location (" + dir_.file("client.pem") +
                        "): certificate 'CN=expired' expired at"));

  s = translate({{"security.protocol", "SSL"},
                 {"ssl.keystore.certificate.chain", client_.cert_pem},
                 {"ssl.keystore.key", kc::testing::new_key_pem()}});
  checked = check_material(s);
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message(),
              HasSubstr("consumer.ssl.keystore.key (inline): the private key does not match"));
}

TEST_F(SecurityMaterialTest, Pkcs12KeystoreChainsAreAWarningOnOldLibrdkafka) {
  auto intermediate = ca_.intermediate("intermediate");
  auto leaf = intermediate.issue({.common_name = "leaf", .server_auth = false});
  auto s =
      translate({{"security.protocol", "SSL"},
                 {"ssl.truststore.location", write("ca.pem", ca_.cert_pem())},
                 {"ssl.keystore.location",
                  write("leaf.p12", kc::testing::make_pkcs12(leaf, intermediate.cert_pem(), "pw"))},
                 {"ssl.keystore.password", "pw"}});
  LibrdkafkaBuild old_build{.version = "2.0.2", .version_number = 0x020002ff};
  auto checked = check_material(s, {}, old_build);
  ASSERT_TRUE(checked) << checked.error().to_string();
  ASSERT_EQ(checked->warnings.size(), 1u);
  EXPECT_THAT(checked->warnings[0],
              HasSubstr("librdkafka 2.0.2 sends only the leaf certificate of a PKCS#12 keystore"));
  LibrdkafkaBuild new_build{.version = "2.8.0", .version_number = 0x020800ff};
  EXPECT_TRUE(check_material(s, {}, new_build)->warnings.empty());
}

TEST_F(SecurityMaterialTest, NothingToCheckWithoutTls) {
  auto checked = check_material(translate({}));
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->material, nullptr);
}

}  // namespace
}  // namespace kc::config::security
