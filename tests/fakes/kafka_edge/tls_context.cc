#include "tests/fakes/kafka_edge/tls_context.h"

#include <vector>

#include <boost/system/system_error.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "libs/ossl/ossl.h"
#include "tests/fakes/kafka_edge/asio.h"

namespace kc::fakes::kafka_edge {
namespace {

using ossl::BioPtr;
using ossl::X509Ptr;

tl::unexpected<Error> invalid(std::string_view what, const boost::system::error_code& ec) {
  return make_error(Errc::kInvalidArgument, "{}: {}", what, ec.message());
}

// Every certificate in a PEM text, in order. Errors when there is none or one does not parse.
Result<std::vector<X509Ptr>> read_certificates(const std::string& pem, std::string_view what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error(Errc::kInternal, "BIO_new_mem_buf failed");
  std::vector<X509Ptr> certs;
  while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    certs.push_back(std::move(cert));
  }
  unsigned long err = ERR_peek_last_error();
  bool clean_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  if (certs.empty() || !clean_end) {
    return make_error(Errc::kInvalidArgument, "{}: no valid PEM certificate", what);
  }
  return certs;
}

Result<std::shared_ptr<boost::asio::ssl::context>> make_context(const TlsMaterial& m) {
  namespace ssl = boost::asio::ssl;
  if (m.require_client_cert && m.client_ca_pem.empty()) {
    return make_error(Errc::kInvalidArgument, "require_client_cert needs client_ca_pem");
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (ec) return invalid("setting TLS options", ec);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET);

  ctx->use_certificate_chain(boost::asio::buffer(m.cert_pem), ec);
  if (ec) return invalid("server certificate", ec);
  ctx->use_private_key(boost::asio::buffer(m.key_pem), ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return make_error(Errc::kInvalidArgument, "server private key does not match its certificate");
  }
  if (ec) return invalid("server private key", ec);
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return make_error(Errc::kInvalidArgument, "server private key does not match its certificate");
  }
  if (m.client_ca_pem.empty()) {
    ctx->set_verify_mode(ssl::verify_none, ec);
    if (ec) return invalid("verify mode", ec);
    return ctx;
  }
  KC_ASSIGN_OR_RETURN(auto cas, read_certificates(m.client_ca_pem, "client CA"));
  for (const auto& ca : cas) {
    // Trust anchor for verifying client certificates, and a name in the CertificateRequest.
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(native), ca.get()) != 1 ||
        SSL_CTX_add_client_CA(native, ca.get()) != 1) {
      ERR_clear_error();
      return make_error(Errc::kInvalidArgument, "client CA: certificate refused by OpenSSL");
    }
  }
  auto mode = ssl::verify_peer;
  if (m.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
  ctx->set_verify_mode(mode, ec);
  if (ec) return invalid("verify mode", ec);
  return ctx;
}

}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_context(
    const TlsMaterial& material) {
  try {
    return make_context(material);
  } catch (const boost::system::system_error& e) {
    // ssl::context's constructor throws when OpenSSL cannot make an SSL_CTX.
    return make_error(Errc::kInternal, "creating the TLS context: {}", e.what());
  } catch (const std::exception& e) {
    return make_error(Errc::kInternal, "creating the TLS context: {}", e.what());
  }
}

}  // namespace kc::fakes::kafka_edge
