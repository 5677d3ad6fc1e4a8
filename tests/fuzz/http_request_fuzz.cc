// libFuzzer target: the HTTP server's request path, raw bytes in. One Server (libs/http) runs for
// the whole session; each input is sent on a new loopback connection, the write side is shut, and
// the reply is read until the server closes. Routes like the REST API's: a filter (authentication
// on a header), a plain handler echoing the body, path parameters, HEAD.
//
// Checks beyond "no crash, no sanitizer report": every reply that has bytes starts with a status
// line "HTTP/1.x NNN"; no handler exception (500) — handlers do not throw, so a 500 means the
// server mishandled something; the server closes every connection (no hang past the deadline);
// memory stays bounded (run with -rss_limit_mb, see ./dev fuzz).

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/http/server.h"

namespace {

using namespace std::chrono_literals;
using kc::http::Method;
using kc::http::Request;
using kc::http::Response;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

kc::http::Server& server() {
  static std::unique_ptr<kc::http::Server> instance = [] {
    kc::log::set_level("root", kc::log::Level::kOff);
    kc::http::Router router;
    router.add(Method::kGet, "/health", [](const Request&) { return Response::text(200, "ok"); });
    router.add(Method::kPost, "/connectors", [](const Request& r) {
      return Response::json(201, "{\"length\":" + std::to_string(r.body.size()) + "}");
    });
    router.add(Method::kPut, "/connectors/{name}/config", [](const Request& r) {
      return Response::text(200, r.path_params.at("name") + ":" + r.body.substr(0, 64));
    });
    router.set_filter([](const Request& r) -> std::optional<Response> {
      if (r.headers.get("X-Deny")) return Response::text(401, "denied");
      return std::nullopt;
    });
    // Short timeouts: an input that stops mid-request ends in the server's EOF handling, and a
    // slow path shows up as a timeout rather than a hang.
    auto started = kc::http::Server::start({.max_body_bytes = 64 * 1024,
                                            .max_header_bytes = 8 * 1024,
                                            .max_connections = 16,
                                            .header_timeout = 2000ms,
                                            .body_timeout = 2000ms,
                                            .idle_timeout = 2000ms,
                                            .write_timeout = 2000ms,
                                            .name = "fuzz"},
                                           std::move(router));
    check(started.has_value());
    return std::move(*started);
  }();
  return *instance;
}

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  check(fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  return fd;
}

// Sends `input` while reading what comes back (a large input must not deadlock against a server
// that answers early and stops reading), then reads until the server closes. False on a deadline.
bool exchange(int fd, std::string_view input, std::string& reply) {
  char buffer[16 * 1024];
  bool shut = false;
  for (int rounds = 0; rounds < 1000; ++rounds) {
    if (!input.empty()) {
      auto n = ::send(fd, input.data(), input.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) input.remove_prefix(static_cast<size_t>(n));
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) input = {};  // reset: read what came
    }
    if (input.empty() && !shut) {
      ::shutdown(fd, SHUT_WR);
      shut = true;
    }
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, input.empty() ? 5000 : 10);
    if (ready < 0) return false;
    if (ready == 0) {
      if (input.empty()) return false;
      continue;
    }
    auto n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return true;  // closed (or reset)
    if (reply.size() < 1024 * 1024) reply.append(buffer, static_cast<size_t>(n));
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = connect_to(server().port());
  std::string reply;
  bool closed = exchange(fd, std::string_view(reinterpret_cast<const char*>(data), size), reply);
  ::close(fd);
  check(closed);
  if (!reply.empty()) {
    check(reply.starts_with("HTTP/1.1 ") || reply.starts_with("HTTP/1.0 "));
    check(reply.size() >= 12 && reply.compare(9, 3, "500") != 0);
  }
  return 0;
}
