#include "tests/unit/libs/http/http_test_support.h"

#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kc::http::testing {

void Event::notify() {
  {
    std::lock_guard lock(mu_);
    ++count_;
  }
  cv_.notify_all();
}

bool Event::wait_for(int count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return count_ >= count; });
}

int Event::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

std::function<bool(std::string_view)> LineLog::handler() {
  return [this](std::string_view line) {
    {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    }
    seen_.notify();
    return true;
  };
}

std::vector<std::string> LineLog::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

RawSocket::RawSocket(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawSocket::send(std::string_view data) {
  while (!data.empty()) {
    auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawSocket::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  char buffer[4096];
  while (marker.empty() || out.find(marker) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    auto n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

std::string RawSocket::read_all(std::chrono::milliseconds timeout) {
  return read_until({}, timeout);
}

RawListener::RawListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "raw listener failed";
  }
  port_ = ntohs(addr.sin_port);
}

RawListener::~RawListener() { ::close(fd_); }

std::unique_ptr<RawSocket> RawListener::accept(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return nullptr;
  int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  return fd < 0 ? nullptr : std::make_unique<RawSocket>(RawSocket::Adopt{}, fd);
}

std::unique_ptr<Server> start_server(Router router, ServerOptions options) {
  options.address = "127.0.0.1";
  options.port = 0;
  auto server = Server::start(std::move(options), std::move(router));
  if (!server) {
    ADD_FAILURE() << "server did not start: " << server.error().to_string();
    return nullptr;
  }
  return std::move(*server);
}

std::unique_ptr<Client> make_client(uint16_t port, ClientOptions options, std::string_view scheme) {
  options.base_url = fmt::format("{}://127.0.0.1:{}", scheme, port);
  auto client = Client::create(std::move(options));
  if (!client) {
    ADD_FAILURE() << "client not created: " << client.error().to_string();
    return nullptr;
  }
  return std::move(*client);
}

}  // namespace kc::http::testing
