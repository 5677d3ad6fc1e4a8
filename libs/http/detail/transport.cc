#include "libs/http/detail/transport.h"

#include <cerrno>
#include <climits>
#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libs/http/detail/tls.h"
#include "libs/http/url.h"

namespace kc::http::detail {
namespace {

static_assert(EAGAIN == EWOULDBLOCK, "Linux: one errno for a would-block socket");

std::string errno_text(int err) { return std::strerror(err); }

IoError errno_error(int err, std::string& detail) {
  detail = errno_text(err);
  return err == ECONNRESET || err == EPIPE ? IoError::kReset : IoError::kOther;
}

std::string format_address(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, &addr, sizeof(in));
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
    return fmt::format("{}:{}", text, ntohs(in.sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, &addr, sizeof(in6));
    inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
    return fmt::format("[{}]:{}", text, ntohs(in6.sin6_port));
  }
  return "unknown";
}

}  // namespace

Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  return timeout.count() > 0 ? Clock::now() + timeout : kNoDeadline;
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);  // Linux releases the descriptor even when close reports EINTR
  fd_ = -1;
}

Transport::Transport(UniqueFd fd) : fd_(std::move(fd)) {}

Transport::~Transport() = default;  // the SSL (and its BIO) before the socket

Result<std::unique_ptr<Transport>> Transport::connect(const std::string& host, uint16_t port,
                                                      Clock::time_point deadline,
                                                      const std::stop_token& cancel) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  // getaddrinfo blocks and cannot be interrupted; the cancel check follows it.
  int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    return make_error(Errc::kUnavailable,
                      fmt::format("cannot resolve {}: {}", host, gai_strerror(rc)), Retry::kYes);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  std::string last_error = "no address";
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (cancel.stop_requested()) return make_error(Errc::kCancelled, "connect cancelled");
    UniqueFd fd(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      last_error = errno_text(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto transport = std::make_unique<Transport>(std::move(fd));
    Transport* raw = transport.get();
    std::stop_callback on_cancel(cancel, [raw] { raw->interrupt(); });
    if (::connect(raw->fd(), ai->ai_addr, ai->ai_addrlen) == 0) return transport;
    if (errno != EINPROGRESS) {
      last_error = errno_text(errno);
      continue;
    }
    IoError waited = raw->wait(POLLOUT, deadline);
    if (waited == IoError::kCancelled) return make_error(Errc::kCancelled, "connect cancelled");
    if (waited == IoError::kTimeout) {
      return make_error(Errc::kTimeout, fmt::format("connect to {}:{} timed out", host, port),
                        Retry::kYes);
    }
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(raw->fd(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0 && waited == IoError::kNone) return transport;
    last_error = err != 0 ? errno_text(err) : raw->detail();
  }
  return make_error(Errc::kUnavailable,
                    fmt::format("connect to {}:{} failed: {}", host, port, last_error),
                    Retry::kYes);
}

Status Transport::handshake_client(SSL_CTX* ctx, const std::string& verify_name, bool verify,
                                   std::string_view peer_name, Clock::time_point deadline) {
  ssl_.reset(SSL_new(ctx));  // frees the BIO set on it too; the fd is closed by fd_
  if (!ssl_) return make_error(Errc::kInternal, "SSL_new failed: {}", take_openssl_errors());
  BIO* bio = BIO_new(socket_bio_method());
  BIO_int_ctrl(bio, BIO_C_SET_FD, BIO_NOCLOSE, fd_.get());
  SSL_set_bio(ssl_.get(), bio, bio);
  bool ip = is_ip_literal(verify_name);
  if (verify) {
    int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), verify_name.c_str())
                 : SSL_set1_host(ssl_.get(), verify_name.c_str());
    if (set != 1) {
      return make_error(Errc::kInvalidArgument, "cannot verify TLS peer name '{}'", verify_name);
    }
  }
  if (!ip) {
    // SSL_set_tlsext_host_name, spelled out: the macro casts C-style.
    SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(verify_name.c_str()));
  }
  SSL_set_connect_state(ssl_.get());
  return handshake(true, peer_name, deadline);
}

Status Transport::handshake_server(SSL_CTX* ctx, Clock::time_point deadline) {
  ssl_.reset(SSL_new(ctx));  // frees the BIO set on it too; the fd is closed by fd_
  if (!ssl_) return make_error(Errc::kInternal, "SSL_new failed: {}", take_openssl_errors());
  BIO* bio = BIO_new(socket_bio_method());
  BIO_int_ctrl(bio, BIO_C_SET_FD, BIO_NOCLOSE, fd_.get());
  SSL_set_bio(ssl_.get(), bio, bio);
  SSL_set_accept_state(ssl_.get());
  return handshake(false, remote_address(), deadline);
}

Status Transport::handshake(bool client, std::string_view peer_name, Clock::time_point deadline) {
  for (;;) {
    ERR_clear_error();
    int ret = client ? SSL_connect(ssl_.get()) : SSL_accept(ssl_.get());
    if (ret == 1) return ok();
    short events = POLLIN;
    IoError error = ssl_failure(ret, events);
    if (error == IoError::kNone) error = wait(events, deadline);
    if (error == IoError::kNone) continue;
    long verify = SSL_get_verify_result(ssl_.get());
    if (error == IoError::kTls && verify != X509_V_OK) {
      return make_error(Errc::kPermissionDenied,
                        fmt::format("TLS certificate verification of {} failed: {}", peer_name,
                                    X509_verify_cert_error_string(verify)));
    }
    if (error == IoError::kTls) {
      return make_error(Errc::kProtocol,
                        fmt::format("TLS handshake with {} failed: {}", peer_name, detail_));
    }
    return tl::unexpected(io_error(error, *this, fmt::format("TLS handshake with {}", peer_name)));
  }
}

IoError Transport::ssl_failure(int ret, short& events) {
  int saved_errno = errno;
  switch (SSL_get_error(ssl_.get(), ret)) {
    case SSL_ERROR_WANT_READ:
      events = POLLIN;
      return IoError::kNone;
    case SSL_ERROR_WANT_WRITE:
      events = POLLOUT;
      return IoError::kNone;
    case SSL_ERROR_ZERO_RETURN:
      return interrupted() ? IoError::kCancelled : IoError::kEof;
    case SSL_ERROR_SYSCALL:
      if (interrupted()) return IoError::kCancelled;
      ERR_clear_error();
      if (saved_errno == 0) {
        detail_ = "connection closed";
        return IoError::kEof;
      }
      return errno_error(saved_errno, detail_);
    default:
      if (interrupted()) return IoError::kCancelled;
      detail_ = take_openssl_errors();
      if (detail_.empty()) detail_ = "TLS failure";
      return IoError::kTls;
  }
}

IoError Transport::wait(short events, Clock::time_point deadline) {
  for (;;) {
    if (interrupted()) return IoError::kCancelled;
    int timeout_ms = -1;
    if (deadline != kNoDeadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return IoError::kTimeout;
      timeout_ms = left > INT_MAX ? INT_MAX : static_cast<int>(left);
    }
    pollfd p{fd_.get(), events, 0};
    int n = ::poll(&p, 1, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, detail_);
    }
    if (n == 0) continue;  // the deadline check above ends the loop
    return interrupted() ? IoError::kCancelled : IoError::kNone;
  }
}

size_t Transport::read_some(char* data, size_t size, IoError& error) {
  return transfer(data, nullptr, size, error);
}

size_t Transport::write_some(const char* data, size_t size, IoError& error) {
  return transfer(nullptr, data, size, error);
}

size_t Transport::transfer(char* read_into, const char* write_from, size_t size, IoError& error) {
  const bool writing = write_from != nullptr;
  for (;;) {
    if (interrupted()) {
      error = IoError::kCancelled;
      return 0;
    }
    short events = writing ? POLLOUT : POLLIN;
    if (ssl_) {
      ERR_clear_error();
      size_t n = 0;
      int ret = writing ? SSL_write_ex(ssl_.get(), write_from, size, &n)
                        : SSL_read_ex(ssl_.get(), read_into, size, &n);
      if (ret == 1) {
        error = IoError::kNone;
        return n;
      }
      error = ssl_failure(ret, events);
      if (error != IoError::kNone) return 0;
    } else {
      auto n = writing ? ::send(fd_.get(), write_from, size, MSG_NOSIGNAL)
                       : ::recv(fd_.get(), read_into, size, 0);
      if (n > 0 || (n == 0 && writing)) {
        error = IoError::kNone;
        return static_cast<size_t>(n);
      }
      if (n == 0) {
        error = interrupted() ? IoError::kCancelled : IoError::kEof;
        detail_ = "connection closed";
        return 0;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) {
        error = interrupted() ? IoError::kCancelled : errno_error(errno, detail_);
        return 0;
      }
    }
    error = wait(events, deadline_);
    if (error != IoError::kNone) return 0;
  }
}

IoError Transport::write_all(std::string_view data) {
  while (!data.empty()) {
    IoError error = IoError::kNone;
    size_t n = write_some(data.data(), data.size(), error);
    if (error != IoError::kNone) return error;
    data.remove_prefix(n);
  }
  return IoError::kNone;
}

IoError Transport::wait_readable(Clock::time_point deadline) {
  if (ssl_ && SSL_has_pending(ssl_.get())) return IoError::kNone;
  return wait(POLLIN, deadline);
}

bool Transport::idle_and_open() const {
  if (interrupted() || (ssl_ && SSL_has_pending(ssl_.get()))) return false;
  pollfd p{fd_.get(), POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 0;
}

bool Transport::peer_hung_up() const {
  pollfd p{fd_.get(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

void Transport::shutdown_write() {
  if (ssl_ && SSL_is_init_finished(ssl_.get()) && !interrupted()) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // queues close_notify; not waiting for the peer's
    ERR_clear_error();
  }
  ::shutdown(fd_.get(), SHUT_WR);
}

void Transport::discard_input(Clock::time_point deadline, size_t max_bytes) {
  char scratch[16384];
  size_t total = 0;
  while (total < max_bytes) {
    auto n = ::recv(fd_.get(), scratch, sizeof(scratch), 0);
    if (n > 0) {
      total += static_cast<size_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR) ||
               wait(POLLIN, deadline) != IoError::kNone) {
      return;
    }
  }
}

void Transport::interrupt() {
  if (interrupted_.exchange(true, std::memory_order_acq_rel)) return;
  // Wakes a poll() on this socket in another thread; later reads see EOF, writes EPIPE.
  ::shutdown(fd_.get(), SHUT_RDWR);
}

std::string Transport::remote_address() const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "unknown";
  return format_address(addr);
}

std::string Transport::peer_subject() const {
  if (!ssl_ || SSL_get_verify_result(ssl_.get()) != X509_V_OK) return {};
  X509* cert = SSL_get0_peer_certificate(ssl_.get());
  if (!cert) return {};
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

Error io_error(IoError error, const Transport& transport, std::string_view doing) {
  switch (error) {
    case IoError::kTimeout:
      return Error(Errc::kTimeout, fmt::format("{}: timed out", doing), Retry::kYes);
    case IoError::kCancelled:
      return Error(Errc::kCancelled, fmt::format("{}: cancelled", doing));
    case IoError::kEof:
      return Error(Errc::kUnavailable, fmt::format("{}: connection closed by peer", doing),
                   Retry::kYes);
    case IoError::kReset:
      return Error(Errc::kUnavailable,
                   fmt::format("{}: connection reset ({})", doing, transport.detail()),
                   Retry::kYes);
    case IoError::kTls:
      return Error(Errc::kProtocol, fmt::format("{}: TLS error: {}", doing, transport.detail()));
    case IoError::kOther:
      return Error(Errc::kUnavailable, fmt::format("{}: {}", doing, transport.detail()),
                   Retry::kYes);
    case IoError::kNone:
      break;
  }
  return Error(Errc::kInternal, fmt::format("{}: no error", doing));
}

}  // namespace kc::http::detail
