#pragma once

// OpenSSL's C handles, each wrapped once with its deleter, and the error-queue helper: the one
// place every OpenSSL caller (libs/http, libs/tls, the operator, the test fakes) takes them from.
//
// Threading: the handles are plain owning pointers; take_openssl_errors() works on the calling
// thread's error queue.

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace kc::ossl {

struct Deleter {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(PKCS12* p) const { PKCS12_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(SSL* p) const { SSL_free(p); }  // and the BIOs set on it
};

using BioPtr = std::unique_ptr<BIO, Deleter>;
using X509Ptr = std::unique_ptr<X509, Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Deleter>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter>;
// Owns the stack and every certificate in it.
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter>;
using SslPtr = std::unique_ptr<SSL, Deleter>;

// Drains this thread's OpenSSL error queue into "reason; reason" (empty when it was empty).
std::string take_openssl_errors();

}  // namespace kc::ossl
