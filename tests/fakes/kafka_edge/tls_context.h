#pragma once

// TLS material for the edge's listeners and the OpenSSL server context made from it.
// Threading: make_server_context may run on any thread; the returned context is immutable once
// made and shared by the connections accepted while it was current (swap_tls installs a new one).

#include <memory>
#include <string>

#include "libs/base/error.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace kc::fakes::kafka_edge {

struct TlsMaterial {
  std::string cert_pem;       // server certificate, then any intermediates (PEM); needs an IP SAN
                              // 127.0.0.1 for clients that verify the host name (librdkafka does)
  std::string key_pem;        // its private key (PEM, unencrypted)
  std::string client_ca_pem;  // CA certificate(s) client certificates must chain to; empty: the
                              // edge neither asks for nor checks client certificates
  bool require_client_cert = false;  // refuse the handshake when the client sends none
};

// TLS 1.2+, no session resumption (so every connection presents its certificate again, which a
// rotation test relies on). Errors: Errc::kInvalidArgument naming the part that is wrong (bad PEM,
// key does not match the certificate, require_client_cert without client_ca_pem).
Result<std::shared_ptr<boost::asio::ssl::context>> make_server_context(const TlsMaterial& material);

}  // namespace kc::fakes::kafka_edge
