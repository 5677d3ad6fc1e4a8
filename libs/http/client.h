#pragma once

// An HTTP/1.1 client for one base URL (plain or TLS) with a small keep-alive pool.
//
//   KC_ASSIGN_OR_RETURN(auto client, Client::create({
//       .base_url = "https://10.96.0.1:443",
//       .ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
//       .bearer_token = read_token_file}));
//   KC_ASSIGN_OR_RETURN(auto r, client->request(Method::kGet, "/api/v1/namespaces/x/pods/y"));
//
// Threading: every method may be called from any number of threads at once; each call runs on
// the caller's thread (no background threads). The Client must outlive its calls.
//
// Errors (kc::Error): kUnavailable (retriable) for refused/reset/closed connections and DNS
// failures; kTimeout (retriable); kCancelled; kPermissionDenied (not retriable) when the server's
// certificate does not verify (the message names the host and OpenSSL's reason); kProtocol for a
// malformed or oversized response or another TLS failure; kInvalidArgument for a bad target or
// header. An HTTP error status is not an Error: it is a Response with that status.
//
// Guarantees:
// - TLS verifies the server certificate chain and that the host name (DNS SAN) or IP (IP SAN)
//   matches, unless insecure_skip_verify is set.
// - A request on a pooled connection that the server closed meanwhile is retried once on a new
//   connection, but only for idempotent methods and only when no response byte arrived.
// - Sockets are close-on-exec.
//
// Caveats:
// - DNS resolution (getaddrinfo) blocks and cannot be cancelled; everything after it can.
// - Client certificate files are read once in create(); make a new Client when they rotate.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "libs/http/types.h"

namespace kc::http {

struct ClientOptions {
  // "http(s)://host[:port][/prefix]"; request targets are appended to the prefix.
  std::string base_url;

  // TLS (https only). Trusted CAs as a file or inline PEM; neither: the system trust store.
  std::string ca_file;
  std::string ca_pem;
  // Client certificate (chain) and unencrypted key, each as a file or inline PEM.
  std::string client_cert_file;
  std::string client_cert_pem;
  std::string client_key_file;
  std::string client_key_pem;
  // Verify the certificate against this name instead of the URL's host (also sent as SNI).
  std::string tls_server_name;
  // Skips all server certificate checks. Only ever set explicitly, e.g. for a local test.
  bool insecure_skip_verify = false;
  // Whether the certificate must name the host (Java's
  // ssl.endpoint.identification.algorithm=https); false still verifies the chain.
  bool verify_host_name = true;

  // Called before every request (so a rotating token file can be re-read), possibly from several
  // threads at once; a non-empty result is sent as "Authorization: Bearer <token>" unless the
  // request sets Authorization itself. Its error fails the request.
  std::function<Result<std::string>()> bearer_token;

  std::chrono::milliseconds connect_timeout{10'000};  // TCP connect + TLS handshake
  // request(): the whole exchange after connecting. stream_lines(): until the response head.
  std::chrono::milliseconds request_timeout{60'000};
  // With "Expect: 100-continue": how long to wait for "100 Continue" before sending the body.
  std::chrono::milliseconds expect_continue_timeout{1'000};

  // Follow 301/302/303/307/308 (up to max_redirects), re-sending the method, body and headers
  // to the new location (303 switches to GET without body). Off by default: only enable it for
  // servers you trust to redirect, such as StarRocks' FE redirecting a Stream Load to a BE.
  bool follow_redirects = false;
  int max_redirects = 5;
  // Authorization (set by the caller or bearer_token) goes with a redirect only to the request's
  // own origin and to these hosts (any port; "*": every host, like curl's --location-trusted).
  // A StarRocks FE names BE hosts the caller cannot list in advance, hence "*" there.
  std::vector<std::string> redirect_credential_hosts;

  size_t max_idle_connections = 4;  // per origin (scheme, host, port)
  // request(): larger response bodies fail with kProtocol. stream_lines(): the longest line.
  size_t max_response_bytes = 64 * 1024 * 1024;
  std::string user_agent = "kconnect";
};

struct StreamOptions {
  // Longest silence between two received bytes of the body; 0: none. Exceeding it fails the call
  // with kTimeout.
  std::chrono::milliseconds idle_timeout{0};
  // Request stop (from any thread) to end the call promptly with kCancelled.
  std::stop_token cancel;
  std::string body;
};

class Client {
 public:
  // Errors: kInvalidArgument (URL), kInvalidConfig (TLS material).
  static Result<std::unique_ptr<Client>> create(ClientOptions options);

  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request and reads the whole response. `target` is "/path?query", already
  // percent-encoded (see url.h). A request that stops `cancel` fails with kCancelled.
  Result<Response> request(Method method, std::string_view target, std::string_view body = {},
                           const Headers& headers = {}, std::stop_token cancel = {});

  // Sends a request and hands each line of a 2xx response body to `on_line` as it arrives (a
  // chunked watch or a content-length body; "\r\n" or "\n" endings, the ending not included; an
  // unterminated last line is delivered at the end). `on_line` runs on the calling thread and
  // returns false to stop reading (the call then succeeds). Returns the response head; its body
  // is empty for 2xx and holds the error body (up to max_response_bytes) otherwise.
  Result<Response> stream_lines(Method method, std::string_view target, const Headers& headers,
                                const std::function<bool(std::string_view line)>& on_line,
                                const StreamOptions& options = {});

  const ClientOptions& options() const;

  // Internal: use create().
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::http
