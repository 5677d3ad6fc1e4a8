#pragma once

// Real X.509 material for tests, made with OpenSSL at test time (EC P-256 keys, SHA-256).
//
//   auto ca = TestCa::create("test-ca");
//   auto server = ca.issue({.common_name = "localhost", .ip_sans = {"127.0.0.1"}});
//   auto expired = ca.issue({.common_name = "client", .valid_from_days = -10, .valid_days = 5});
//
// Nothing here is for production use.

#include <string>
#include <vector>

namespace kc::testing {

struct CertOptions {
  std::string common_name = "localhost";
  std::vector<std::string> dns_sans;
  std::vector<std::string> ip_sans;
  // Validity window relative to now, in days: [now + valid_from_days, that + valid_days].
  int valid_from_days = -1;
  int valid_days = 30;
  bool client_auth = true;  // extendedKeyUsage clientAuth
  bool server_auth = true;  // extendedKeyUsage serverAuth
};

struct CertAndKey {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8, unencrypted
};

class TestCa {
 public:
  static TestCa create(const std::string& common_name, int valid_days = 365);
  // An intermediate CA signed by this one.
  TestCa intermediate(const std::string& common_name) const;

  CertAndKey issue(const CertOptions& options) const;
  const std::string& cert_pem() const { return self_.cert_pem; }
  const std::string& key_pem() const { return self_.key_pem; }

 private:
  CertAndKey self_;
};

// A fresh private key that matches no certificate (for "key does not match" tests).
std::string new_key_pem();
// The same key, PEM-encrypted (PKCS#8, AES-256-CBC) with `password`.
std::string encrypt_key_pem(const std::string& key_pem, const std::string& password);
// A PKCS#12 bundle (DER bytes) with the certificate, key and optional CA chain.
std::string make_pkcs12(const CertAndKey& leaf, const std::string& ca_pem,
                        const std::string& password);

// A PKCS#12 truststore (DER bytes): the CA certificates only, as `keytool -importcert` makes.
std::string make_pkcs12_truststore(const std::vector<std::string>& ca_pems,
                                   const std::string& password);

// Writes `content` to `path` (creating parent directories), aborting the test run on failure.
void write_file(const std::string& path, const std::string& content);

}  // namespace kc::testing
