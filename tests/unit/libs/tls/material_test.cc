// Loading and validating TLS material with real OpenSSL certificates (tests/support/test_certs.h).

#include "libs/tls/material.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/tls/expiry.h"
#include "libs/tls/probe.h"
#include "libs/tls/validate.h"
#include "tests/support/files.h"
#include "tests/support/test_certs.h"

namespace kc::tls {
namespace {

using kc::testing::CertAndKey;
using kc::testing::TestCa;
using ::testing::HasSubstr;

class TlsMaterialTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    auto path = dir_.file(name);
    kc::testing::write_file(path, content);
    return path;
  }

  MaterialSource pem_source(const CertAndKey& client, const std::string& ca_pem) {
    return {.trust = {.label = "ssl.ca.location", .file = write("ca.pem", ca_pem)},
            .certificate = {.label = "ssl.certificate.location",
                            .file = write("client.pem", client.cert_pem)},
            .key = {.label = "ssl.key.location", .file = write("client.key", client.key_pem)}};
  }

  // Loads and validates; returns the error message, or "" when the material is usable.
  std::string problem(const MaterialSource& source, ValidationOptions options = {}) {
    auto snapshot = read_inputs(source);
    if (!snapshot) return snapshot.error().message();
    auto material = load_material(source, *snapshot);
    if (!material) return material.error().message();
    auto report = validate(**material, options);
    if (!report) return report.error().message();
    warnings_ = report->warnings;
    return "";
  }

  kc::testing::TempDir dir_;
  TestCa ca_ = TestCa::create("material-ca");
  CertAndKey client_ = ca_.issue({.common_name = "client", .server_auth = false});
  std::vector<std::string> warnings_;
};

TEST_F(TlsMaterialTest, PemChainKeyAndCaLoadAndValidate) {
  auto source = pem_source(client_, ca_.cert_pem());
  auto snapshot = read_inputs(source);
  ASSERT_TRUE(snapshot) << snapshot.error().to_string();
  auto material = load_material(source, *snapshot);
  ASSERT_TRUE(material) << material.error().to_string();
  EXPECT_EQ((*material)->trusted.size(), 1u);
  ASSERT_EQ((*material)->chain.size(), 1u);
  EXPECT_EQ((*material)->chain.front().subject(), "CN=client");
  ASSERT_EQ((*material)->expiries.size(), 2u);  // the CA file and the certificate file
  EXPECT_EQ((*material)->expiries[1].file, source.certificate.file);
  EXPECT_EQ(problem(source), "");
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(TlsMaterialTest, DigestChangesWithContentOnly) {
  auto source = pem_source(client_, ca_.cert_pem());
  auto first = read_inputs(source);
  write("client.pem", client_.cert_pem);  // same bytes again
  auto second = read_inputs(source);
  auto other = ca_.issue({.common_name = "client", .server_auth = false});
  write("client.pem", other.cert_pem);
  auto third = read_inputs(source);
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->digest, second->digest);
  EXPECT_NE(first->digest, third->digest);
}

TEST_F(TlsMaterialTest, KeyThatDoesNotMatchTheCertificateIsRefused) {
  CertAndKey mismatched{client_.cert_pem, kc::testing::new_key_pem()};
  EXPECT_THAT(problem(pem_source(mismatched, ca_.cert_pem())),
              HasSubstr("ssl.key.location (" + dir_.file("client.key") +
                        "): the private key does not match certificate 'CN=client'"));
}

TEST_F(TlsMaterialTest, ExpiredAndNotYetValidCertificatesAreRefusedWithTheirDates) {
  auto expired = ca_.issue({.common_name = "old", .valid_from_days = -10, .valid_days = 5});
  EXPECT_THAT(problem(pem_source(expired, ca_.cert_pem())),
              HasSubstr("certificate 'CN=old' expired at 20"));
  auto future = ca_.issue({.common_name = "new", .valid_from_days = 2, .valid_days = 5});
  EXPECT_THAT(problem(pem_source(future, ca_.cert_pem())),
              HasSubstr("certificate 'CN=new' is not valid before 20"));
}

TEST_F(TlsMaterialTest, EncryptedKeysNeedTheirPassword) {
  CertAndKey encrypted{client_.cert_pem, kc::testing::encrypt_key_pem(client_.key_pem, "s3cret")};
  auto source = pem_source(encrypted, ca_.cert_pem());
  EXPECT_THAT(problem(source), HasSubstr("encrypted and no key password is set"));
  source.key_password = "wrong";
  EXPECT_THAT(problem(source), HasSubstr("wrong key password"));
  source.key_password = "s3cret";
  EXPECT_EQ(problem(source), "");
}

TEST_F(TlsMaterialTest, CertificateAndKeyInOneFileAsJavaPemKeystores) {
  auto both = write("keystore.pem", client_.key_pem + client_.cert_pem);
  MaterialSource source{.certificate = {.label = "ssl.keystore.location", .file = both},
                        .key = {.label = "ssl.keystore.location", .file = both}};
  EXPECT_EQ(source.files().size(), 1u);
  EXPECT_EQ(problem(source), "");
}

TEST_F(TlsMaterialTest, Pkcs12KeystoreAndTruststore) {
  MaterialSource source{
      .trust = {.label = "ssl.truststore.location",
                .file = write("trust.p12",
                              kc::testing::make_pkcs12_truststore({ca_.cert_pem()}, "trustpw"))},
      .trust_type = StoreType::kPkcs12,
      .trust_password = "trustpw",
      .keystore = {.label = "ssl.keystore.location",
                   .file = write("client.p12",
                                 kc::testing::make_pkcs12(client_, ca_.cert_pem(), "storepw"))},
      .keystore_password = "storepw"};
  EXPECT_EQ(problem(source), "");
  auto material = load_material(source, *read_inputs(source));
  ASSERT_TRUE(material);
  EXPECT_EQ((*material)->trusted_pem(), ca_.cert_pem());
  EXPECT_EQ((*material)->chain.front().subject(), "CN=client");

  source.keystore_password = "nope";
  auto wrong = load_material(source, *read_inputs(source));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), Errc::kPermissionDenied);
  EXPECT_THAT(wrong.error().message(),
              HasSubstr("ssl.keystore.location (" + source.keystore.file + "): wrong password"));
}

TEST_F(TlsMaterialTest, JavaKeyStoresAreRecognisedByTheirMagicNumber) {
  std::string jks("\xFE\xED\xFE\xED\x00\x00\x00\x02", 8);
  EXPECT_EQ(sniff_format(jks), Format::kJks);
  EXPECT_EQ(sniff_format(std::string("\xCE\xCE\xCE\xCE", 4)), Format::kJceks);
  EXPECT_EQ(sniff_format("\n-----BEGIN CERTIFICATE-----"), Format::kPem);
  EXPECT_EQ(sniff_format(kc::testing::make_pkcs12(client_, "", "pw")), Format::kPkcs12);
  MaterialSource source{
      .keystore = {.label = "ssl.keystore.location", .file = write("ks.jks", jks)}};
  auto material = load_material(source, *read_inputs(source));
  ASSERT_FALSE(material);
  EXPECT_EQ(material.error().code(), Errc::kUnsupported);
  EXPECT_THAT(material.error().message(), HasSubstr("is a Java KeyStore (JKS)"));
}

TEST_F(TlsMaterialTest, UnreadableAndEmptyFilesNameTheirKey) {
  MaterialSource missing{.trust = {.label = "ssl.ca.location", .file = dir_.file("nope.pem")}};
  EXPECT_THAT(problem(missing), HasSubstr("ssl.ca.location (" + dir_.file("nope.pem") +
                                          "): cannot read the file: No such file"));
  MaterialSource empty{.trust = {.label = "ssl.ca.location", .file = write("empty.pem", "")}};
  EXPECT_THAT(problem(empty), HasSubstr("no PEM certificate found"));
}

TEST_F(TlsMaterialTest, ChainThroughAnIntermediateVerifiesAgainstTheRoot) {
  auto intermediate = ca_.intermediate("intermediate");
  auto leaf = intermediate.issue({.common_name = "leaf", .server_auth = false});
  CertAndKey with_chain{leaf.cert_pem + intermediate.cert_pem(), leaf.key_pem};
  EXPECT_EQ(problem(pem_source(with_chain, ca_.cert_pem())), "");
  EXPECT_TRUE(warnings_.empty());

  // Without the intermediate the issuer is unknown to the bundle: a warning, or an error when
  // the chain is required to reach a trusted CA.
  EXPECT_EQ(problem(pem_source(leaf, ca_.cert_pem())), "");
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_THAT(warnings_[0], HasSubstr("issuer 'CN=intermediate' of the client certificate is not "
                                      "among the CA certificates"));
  EXPECT_THAT(problem(pem_source(leaf, ca_.cert_pem()), {.require_chain_to_trusted = true}),
              HasSubstr("the broker must trust it"));

  // Out of order: the intermediate first.
  CertAndKey reversed{intermediate.cert_pem() + leaf.cert_pem, leaf.key_pem};
  EXPECT_THAT(problem(pem_source(reversed, ca_.cert_pem())), HasSubstr("does not match"));
  auto other = TestCa::create("other");
  CertAndKey broken{leaf.cert_pem + other.cert_pem(), leaf.key_pem};
  EXPECT_THAT(problem(pem_source(broken, ca_.cert_pem())),
              HasSubstr("the chain is broken: certificate 'CN=leaf' (position 1) was not issued "
                        "by certificate 'CN=other'"));
}

TEST_F(TlsMaterialTest, AClientCertificateFromAnotherCaIsAWarningNotAnError) {
  auto other = TestCa::create("clients-ca");
  auto client = other.issue({.common_name = "strimzi-user", .server_auth = false});
  EXPECT_EQ(problem(pem_source(client, ca_.cert_pem())), "");
  EXPECT_EQ(warnings_.size(), 1u);
}

TEST_F(TlsMaterialTest, ServerOnlyCertificatesCannotAuthenticateAClient) {
  auto server = ca_.issue({.common_name = "server-only", .client_auth = false});
  EXPECT_THAT(problem(pem_source(server, ca_.cert_pem())),
              HasSubstr("may not be used for TLS client authentication"));
}

TEST_F(TlsMaterialTest, ABundleWithOnlyExpiredCasIsRefused) {
  MaterialSource trust_only{
      .trust = {.label = "ssl.ca.location", .file = write("ca.pem", ca_.cert_pem())}};
  auto later = std::chrono::system_clock::now() + std::chrono::hours(24 * 400);
  EXPECT_THAT(problem(trust_only, {.now = later}), HasSubstr("no CA certificate in it is inside"));
}

TEST_F(TlsMaterialTest, ExpiryWarningsAndTheExpiryMetric) {
  auto soon = ca_.issue({.common_name = "soon", .valid_days = 4, .server_auth = false});
  auto source = pem_source(soon, ca_.cert_pem());
  auto material = load_material(source, *read_inputs(source));
  ASSERT_TRUE(material);
  auto now = std::chrono::system_clock::now();
  auto warnings = expiring_soon((*material)->expiries, now, kDefaultExpiryWarning);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].message(),
              HasSubstr("certificate 'CN=soon' in ssl.certificate.location (" +
                        source.certificate.file + ") expires at"));
  EXPECT_THAT(warnings[0].message(), HasSubstr("(in 2 days)"));
  EXPECT_TRUE(expiring_soon((*material)->expiries, now, std::chrono::hours(24)).empty());

  metrics::Registry registry;
  {
    ExpiryProbe probe(registry, "orders");
    probe.update((*material)->expiries);
    auto text = registry.expose();
    auto not_after = std::chrono::duration_cast<std::chrono::seconds>(
                         (*material)->expiries[1].not_after.time_since_epoch())
                         .count();
    EXPECT_THAT(text, HasSubstr(fmt::format(
                          "kconnect_tls_certificate_expiry_timestamp_seconds{{connector=\"orders\","
                          "file=\"{}\"}} {}",
                          source.certificate.file, not_after)))
        << text;
    probe.update({(*material)->expiries[0]});  // the certificate file is no longer used
    EXPECT_EQ(registry.expose().find(source.certificate.file), std::string::npos);
  }
  EXPECT_EQ(registry.expose().find("connector=\"orders\""), std::string::npos);
}

}  // namespace
}  // namespace kc::tls
