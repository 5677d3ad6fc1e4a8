#pragma once

// OpenSSL helpers of libs/tls: memory BIOs, SHA-256, and the handles of libs/ossl (each wrapped
// once with its deleter) under the names libs/tls uses. Never free OpenSSL objects by hand.
//
// Threading: the handles are plain owning pointers (not shared between threads unless const and
// documented so by the owner); take_openssl_errors() works on the calling thread's error queue.

#include <memory>
#include <string>
#include <string_view>

#include "libs/ossl/ossl.h"

namespace kc::tls {

// The handles of libs/ossl, by the names this library has always used.
using ossl::BioPtr;
using ossl::MdCtxPtr;
using ossl::Pkcs12Ptr;
using ossl::PkeyPtr;
using ossl::take_openssl_errors;
using ossl::X509ExtensionPtr;
using ossl::X509Ptr;
using ossl::X509StackPtr;
using ossl::X509StoreCtxPtr;
using ossl::X509StorePtr;

// A read-only memory BIO over `bytes` (which must outlive it).
BioPtr memory_bio(std::string_view bytes);
// The bytes written to a memory BIO.
std::string bio_contents(BIO* bio);

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace kc::tls
