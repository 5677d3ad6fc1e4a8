// Java client security keys to librdkafka properties (translate_security), as users write them.

#include "runtime/config/security/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kc::config::security {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using Severity = api::ConfigIssue::Severity;

// Debian bookworm's librdkafka: GSSAPI built in, OIDC not (no libcurl), SCRAM nonce bug.
LibrdkafkaBuild bookworm() {
  return {
      .version = "2.0.2",
      .version_number = 0x020002ff,
      .features = {"ssl", "sasl", "sasl_gssapi", "sasl_plain", "sasl_scram", "sasl_oauthbearer"},
      .oidc = false};
}
LibrdkafkaBuild trixie() {
  auto b = bookworm();
  b.version = "2.8.0";
  b.version_number = 0x020800ff;
  b.oidc = true;
  return b;
}

class SecuritySettingsTest : public ::testing::Test {
 protected:
  // Translates worker consumer.* keys and connector consumer.override.* keys.
  SecuritySettings translate(const api::RawConfig& worker, const api::RawConfig& overrides = {},
                             const LibrdkafkaBuild& build = bookworm()) {
    issues_.clear();
    const KeyLayer layers[] = {{&worker, "consumer."}, {&overrides, "consumer.override."}};
    return translate_security(layers, issues_, build);
  }
  static std::string property(const SecuritySettings& s, std::string_view name) {
    for (const auto& p : s.properties) {
      if (p.name == name) return p.value;
    }
    return "<unset>";
  }
  static std::string display(const SecuritySettings& s, std::string_view name) {
    for (const auto& p : s.properties) {
      if (p.name == name) return p.display;
    }
    return "<unset>";
  }
  std::vector<std::string> messages(Severity severity) const {
    std::vector<std::string> out;
    for (const auto& i : issues_) {
      if (i.severity == severity) out.push_back(i.to_string());
    }
    return out;
  }
  // One issue per line; "{}" when there is none.
  std::string joined(Severity severity) const {
    auto all = messages(severity);
    std::string out;
    for (const auto& m : all) out += m + "\n";
    return all.empty() ? "{}" : out;
  }
  std::string errors() const { return joined(Severity::kError); }
  std::string warnings() const { return joined(Severity::kWarning); }

  std::vector<api::ConfigIssue> issues_;
};

TEST_F(SecuritySettingsTest, SecurityKeysAreRecognised) {
  EXPECT_TRUE(is_security_key("security.protocol"));
  EXPECT_TRUE(is_security_key("ssl.truststore.location"));
  EXPECT_TRUE(is_security_key("sasl.jaas.config"));
  EXPECT_TRUE(is_security_key("enable.ssl.certificate.verification"));
  EXPECT_FALSE(is_security_key("session.timeout.ms"));
  EXPECT_EQ(security_keys({{"security.protocol", "SSL"}, {"group.id", "x"}}).size(), 1u);
}

TEST_F(SecuritySettingsTest, PlaintextByDefaultAndProtocolCaseInsensitive) {
  auto none = translate({});
  EXPECT_EQ(none.protocol, "plaintext");
  EXPECT_TRUE(none.properties.empty());
  auto s = translate({{"security.protocol", "sasl_ssl"},
                      {"sasl.mechanism", "PLAIN"},
                      {"sasl.jaas.config", "x.PlainLoginModule required username=u password=p;"}});
  EXPECT_EQ(property(s, "security.protocol"), "sasl_ssl");
  EXPECT_TRUE(s.uses_tls() && s.uses_sasl());
  translate({{"security.protocol", "TLS"}});
  EXPECT_THAT(errors(), HasSubstr("consumer.security.protocol = \"TLS\": Invalid value: "
                                  "security.protocol must be one of PLAINTEXT, SSL, "
                                  "SASL_PLAINTEXT, SASL_SSL"));
}

TEST_F(SecuritySettingsTest, LayersMergeKeyByKeyAndIssuesNameTheLayer) {
  auto s = translate({{"security.protocol", "SSL"}, {"ssl.truststore.location", "/w/ca.pem"}},
                     {{"ssl.truststore.location", "/c/ca.pem"}});
  EXPECT_EQ(property(s, "ssl.ca.location"), "/c/ca.pem");
  EXPECT_EQ(display(s, "ssl.ca.location"), "consumer.override.ssl.truststore.location");
  EXPECT_EQ(s.material.trust.label, "consumer.override.ssl.truststore.location");
  EXPECT_EQ(s.material.trust.file, "/c/ca.pem");
}

TEST_F(SecuritySettingsTest, TruststoreTypes) {
  auto pem = translate({{"security.protocol", "SSL"},
                        {"ssl.truststore.type", "PEM"},
                        {"ssl.truststore.location", "/etc/tls/ca.crt"}});
  EXPECT_EQ(property(pem, "ssl.ca.location"), "/etc/tls/ca.crt");
  EXPECT_EQ(pem.material.trust_type, tls::StoreType::kPem);
  EXPECT_EQ(errors(), "{}");

  // PKCS#12: librdkafka cannot read it; the runtime hands it over as ssl.ca.pem (material.h).
  auto p12 = translate({{"security.protocol", "SSL"},
                        {"ssl.truststore.type", "PKCS12"},
                        {"ssl.truststore.location", "/etc/tls/truststore"},
                        {"ssl.truststore.password", "changeit"}});
  EXPECT_EQ(property(p12, "ssl.ca.location"), "<unset>");
  EXPECT_EQ(p12.material.trust_type, tls::StoreType::kPkcs12);
  EXPECT_EQ(p12.material.trust_password, "changeit");
  auto by_name =
      translate({{"security.protocol", "SSL"}, {"ssl.truststore.location", "/x/ts.p12"}});
  EXPECT_EQ(by_name.material.trust_type, tls::StoreType::kPkcs12);

  translate({{"security.protocol", "SSL"},
             {"ssl.truststore.location", "/x/ca.pem"},
             {"ssl.truststore.password", "changeit"}});
  EXPECT_THAT(errors(), HasSubstr("consumer.ssl.truststore.password = \"[hidden]\": SSL trust "
                                  "store password cannot be specified for PEM format"));
  translate({{"security.protocol", "SSL"},
             {"ssl.truststore.type", "BCFKS"},
             {"ssl.truststore.location", "/x/ts"}});
  EXPECT_THAT(errors(), HasSubstr("the truststore type must be PEM or PKCS12"));
}

TEST_F(SecuritySettingsTest, JavaKeyStoresAreRefusedWithTheCommandsThatConvertThem) {
  translate({{"security.protocol", "SSL"},
             {"ssl.truststore.type", "JKS"},
             {"ssl.truststore.location", "/etc/kafka/client.truststore.jks"}});
  EXPECT_THAT(
      errors(),
      AllOf(HasSubstr("consumer.ssl.truststore.type = \"JKS\": librdkafka cannot read Java "
                      "KeyStores (JKS)"),
            HasSubstr("keytool -importkeystore -srckeystore "
                      "/etc/kafka/client.truststore.jks -srcstoretype JKS -destkeystore "
                      "/etc/kafka/client.truststore.p12 -deststoretype PKCS12"),
            HasSubstr("set consumer.ssl.truststore.location=/etc/kafka/client.truststore.p12 "
                      "and consumer.ssl.truststore.type=PKCS12")));
  // No type given, but the file name says JKS (Java's default type).
  translate({}, {{"security.protocol", "SSL"},
                 {"ssl.keystore.location", "/k/client.keystore.jks"},
                 {"ssl.keystore.password", "pw"}});
  EXPECT_THAT(errors(), AllOf(HasSubstr("consumer.override.ssl.keystore.location"),
                              HasSubstr("openssl pkcs12 -in /k/client.keystore.p12 -nokeys")));
}

TEST_F(SecuritySettingsTest, Pkcs12AndPemKeystores) {
  auto p12 = translate({{"security.protocol", "SSL"},
                        {"ssl.keystore.type", "PKCS12"},
                        {"ssl.keystore.location", "/etc/tls/user.p12"},
                        {"ssl.keystore.password", "storepw"},
                        {"ssl.key.password", "keypw"}});
  // kconnect reads the store; librdkafka gets its content from material_properties().
  EXPECT_EQ(property(p12, "ssl.keystore.location"), "<unset>");
  EXPECT_EQ(property(p12, "ssl.keystore.password"), "<unset>");
  EXPECT_EQ(property(p12, "ssl.key.password"), "<unset>");
  EXPECT_EQ(p12.material.keystore.file, "/etc/tls/user.p12");
  EXPECT_EQ(p12.material.keystore_password, "storepw");
  EXPECT_THAT(warnings(), HasSubstr("consumer.ssl.key.password = \"[hidden]\": ignored: a PKCS#12 "
                                    "keystore and its key open with ssl.keystore.password"));

  auto pem = translate({{"security.protocol", "SSL"},
                        {"ssl.keystore.type", "PEM"},
                        {"ssl.keystore.location", "/etc/tls/user.pem"},
                        {"ssl.key.password", "keypw"}});
  EXPECT_EQ(property(pem, "ssl.certificate.location"), "/etc/tls/user.pem");
  EXPECT_EQ(property(pem, "ssl.key.location"), "/etc/tls/user.pem");
  EXPECT_EQ(property(pem, "ssl.key.password"), "keypw");
  EXPECT_EQ(pem.material.files().size(), 1u);
  EXPECT_EQ(errors(), "{}");

  translate({{"security.protocol", "SSL"},
             {"ssl.keystore.type", "PEM"},
             {"ssl.keystore.location", "/etc/tls/user.pem"},
             {"ssl.keystore.password", "pw"}});
  EXPECT_THAT(errors(), HasSubstr("SSL key store password cannot be specified with PEM format"));
}

TEST_F(SecuritySettingsTest, InlinePemMapsToLibrdkafkasPemProperties) {
  std::string cert = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
  auto s = translate({{"security.protocol", "SSL"},
                      {"ssl.truststore.type", "PEM"},
                      {"ssl.truststore.certificates", cert},
                      {"ssl.keystore.type", "PEM"},
                      {"ssl.keystore.certificate.chain", cert},
                      {"ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"}});
  EXPECT_EQ(property(s, "ssl.ca.pem"), cert);
  EXPECT_EQ(property(s, "ssl.certificate.pem"), cert);
  EXPECT_EQ(property(s, "ssl.key.pem"), "-----BEGIN PRIVATE KEY-----");
  EXPECT_EQ(s.material.certificate.text, cert);
  EXPECT_EQ(errors(), "{}");
  EXPECT_EQ(warnings(), "{}");

  // A chain (leaf + intermediate) inline: librdkafka before 2.8.0 sends only the leaf.
  translate({{"security.protocol", "SSL"},
             {"ssl.keystore.certificate.chain", cert + cert},
             {"ssl.keystore.key", "k"}});
  EXPECT_THAT(warnings(), HasSubstr("librdkafka 2.0.2 sends only the first certificate"));
  translate({{"security.protocol", "SSL"},
             {"ssl.keystore.certificate.chain", cert + cert},
             {"ssl.keystore.key", "k"}},
            {}, trixie());
  EXPECT_EQ(warnings(), "{}");

  translate({{"security.protocol", "SSL"}, {"ssl.keystore.certificate.chain", cert}});
  EXPECT_THAT(errors(), HasSubstr("a client certificate needs its private key"));
  translate({{"security.protocol", "SSL"},
             {"ssl.truststore.location", "/a.pem"},
             {"ssl.truststore.certificates", cert}});
  EXPECT_THAT(errors(), HasSubstr("consumer.ssl.truststore.location and "
                                  "consumer.ssl.truststore.certificates are alternatives"));
}

TEST_F(SecuritySettingsTest, LibrdkafkaNamesPassThroughAndAreWatched) {
  auto s = translate({{"security.protocol", "SSL"},
                      {"ssl.ca.location", "/etc/tls/ca.crt"},
                      {"ssl.certificate.location", "/etc/tls/tls.crt"},
                      {"ssl.key.location", "/etc/tls/tls.key"},
                      {"ssl.curves.list", "P-256"}});
  EXPECT_EQ(property(s, "ssl.certificate.location"), "/etc/tls/tls.crt");
  EXPECT_EQ(property(s, "ssl.curves.list"), "P-256");
  EXPECT_EQ(s.material.files(),
            (std::vector<std::string>{"/etc/tls/ca.crt", "/etc/tls/tls.crt", "/etc/tls/tls.key"}));
}

TEST_F(SecuritySettingsTest, EndpointIdentificationAndCipherSuites) {
  EXPECT_EQ(property(translate({{"security.protocol", "SSL"},
                                {"ssl.endpoint.identification.algorithm", ""}}),
                     "ssl.endpoint.identification.algorithm"),
            "none");
  EXPECT_EQ(property(translate({{"security.protocol", "SSL"},
                                {"ssl.endpoint.identification.algorithm", "HTTPS"}}),
                     "ssl.endpoint.identification.algorithm"),
            "https");
  translate({{"security.protocol", "SSL"}, {"ssl.endpoint.identification.algorithm", "dns"}});
  EXPECT_THAT(errors(), HasSubstr("allowed are https"));

  auto s =
      translate({{"security.protocol", "SSL"},
                 {"ssl.cipher.suites",
                  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
                  "TLS_AES_256_GCM_SHA384"}});
  EXPECT_EQ(property(s, "ssl.cipher.suites"),
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_THAT(warnings(),
              HasSubstr("TLS 1.3 suites (TLS_AES_256_GCM_SHA384) cannot be restricted"));
  EXPECT_EQ(property(translate({{"security.protocol", "SSL"},
                                {"ssl.cipher.suites", "ECDHE-RSA-AES256-GCM-SHA384"}}),
                     "ssl.cipher.suites"),
            "ECDHE-RSA-AES256-GCM-SHA384");
  translate({{"security.protocol", "SSL"}, {"ssl.cipher.suites", "TLS_MADE_UP_SUITE"}});
  EXPECT_THAT(errors(), HasSubstr("unknown cipher suite 'TLS_MADE_UP_SUITE'"));
}

TEST_F(SecuritySettingsTest, JavaOnlyAndUnusedKeysAreWarnings) {
  auto s = translate({{"security.protocol", "SSL"},
                      {"ssl.protocol", "TLSv1.3"},
                      {"ssl.keymanager.algorithm", "SunX509"}});
  EXPECT_EQ(property(s, "ssl.protocol"), "<unset>");
  EXPECT_THAT(warnings(), AllOf(HasSubstr("consumer.ssl.protocol = \"TLSv1.3\": ignored"),
                                HasSubstr("consumer.ssl.keymanager.algorithm")));
  auto plain = translate({{"ssl.truststore.location", "/ca.pem"}, {"sasl.mechanism", "PLAIN"}});
  EXPECT_TRUE(plain.properties.empty());
  EXPECT_THAT(warnings(), AllOf(HasSubstr("ignored: security.protocol is PLAINTEXT, which uses no "
                                          "TLS"),
                                HasSubstr("which uses no SASL")));
  EXPECT_EQ(errors(), "{}");
}

TEST_F(SecuritySettingsTest, PlainAndScramFromJaasWithSecretsHidden) {
  auto s = translate({{"security.protocol", "SASL_SSL"},
                      {"sasl.mechanism", "SCRAM-SHA-512"},
                      {"sasl.jaas.config",
                       "org.apache.kafka.common.security.scram.ScramLoginModule required "
                       "username=\"alice\" password=\"alice-secret\";"}});
  EXPECT_EQ(s.mechanism, "SCRAM-SHA-512");
  EXPECT_EQ(property(s, "sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(property(s, "sasl.username"), "alice");
  EXPECT_EQ(property(s, "sasl.password"), "alice-secret");
  EXPECT_EQ(display(s, "sasl.password"), "consumer.sasl.jaas.config");
  EXPECT_EQ(errors(), "{}");
  // The SCRAM nonce warning names the librdkafka version; a fixed librdkafka says nothing.
  EXPECT_THAT(warnings(), HasSubstr("librdkafka 2.0.2 repeats the client nonce in SCRAM's "
                                    "client-final message (fixed in 2.6.1"));
  translate({{"security.protocol", "SASL_SSL"},
             {"sasl.mechanism", "SCRAM-SHA-256"},
             {"sasl.jaas.config", "x.ScramLoginModule required username=a password=b;"}},
            {}, trixie());
  EXPECT_EQ(warnings(), "{}");

  // A JAAS error shows the key and [hidden], never the password.
  translate(
      {{"security.protocol", "SASL_SSL"},
       {"sasl.mechanism", "PLAIN"},
       {"sasl.jaas.config", "x.PlainLoginModule required username=\"a\" password=\"hunter2\""}});
  EXPECT_THAT(errors(), AllOf(HasSubstr("consumer.sasl.jaas.config = \"[hidden]\": JAAS config "
                                        "entry not terminated by semi-colon"),
                              Not(HasSubstr("hunter2"))));
}

TEST_F(SecuritySettingsTest, AzureEventHubsConnectionString) {
  auto s =
      translate({{"security.protocol", "SASL_SSL"},
                 {"sasl.mechanism", "PLAIN"},
                 {"sasl.jaas.config",
                  "org.apache.kafka.common.security.plain.PlainLoginModule required "
                  "username=\"$ConnectionString\" "
                  "password=\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
                  "SharedAccessKey=k=\";"}});
  EXPECT_EQ(property(s, "sasl.username"), "$ConnectionString");
  EXPECT_EQ(property(s, "sasl.password"),
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=k=");
  EXPECT_EQ(errors(), "{}");
}

TEST_F(SecuritySettingsTest, MechanismAndLoginModuleMustAgree) {
  translate({{"security.protocol", "SASL_SSL"},
             {"sasl.jaas.config", "x.PlainLoginModule required username=a password=b;"}});
  EXPECT_THAT(errors(), HasSubstr("PlainLoginModule is for SASL mechanism PLAIN, but the mechanism "
                                  "is GSSAPI (the default, as sasl.mechanism is not set): set "
                                  "consumer.sasl.mechanism"));
  translate({{"security.protocol", "SASL_SSL"}, {"sasl.mechanism", "SCRAM-SHA-256"}},
            {{"sasl.jaas.config", "x.PlainLoginModule required username=a password=b;"}});
  EXPECT_THAT(errors(), HasSubstr("consumer.override.sasl.jaas.config = \"[hidden]\": "
                                  "PlainLoginModule is for SASL mechanism PLAIN, but the mechanism "
                                  "is SCRAM-SHA-256: set consumer.override.sasl.mechanism"));
  translate({{"security.protocol", "SASL_SSL"}, {"sasl.mechanism", "AWS_MSK_IAM"}});
  EXPECT_THAT(errors(), HasSubstr("AWS MSK IAM authentication is Java-only"));
  translate({{"security.protocol", "SASL_SSL"},
             {"sasl.mechanism", "PLAIN"},
             {"sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;"}});
  EXPECT_THAT(errors(), HasSubstr("login module software.amazon.msk.auth.iam.IAMLoginModule cannot "
                                  "be translated"));
  translate({{"security.protocol", "SASL_SSL"},
             {"sasl.mechanism", "PLAIN"},
             {"sasl.jaas.config",
              "x.PlainLoginModule required username=a password=b; "
              "x.PlainLoginModule required username=c password=d;"}});
  EXPECT_THAT(errors(), HasSubstr("contains 2 login modules, should be 1 module"));
}

TEST_F(SecuritySettingsTest, CredentialsAreRequiredAndNotSetTwice) {
  translate({{"security.protocol", "SASL_PLAINTEXT"}, {"sasl.mechanism", "PLAIN"}});
  EXPECT_THAT(errors(), HasSubstr("SASL mechanism PLAIN needs a user name and a password"));
  auto native = translate({{"security.protocol", "SASL_PLAINTEXT"},
                           {"sasl.mechanisms", "PLAIN"},
                           {"sasl.username", "u"},
                           {"sasl.password", "p"}});
  EXPECT_EQ(errors(), "{}");
  EXPECT_EQ(property(native, "sasl.username"), "u");
  translate({{"security.protocol", "SASL_PLAINTEXT"},
             {"sasl.mechanism", "PLAIN"},
             {"sasl.username", "u"},
             {"sasl.jaas.config", "x.PlainLoginModule required username=a password=b;"}});
  EXPECT_THAT(errors(), HasSubstr("consumer.sasl.username = \"u\": conflicts with "
                                  "consumer.sasl.jaas.config"));
}

TEST_F(SecuritySettingsTest, KerberosWhenTheBuildHasIt) {
  auto s = translate({{"security.protocol", "SASL_SSL"},
                      {"sasl.mechanism", "GSSAPI"},
                      {"sasl.kerberos.service.name", "kafka"},
                      {"sasl.kerberos.kinit.cmd", "/usr/bin/kinit"},
                      {"sasl.jaas.config",
                       "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true "
                       "storeKey=true keyTab=\"/etc/security/kafka.keytab\" "
                       "principal=\"connect@EXAMPLE.COM\";"}});
  EXPECT_EQ(errors(), "{}");
  EXPECT_EQ(warnings(), "{}");
  EXPECT_EQ(property(s, "sasl.mechanisms"), "GSSAPI");
  EXPECT_EQ(property(s, "sasl.kerberos.keytab"), "/etc/security/kafka.keytab");
  EXPECT_EQ(property(s, "sasl.kerberos.principal"), "connect@EXAMPLE.COM");
  EXPECT_EQ(property(s, "sasl.kerberos.service.name"), "kafka");
  EXPECT_THAT(property(s, "sasl.kerberos.kinit.cmd"),
              HasSubstr("/usr/bin/kinit -R -t \"%{sasl.kerberos.keytab}\""));

  translate({{"security.protocol", "SASL_SSL"},
             {"sasl.mechanism", "GSSAPI"},
             {"sasl.jaas.config", "x.Krb5LoginModule required useTicketCache=true;"}});
  EXPECT_THAT(errors(), HasSubstr("useTicketCache=true and no keytab cannot be translated"));

  auto no_gssapi = bookworm();
  no_gssapi.features = {"ssl", "sasl_plain"};
  translate({{"security.protocol", "SASL_SSL"}, {"sasl.mechanism", "GSSAPI"}}, {}, no_gssapi);
  EXPECT_THAT(errors(), HasSubstr("SASL mechanism GSSAPI is not supported by this librdkafka "
                                  "build (2.0.2, builtin.features: ssl,sasl_plain)"));
}

TEST_F(SecuritySettingsTest, OAuthBearerUnsecuredJwtForTests) {
  auto s = translate(
      {{"security.protocol", "SASL_PLAINTEXT"},
       {"sasl.mechanism", "OAUTHBEARER"},
       {"sasl.jaas.config",
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
        "unsecuredLoginStringClaim_sub=\"alice\" unsecuredLoginListClaim_scope=\",read,write\" "
        "unsecuredLoginLifetimeSeconds=\"600\" unsecuredLoginExtension_traceId=\"abc\";"}});
  EXPECT_EQ(errors(), "{}");
  EXPECT_EQ(property(s, "enable.sasl.oauthbearer.unsecure.jwt"), "true");
  EXPECT_EQ(property(s, "sasl.oauthbearer.config"),
            "principal=alice scope=read,write lifeSeconds=600 extension_traceId=abc");
  translate({{"security.protocol", "SASL_PLAINTEXT"},
             {"sasl.mechanism", "OAUTHBEARER"},
             {"sasl.jaas.config",
              "x.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=a "
              "unsecuredLoginNumberClaim_n=1;"}});
  EXPECT_THAT(errors(), HasSubstr("option unsecuredLoginNumberClaim_n cannot be translated"));
  translate({{"security.protocol", "SASL_PLAINTEXT"}, {"sasl.mechanism", "OAUTHBEARER"}});
  EXPECT_THAT(errors(), HasSubstr("OAUTHBEARER needs sasl.jaas.config"));
}

TEST_F(SecuritySettingsTest, OAuthBearerOidcNeedsABuildWithIt) {
  api::RawConfig oidc = {
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanism", "OAUTHBEARER"},
      {"sasl.login.callback.handler.class",
       "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler"},
      {"sasl.oauthbearer.token.endpoint.url", "https://idp.example.com/oauth2/token"},
      {"sasl.jaas.config",
       "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
       "clientId=\"connect\" clientSecret=\"s3cret\" scope=\"kafka\" "
       "extension_logicalCluster=\"lkc-1\";"}};
  translate(oidc);
  EXPECT_THAT(errors(), HasSubstr("OAUTHBEARER with a token endpoint (OIDC) is not supported by "
                                  "this librdkafka build (2.0.2): it was built without libcurl"));
  auto s = translate(oidc, {}, trixie());
  EXPECT_EQ(errors(), "{}");
  EXPECT_EQ(property(s, "sasl.oauthbearer.method"), "oidc");
  EXPECT_EQ(property(s, "sasl.oauthbearer.token.endpoint.url"),
            "https://idp.example.com/oauth2/token");
  EXPECT_EQ(property(s, "sasl.oauthbearer.client.id"), "connect");
  EXPECT_EQ(property(s, "sasl.oauthbearer.client.secret"), "s3cret");
  EXPECT_EQ(property(s, "sasl.oauthbearer.scope"), "kafka");
  EXPECT_EQ(property(s, "sasl.oauthbearer.extensions"), "logicalCluster=lkc-1");
}

TEST_F(SecuritySettingsTest, JavaClassesAreRefused) {
  translate({{"security.protocol", "SASL_SSL"},
             {"sasl.mechanism", "PLAIN"},
             {"sasl.client.callback.handler.class", "com.example.Handler"},
             {"sasl.jaas.config", "x.PlainLoginModule required username=a password=b;"}});
  EXPECT_THAT(errors(), HasSubstr("consumer.sasl.client.callback.handler.class = "
                                  "\"com.example.Handler\": Java classes cannot run in kconnect"));
}

}  // namespace
}  // namespace kc::config::security
