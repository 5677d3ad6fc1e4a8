#include "libs/http/detail/tls.h"

#include <cerrno>
#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>

namespace kc::http::detail {
namespace {

static_assert(EAGAIN == EWOULDBLOCK, "Linux: one errno for a would-block socket");

using ossl::BioPtr;
using ossl::PkeyPtr;
using ossl::X509Ptr;

// Never prompt on a terminal for a pass phrase: encrypted keys are refused.
int no_passphrase(char*, int, int, void*) { return 0; }

std::string describe(const PemSource& source) {
  return source.file.empty() ? std::string("inline PEM") : source.file;
}

Result<std::string> load_text(const PemSource& source, std::string_view what) {
  if (source.file.empty()) return source.pem;
  std::ifstream in(source.file, std::ios::binary);
  if (!in) {
    return make_error(Errc::kInvalidConfig, "cannot read {} file {}", what, source.file);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

BioPtr memory_bio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Every certificate in a PEM text, in order.
Result<std::vector<X509Ptr>> read_certs(const PemSource& source, std::string_view what) {
  KC_ASSIGN_OR_RETURN(auto text, load_text(source, what));
  auto bio = memory_bio(text);
  std::vector<X509Ptr> certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr))
    certs.emplace_back(x);
  ERR_clear_error();  // the loop ends with a "no start line" error
  if (certs.empty()) {
    return make_error(Errc::kInvalidConfig, "{} ({}) holds no PEM certificate", what,
                      describe(source));
  }
  return certs;
}

Status use_cert_and_key(SSL_CTX* ctx, const PemSource& cert, const PemSource& key) {
  if (cert.given() != key.given()) {
    return make_error(Errc::kInvalidConfig, "a certificate needs a key and a key a certificate");
  }
  if (!cert.given()) return ok();
  KC_ASSIGN_OR_RETURN(auto chain, read_certs(cert, "certificate"));
  if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1) {
    return make_error(Errc::kInvalidConfig, "certificate ({}) refused: {}", describe(cert),
                      take_openssl_errors());
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    // SSL_CTX_add1_chain_cert, spelled out: the macro casts C-style.
    if (SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, static_cast<void*>(chain[i].get())) != 1) {
      return make_error(Errc::kInvalidConfig, "chain certificate {} of {} refused: {}", i,
                        describe(cert), take_openssl_errors());
    }
  }
  KC_ASSIGN_OR_RETURN(auto key_text, load_text(key, "private key"));
  auto bio = memory_bio(key_text);
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pkey) {
    return make_error(Errc::kInvalidConfig, "private key ({}) unreadable: {}", describe(key),
                      take_openssl_errors());
  }
  if (SSL_CTX_use_PrivateKey(ctx, pkey.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return make_error(Errc::kInvalidConfig, "private key ({}) does not match certificate ({}): {}",
                      describe(key), describe(cert), take_openssl_errors());
  }
  return ok();
}

Status add_trusted(SSL_CTX* ctx, const PemSource& ca, bool advertise_to_clients) {
  KC_ASSIGN_OR_RETURN(auto certs, read_certs(ca, "CA bundle"));
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  for (const auto& cert : certs) {
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      return make_error(Errc::kInvalidConfig, "CA bundle ({}) refused: {}", describe(ca),
                        take_openssl_errors());
    }
    if (advertise_to_clients) SSL_CTX_add_client_CA(ctx, cert.get());
  }
  return ok();
}

Result<SslCtxPtr> new_ctx(const SSL_METHOD* method) {
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) {
    return make_error(Errc::kInternal, "SSL_CTX_new failed: {}", take_openssl_errors());
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // A peer closing without close_notify is an ordinary end of stream for HTTP with framing.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return ctx;
}

int bio_write(BIO* bio, const char* data, int size) {
  int fd = static_cast<int>(BIO_ctrl(bio, BIO_C_GET_FD, 0, nullptr));
  BIO_clear_flags(bio, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY);
  auto n = ::send(fd, data, static_cast<size_t>(size), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) {
      BIO_set_flags(bio, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
    }
    return -1;
  }
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int size) {
  int fd = static_cast<int>(BIO_ctrl(bio, BIO_C_GET_FD, 0, nullptr));
  BIO_clear_flags(bio, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY);
  auto n = ::recv(fd, data, static_cast<size_t>(size), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) {
      BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
    }
    return -1;
  }
  if (n == 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

}  // namespace

Result<SslCtxPtr> make_server_ctx(const ServerTlsMaterial& material) {
  ERR_clear_error();
  KC_ASSIGN_OR_RETURN(auto ctx, new_ctx(TLS_server_method()));
  if (!material.cert.given()) {
    return make_error(Errc::kInvalidConfig, "TLS server needs a certificate and a key");
  }
  KC_RETURN_IF_ERROR(use_cert_and_key(ctx.get(), material.cert, material.key));
  int mode = SSL_VERIFY_NONE;
  if (material.client_ca.given()) {
    KC_RETURN_IF_ERROR(add_trusted(ctx.get(), material.client_ca, true));
    mode = SSL_VERIFY_PEER;
    if (material.require_client_cert) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  } else if (material.require_client_cert) {
    return make_error(Errc::kInvalidConfig, "require_client_cert needs a client CA");
  }
  SSL_CTX_set_verify(ctx.get(), mode, nullptr);
  return ctx;
}

Result<SslCtxPtr> make_client_ctx(const ClientTlsMaterial& material) {
  ERR_clear_error();
  KC_ASSIGN_OR_RETURN(auto ctx, new_ctx(TLS_client_method()));
  if (material.ca.given()) {
    KC_RETURN_IF_ERROR(add_trusted(ctx.get(), material.ca, false));
  } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
    return make_error(Errc::kInvalidConfig, "cannot load the system CA store: {}",
                      take_openssl_errors());
  }
  KC_RETURN_IF_ERROR(use_cert_and_key(ctx.get(), material.cert, material.key));
  SSL_CTX_set_verify(ctx.get(), material.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     nullptr);
  return ctx;
}

const BIO_METHOD* socket_bio_method() {
  static const BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "kc_http_socket");
    const BIO_METHOD* base = BIO_s_socket();
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(base));
    BIO_meth_set_create(m, BIO_meth_get_create(base));
    BIO_meth_set_destroy(m, BIO_meth_get_destroy(base));
    return m;
  }();
  return method;
}

}  // namespace kc::http::detail
