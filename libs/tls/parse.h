#pragma once

// Reading certificates and keys from bytes: PEM (certificates, PKCS#8 / traditional private keys,
// encrypted or not) and PKCS#12 stores. Java KeyStores (JKS, JCEKS) are recognised by their magic
// number so callers can say what to do instead; OpenSSL cannot read them.
//
// `what` names the input in error messages ("ssl.keystore.location (/etc/tls/client.p12)"); no
// message ever contains key material or a password. Errors: Errc::kInvalidConfig for unreadable or
// wrong material, Errc::kPermissionDenied for a wrong password, Errc::kUnsupported for JKS/JCEKS.
// Threading: free functions, safe from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/tls/certificate.h"
#include "libs/tls/openssl.h"

namespace kc::tls {

enum class Format { kPem, kPkcs12, kJks, kJceks, kUnknown };
std::string_view format_name(Format format);  // "PEM", "PKCS#12", "JKS", "JCEKS", "unknown"

// Recognises a store by its first bytes: "-----BEGIN" (after optional whitespace) is PEM,
// 0xFEEDFEED JKS, 0xCECECECE JCEKS, a DER SEQUENCE (0x30) PKCS#12.
Format sniff_format(std::string_view bytes);

// Every certificate in a PEM text, in order (other PEM blocks, such as a key, are skipped).
// At least one is required.
Result<std::vector<Certificate>> parse_pem_certificates(std::string_view pem,
                                                        std::string_view what);

// The first private key in a PEM text. An encrypted key needs `password`; an unencrypted key
// ignores it.
Result<PkeyPtr> parse_pem_private_key(std::string_view pem, const std::string& password,
                                      std::string_view what);

struct Pkcs12Contents {
  std::optional<Certificate> leaf;  // the certificate matching the key (keystores)
  PkeyPtr key;                      // null in a truststore
  std::vector<Certificate> others;  // chain certificates or trusted certificates
};
// A PKCS#12 (DER) keystore or truststore. The password also opens the key.
Result<Pkcs12Contents> parse_pkcs12(std::string_view der, const std::string& password,
                                    std::string_view what);

// True when `key` is the private key of `certificate`.
bool key_matches(const Certificate& certificate, EVP_PKEY* key);

}  // namespace kc::tls
