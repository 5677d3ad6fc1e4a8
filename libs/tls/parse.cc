#include "libs/tls/parse.h"

#include <algorithm>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "libs/base/strings.h"

namespace kc::tls {
namespace {

// Supplies the password to OpenSSL and records whether one was asked for, so an encrypted key
// without a password can be told apart from a malformed one.
struct PasswordRequest {
  const std::string* password = nullptr;
  bool asked = false;
};

int password_callback(char* buf, int size, int /*rwflag*/, void* userdata) {
  auto* request = static_cast<PasswordRequest*>(userdata);
  request->asked = true;
  if (request->password == nullptr || request->password->empty()) return 0;
  auto len = std::min(static_cast<size_t>(size), request->password->size());
  std::copy_n(request->password->data(), len, buf);  // OpenSSL takes the length, no NUL
  return static_cast<int>(len);
}

}  // namespace

std::string_view format_name(Format format) {
  switch (format) {
    case Format::kPem:
      return "PEM";
    case Format::kPkcs12:
      return "PKCS#12";
    case Format::kJks:
      return "JKS";
    case Format::kJceks:
      return "JCEKS";
    case Format::kUnknown:
      break;
  }
  return "unknown";
}

Format sniff_format(std::string_view bytes) {
  auto text = strings::trim(bytes);
  if (strings::starts_with(text, "-----BEGIN")) return Format::kPem;
  if (bytes.size() >= 4) {
    auto b = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
    if (b(0) == 0xFE && b(1) == 0xED && b(2) == 0xFE && b(3) == 0xED) return Format::kJks;
    if (b(0) == 0xCE && b(1) == 0xCE && b(2) == 0xCE && b(3) == 0xCE) return Format::kJceks;
    if (b(0) == 0x30) return Format::kPkcs12;
  }
  return Format::kUnknown;
}

Result<std::vector<Certificate>> parse_pem_certificates(std::string_view pem,
                                                        std::string_view what) {
  auto bio = memory_bio(pem);
  std::vector<Certificate> certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(X509Ptr(x));
  }
  // The loop ends on "no start line" at the end of the text; anything else is a broken block.
  unsigned long last = ERR_peek_last_error();
  bool clean_end = last == 0 || ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  std::string errors = take_openssl_errors();
  if (!clean_end) {
    return make_error(Errc::kInvalidConfig, "{}: malformed PEM certificate: {}", what, errors);
  }
  if (certs.empty()) {
    return make_error(Errc::kInvalidConfig,
                      "{}: no PEM certificate found (expected a "
                      "'-----BEGIN CERTIFICATE-----' block)",
                      what);
  }
  return certs;
}

Result<PkeyPtr> parse_pem_private_key(std::string_view pem, const std::string& password,
                                      std::string_view what) {
  auto bio = memory_bio(pem);
  PasswordRequest request{&password};
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, &request));
  std::string errors = take_openssl_errors();
  if (key) return key;
  if (request.asked && password.empty()) {
    return make_error(Errc::kPermissionDenied,
                      "{}: the private key is encrypted and no key password is set", what);
  }
  if (request.asked) {
    return make_error(Errc::kPermissionDenied,
                      "{}: cannot decrypt the private key: wrong key password", what);
  }
  return make_error(Errc::kInvalidConfig,
                    "{}: no PEM private key found (expected a '-----BEGIN PRIVATE KEY-----' or "
                    "'-----BEGIN ENCRYPTED PRIVATE KEY-----' block): {}",
                    what, errors);
}

Result<Pkcs12Contents> parse_pkcs12(std::string_view der, const std::string& password,
                                    std::string_view what) {
  auto bio = memory_bio(der);
  Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) {
    return make_error(Errc::kInvalidConfig, "{}: not a PKCS#12 file: {}", what,
                      take_openssl_errors());
  }
  const char* pass = password.empty() ? nullptr : password.c_str();
  if (PKCS12_mac_present(p12.get()) &&
      PKCS12_verify_mac(p12.get(), pass, pass ? static_cast<int>(password.size()) : 0) != 1 &&
      (pass != nullptr || PKCS12_verify_mac(p12.get(), "", 0) != 1)) {
    ERR_clear_error();
    return make_error(Errc::kPermissionDenied,
                      "{}: wrong password for the PKCS#12 store (its integrity check failed)",
                      what);
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), pass, &key, &cert, &ca) != 1) {
    std::string errors = take_openssl_errors();
    std::string hint;
    if (errors.find("unsupported") != std::string::npos) {
      hint =
          " (the store uses legacy encryption such as RC2 or 3DES, which OpenSSL 3 does not load "
          "by default: re-export it, e.g. `openssl pkcs12 -legacy -in old.p12 -out all.pem` then "
          "`openssl pkcs12 -export -in all.pem -out new.p12`)";
    }
    return make_error(Errc::kInvalidConfig, "{}: cannot read the PKCS#12 store: {}{}", what, errors,
                      hint);
  }
  Pkcs12Contents out;
  out.key.reset(key);
  if (cert) out.leaf.emplace(X509Ptr(cert));
  X509StackPtr stack(ca);
  while (stack && sk_X509_num(stack.get()) > 0) {
    // Popping from the back and inserting at the front keeps the store's order.
    out.others.emplace(out.others.begin(), X509Ptr(sk_X509_pop(stack.get())));
  }
  return out;
}

bool key_matches(const Certificate& certificate, EVP_PKEY* key) {
  bool ok = X509_check_private_key(certificate.get(), key) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace kc::tls
