#include "tests/support/test_certs.h"

#include <memory>

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace kc::testing {
namespace {

X509* parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

int verify(const std::string& ca_pem, const std::string& leaf_pem) {
  X509* ca = parse(ca_pem);
  X509* leaf = parse(leaf_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  int ok = X509_verify_cert(ctx);
  int err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(leaf);
  X509_free(ca);
  return err;
}

TEST(TestCertsTest, IssuedCertificateVerifiesAgainstItsCaOnly) {
  auto ca = TestCa::create("ca-1");
  auto other = TestCa::create("ca-2");
  auto leaf = ca.issue({.common_name = "localhost", .ip_sans = {"127.0.0.1"}});
  EXPECT_EQ(verify(ca.cert_pem(), leaf.cert_pem), X509_V_OK);
  EXPECT_NE(verify(other.cert_pem(), leaf.cert_pem), X509_V_OK);
}

TEST(TestCertsTest, ExpiredCertificateFailsVerification) {
  auto ca = TestCa::create("ca");
  auto leaf = ca.issue({.common_name = "old", .valid_from_days = -10, .valid_days = 5});
  EXPECT_EQ(verify(ca.cert_pem(), leaf.cert_pem), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST(TestCertsTest, EncryptedKeyAndPkcs12AreProduced) {
  auto ca = TestCa::create("ca");
  auto leaf = ca.issue({});
  auto enc = encrypt_key_pem(leaf.key_pem, "secret");
  EXPECT_NE(enc.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_GT(make_pkcs12(leaf, ca.cert_pem(), "secret").size(), 100u);
}

}  // namespace
}  // namespace kc::testing
