#pragma once

// An HTTP/1.1 server (optionally TLS) that dispatches to a Router.
//
//   Router router;
//   router.add(Method::kGet, "/health", [](const Request&) { return Response::text(200, "ok"); });
//   KC_ASSIGN_OR_RETURN(auto server, Server::start({.port = 0}, std::move(router)));
//   use(server->port());
//   server->stop();  // or let the destructor do it
//
// Threading model: one acceptor thread, and one thread per open connection that reads a request,
// runs the handler on that same thread, writes the response and loops while the connection is
// kept alive. A plaintext connection gets its thread only once the head of its first request has
// arrived and passed the router's filter (authentication) and the connection limits: until then
// the acceptor holds it (detail/head_gate.h), so clients that connect and stay silent, send heads
// slowly or without a valid token never hold a thread. Over TLS the handshake runs on the
// connection's thread. Handlers therefore may block (a streaming handler typically does, for
// minutes) and run concurrently with each other. Each connection uses a few KiB plus an idle thread
// stack; the design targets admin APIs, test servers and tens to hundreds of connections, not 10k.
//
// Guarantees:
// - The listening socket and every accepted socket are close-on-exec.
// - Parked connections cannot lock clients out: at a connection limit the longest-idle connection
//   makes room, and one client address holds at most max_connections_per_client connections.
// - Requests for reserved_paths (a liveness probe's /health) are answered even when every other
//   place is taken by busy connections: the last reserved_connections places are kept for them.
// - A Transfer-Encoding other than chunked gets 501 and the connection closes (RFC 9112 §6.1).
// - Request bodies above max_body_bytes get 413 (before the body is read when Content-Length says
//   so, also answering "Expect: 100-continue" with 413 instead of 100), oversized headers 431,
//   malformed requests 400, unknown methods 501; all rendered by the router's error renderer.
// - stop() closes the listener and every connection, wakes streaming handlers through their
//   stop_token, and joins all threads. It returns as soon as running handlers return.
//
// Caveats:
// - stop() (and the destructor) must not be called from a handler: it would join its own thread.
// - A plain handler that blocks forever blocks stop(); streaming handlers should wait on their
//   ResponseStream::stop_token().

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/router.h"

namespace kc::http {

struct ServerTlsOptions {
  // Certificate chain (leaf first) and private key (unencrypted PEM): each as a file or inline.
  std::string cert_file;
  std::string cert_pem;
  std::string key_file;
  std::string key_pem;
  // CA(s) to verify client certificates against. Without one, clients are not asked for one.
  std::string client_ca_file;
  std::string client_ca_pem;
  // Refuse clients without a valid certificate (needs a client CA).
  bool require_client_cert = false;
};

struct ServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4/IPv6 or a name; "0.0.0.0" / "::" for all
  uint16_t port = 0;                  // 0: an ephemeral port, see Server::port()
  std::optional<ServerTlsOptions> tls;
  size_t max_body_bytes = 8 * 1024 * 1024;  // larger request bodies get 413
  size_t max_header_bytes = 64 * 1024;      // larger request heads get 431
  // Connection limits, all clients together and per client address. At a limit the connection
  // idle for longest (waiting for its first or next request; of that client for the per-client
  // limit) is closed to make room; only when none is idle does the new one get 503 and close.
  size_t max_connections = 512;
  size_t max_connections_per_client = 128;
  // Plaintext connections whose first request head has not arrived yet (they hold no thread and
  // no place above). At a bound the oldest of them (of the same client) is closed.
  size_t max_pending_connections = 1024;
  size_t max_pending_per_client = 64;
  // Paths whose requests may take the last `reserved_connections` places of max_connections,
  // which other requests cannot (e.g. "/health", so the kubelet's probe is answered while a flood
  // keeps every other place busy). A connection admitted that way is closed after one answer.
  std::vector<std::string> reserved_paths;
  size_t reserved_connections = 8;
  // From the first byte of a request to its last header line (also the TLS handshake).
  std::chrono::milliseconds header_timeout{10'000};
  // Receiving the body once the head arrived.
  std::chrono::milliseconds body_timeout{60'000};
  // A kept-alive connection with no new request is closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  // Each write of a response or of one chunk; a peer that stops reading is dropped.
  std::chrono::milliseconds write_timeout{30'000};
  bool keep_alive = true;
  std::string name = "http";  // in log lines, to tell servers apart
};

class Server {
 public:
  // Binds, listens and starts the acceptor thread. Errors: kInvalidArgument (router or options),
  // kInvalidConfig (TLS material), kIo (bind/listen, e.g. the port is taken).
  static Result<std::unique_ptr<Server>> start(ServerOptions options, Router router);

  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the real one when options.port was 0).
  uint16_t port() const;
  // Idempotent and thread-safe (a second caller waits for the first to finish). See file comment.
  void stop();

  // Connections accepted since start (served or refused); for tests and metrics.
  uint64_t accepted_connections() const;
  // Connections open right now (holding a place in the limits, hence a thread).
  size_t active_connections() const;
  // Connections that were given a thread since start: a plaintext connection only once its first
  // request head passed the filter and the limits.
  uint64_t connection_threads_started() const;

  // Internal: use start().
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::http
