#pragma once

// Helpers for libs/http tests: events to wait on with deadlines, a raw TCP socket, and servers and
// clients on 127.0.0.1 with an ephemeral port.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "libs/http/client.h"
#include "libs/http/server.h"

namespace kc::http::testing {

using namespace std::chrono_literals;

// Counts notifications; waits for a count with a deadline.
class Event {
 public:
  void notify();
  bool wait_for(int count = 1, std::chrono::milliseconds timeout = 10s);
  int count() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

// Collects the lines Client::stream_lines delivers (from any thread); each counts as an event.
class LineLog {
 public:
  // The line handler to pass to stream_lines; it always asks for more.
  std::function<bool(std::string_view)> handler();
  std::vector<std::string> lines() const;
  bool wait_for(int count, std::chrono::milliseconds timeout = 10s) {
    return seen_.wait_for(count, timeout);
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  Event seen_;
};

// For state that can only be observed by asking (e.g. a server's connection count): re-checks
// `condition` every millisecond until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s);

// A blocking TCP connection to 127.0.0.1, for speaking raw HTTP.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port);
  // Takes ownership of a connected socket.
  struct Adopt {};
  RawSocket(Adopt, int fd) : fd_(fd) {}
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool send(std::string_view data);
  // Reads until `marker` was seen, the peer closed, or `timeout` passed.
  std::string read_until(std::string_view marker, std::chrono::milliseconds timeout = 10s);
  // Reads until the peer closes (or `timeout`).
  std::string read_all(std::chrono::milliseconds timeout = 10s);

 private:
  int fd_ = -1;
};

// A listening socket on 127.0.0.1:0 for scripting a misbehaving server by hand.
class RawListener {
 public:
  RawListener();
  ~RawListener();
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  uint16_t port() const { return port_; }
  // The next connection, or nullptr after `timeout`.
  std::unique_ptr<RawSocket> accept(std::chrono::milliseconds timeout = 10s);

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Starts a server on 127.0.0.1:0; fails the test (and returns nullptr) on error.
std::unique_ptr<Server> start_server(Router router, ServerOptions options = {});
// A client for <scheme>://127.0.0.1:<port>; fails the test (and returns nullptr) on error.
std::unique_ptr<Client> make_client(uint16_t port, ClientOptions options = {},
                                    std::string_view scheme = "http");

}  // namespace kc::http::testing
