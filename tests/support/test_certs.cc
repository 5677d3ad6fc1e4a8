#include "tests/support/test_certs.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "libs/tls/openssl.h"

namespace kc::testing {
namespace {

using KeyPtr = tls::PkeyPtr;
using CertPtr = tls::X509Ptr;
using tls::BioPtr;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "test_certs: %s failed\n", what);
  std::abort();
}

KeyPtr generate_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EVP_EC_gen");
  return key;
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
    fail("PEM_write key");
  return bio_to_string(bio.get());
}

std::string cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) fail("PEM_write cert");
  return bio_to_string(bio.get());
}

KeyPtr key_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail("PEM_read key");
  return key;
}

CertPtr cert_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail("PEM_read cert");
  return cert;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  tls::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) fail("X509_add_ext");
}

struct Issued {
  CertPtr cert;
  KeyPtr key;
};

Issued make_cert(const std::string& cn, X509* issuer_cert, EVP_PKEY* issuer_key, bool is_ca,
                 const CertOptions& opts) {
  KeyPtr key = generate_key();
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  constexpr long kDay = 24L * 3600L;
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), opts.valid_from_days * kDay);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), (opts.valid_from_days + opts.valid_days) * kDay);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer = issuer_cert ? issuer_cert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuer_cert) add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  if (is_ca) {
    add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    std::string eku;
    if (opts.server_auth) eku += "serverAuth";
    if (opts.client_auth) eku += eku.empty() ? "clientAuth" : ",clientAuth";
    if (!eku.empty()) add_ext(cert.get(), issuer, NID_ext_key_usage, eku);
    std::string san;
    for (const auto& d : opts.dns_sans) san += (san.empty() ? "" : ",") + ("DNS:" + d);
    for (const auto& ip : opts.ip_sans) san += (san.empty() ? "" : ",") + ("IP:" + ip);
    if (!san.empty()) add_ext(cert.get(), issuer, NID_subject_alt_name, san);
  }
  if (!X509_sign(cert.get(), issuer_key ? issuer_key : key.get(), EVP_sha256())) fail("X509_sign");
  return {std::move(cert), std::move(key)};
}

}  // namespace

TestCa TestCa::create(const std::string& common_name, int valid_days) {
  CertOptions opts;
  opts.valid_days = valid_days;
  auto issued = make_cert(common_name, nullptr, nullptr, true, opts);
  TestCa ca;
  ca.self_ = {cert_to_pem(issued.cert.get()), key_to_pem(issued.key.get())};
  return ca;
}

TestCa TestCa::intermediate(const std::string& common_name) const {
  auto issuer_cert = cert_from_pem(self_.cert_pem);
  auto issuer_key = key_from_pem(self_.key_pem);
  auto issued = make_cert(common_name, issuer_cert.get(), issuer_key.get(), true, CertOptions{});
  TestCa ca;
  ca.self_ = {cert_to_pem(issued.cert.get()), key_to_pem(issued.key.get())};
  return ca;
}

CertAndKey TestCa::issue(const CertOptions& options) const {
  auto issuer_cert = cert_from_pem(self_.cert_pem);
  auto issuer_key = key_from_pem(self_.key_pem);
  auto issued = make_cert(options.common_name, issuer_cert.get(), issuer_key.get(), false, options);
  return {cert_to_pem(issued.cert.get()), key_to_pem(issued.key.get())};
}

std::string new_key_pem() { return key_to_pem(generate_key().get()); }

std::string encrypt_key_pem(const std::string& key_pem, const std::string& password) {
  auto key = key_from_pem(key_pem);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), password.data(),
                                     static_cast<int>(password.size()), nullptr, nullptr)) {
    fail("PEM_write_bio_PKCS8PrivateKey");
  }
  return bio_to_string(bio.get());
}

std::string make_pkcs12(const CertAndKey& leaf, const std::string& ca_pem,
                        const std::string& password) {
  auto cert = cert_from_pem(leaf.cert_pem);
  auto key = key_from_pem(leaf.key_pem);
  STACK_OF(X509)* chain = sk_X509_new_null();
  CertPtr ca;
  if (!ca_pem.empty()) {
    ca = cert_from_pem(ca_pem);
    sk_X509_push(chain, ca.get());
  }
  tls::Pkcs12Ptr p12(
      PKCS12_create(password.c_str(), "kconnect", key.get(), cert.get(), chain, 0, 0, 0, 0, 0));
  sk_X509_free(chain);
  if (!p12) fail("PKCS12_create");
  BioPtr bio(BIO_new(BIO_s_mem()));
  i2d_PKCS12_bio(bio.get(), p12.get());
  return bio_to_string(bio.get());
}

std::string make_pkcs12_truststore(const std::vector<std::string>& ca_pems,
                                   const std::string& password) {
  STACK_OF(X509)* certs = sk_X509_new_null();
  std::vector<CertPtr> owned;
  for (const auto& pem : ca_pems) {
    owned.push_back(cert_from_pem(pem));
    sk_X509_push(certs, owned.back().get());
  }
  tls::Pkcs12Ptr p12(
      PKCS12_create(password.c_str(), nullptr, nullptr, nullptr, certs, 0, 0, 0, 0, 0));
  sk_X509_free(certs);
  if (!p12) fail("PKCS12_create (truststore)");
  BioPtr bio(BIO_new(BIO_s_mem()));
  i2d_PKCS12_bio(bio.get(), p12.get());
  return bio_to_string(bio.get());
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) fail("write_file");
}

}  // namespace kc::testing
