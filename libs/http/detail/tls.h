#pragma once

// Internal: OpenSSL contexts for the server and the client. Include from libs/http/*.cc only.

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "libs/base/error.h"
#include "libs/ossl/ossl.h"

namespace kc::http::detail {

// An SSL_CTX is immutable once built here; SSL objects made from it on any thread share it.
using ossl::SslCtxPtr;
using ossl::take_openssl_errors;

// PEM material given either as a file path or inline. Both empty means "not given".
struct PemSource {
  std::string file;
  std::string pem;
  bool given() const { return !file.empty() || !pem.empty(); }
};

struct ServerTlsMaterial {
  PemSource cert;  // leaf first, then intermediates
  PemSource key;
  PemSource client_ca;  // verify client certificates against these
  bool require_client_cert = false;
};

struct ClientTlsMaterial {
  PemSource ca;  // neither file nor PEM: the system trust store
  PemSource cert;
  PemSource key;
  bool insecure_skip_verify = false;
};

// TLS 1.2+ contexts. Errors (kInvalidConfig) name the file or "inline PEM" and the OpenSSL reason.
Result<SslCtxPtr> make_server_ctx(const ServerTlsMaterial& material);
Result<SslCtxPtr> make_client_ctx(const ClientTlsMaterial& material);

// A BIO method over a socket fd that writes with MSG_NOSIGNAL, so a peer that went away never
// raises SIGPIPE. Shared, created once, never freed.
const BIO_METHOD* socket_bio_method();

}  // namespace kc::http::detail
