#pragma once

// Internal: one TCP connection, plain or TLS, on a non-blocking close-on-exec socket, with
// deadlines and cross-thread interruption. Include from libs/http/*.cc only.
//
// Threading: one thread drives a Transport (reads, writes, handshakes). interrupt() may be called
// from any thread while that happens, as long as the Transport is alive; it makes the current and
// every later operation fail with IoError::kCancelled promptly (it shuts the socket down).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "libs/base/error.h"
#include "libs/ossl/ossl.h"

namespace kc::http::detail {

using Clock = std::chrono::steady_clock;
inline constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

// `now + timeout`, or kNoDeadline for a zero/negative timeout.
Clock::time_point deadline_after(std::chrono::milliseconds timeout);

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

enum class IoError {
  kNone,
  kEof,        // the peer closed cleanly
  kTimeout,    // the deadline passed
  kCancelled,  // interrupt() was called
  kReset,      // connection reset / broken pipe
  kTls,        // TLS protocol failure (detail() has the OpenSSL reason)
  kOther,      // any other socket error (detail() has strerror)
};

class Transport {
 public:
  // Takes a connected (or connecting) socket, already non-blocking and close-on-exec.
  explicit Transport(UniqueFd fd);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Resolves host and connects, trying each address until `deadline`. Honors `cancel` (also
  // during the connect itself). Errors: kUnavailable (retriable) for refused/unreachable/DNS,
  // kTimeout (retriable), kCancelled.
  static Result<std::unique_ptr<Transport>> connect(const std::string& host, uint16_t port,
                                                    Clock::time_point deadline,
                                                    const std::stop_token& cancel);

  // TLS client handshake. `verify_name` is checked against the certificate's DNS or IP SANs
  // unless the context does not verify; it is sent as SNI when it is a DNS name.
  // Errors: kPermissionDenied (certificate verification failed, names `peer_name` and the
  // reason), kProtocol (other TLS failure), kUnavailable / kTimeout / kCancelled.
  Status handshake_client(SSL_CTX* ctx, const std::string& verify_name, bool verify,
                          std::string_view peer_name, Clock::time_point deadline);
  // TLS server handshake; same errors.
  Status handshake_server(SSL_CTX* ctx, Clock::time_point deadline);

  // Deadline for the following read_some / write_some / write_all calls.
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

  // Reads at least one byte, or fails. Never returns 0 with kNone.
  size_t read_some(char* data, size_t size, IoError& error);
  size_t write_some(const char* data, size_t size, IoError& error);
  IoError write_all(std::string_view data);

  // Waits until bytes (or EOF) can be read, without consuming them; until `deadline`.
  IoError wait_readable(Clock::time_point deadline);
  // For pooled idle connections: true when nothing was received and the peer has not closed.
  bool idle_and_open() const;
  // True when the peer hung up (FIN/RST seen), without consuming data.
  bool peer_hung_up() const;

  // Sends TLS close_notify (best effort) and a TCP FIN; reading stays possible.
  void shutdown_write();
  // Reads and throws away raw socket bytes (bypassing TLS, whose state may be failed) until the
  // peer closes, `max_bytes` were read, or `deadline`. Used for a "lingering close": a peer still
  // sending when we close would otherwise get a reset instead of our response or TLS alert.
  void discard_input(Clock::time_point deadline, size_t max_bytes);

  // Any thread; idempotent. See the file comment.
  void interrupt();
  bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }

  int fd() const { return fd_.get(); }
  bool tls() const { return ssl_ != nullptr; }
  // Detail of the last failure: strerror text or the OpenSSL reason.
  const std::string& detail() const { return detail_; }
  // "ip:port" / "[ip6]:port" of the peer.
  std::string remote_address() const;
  // RFC 2253 subject of the verified peer certificate, or empty.
  std::string peer_subject() const;

 private:
  IoError wait(short events, Clock::time_point deadline);
  // read_some (read_into set) or write_some (write_from set).
  size_t transfer(char* read_into, const char* write_from, size_t size, IoError& error);
  IoError ssl_failure(int ret, short& events);
  Status handshake(bool client, std::string_view peer_name, Clock::time_point deadline);

  UniqueFd fd_;
  ossl::SslPtr ssl_;
  Clock::time_point deadline_ = kNoDeadline;
  std::atomic<bool> interrupted_{false};
  std::string detail_;
};

// Maps an I/O failure to a kc::Error: kEof/kReset/kOther -> kUnavailable (retriable),
// kTimeout -> kTimeout (retriable), kCancelled -> kCancelled, kTls -> kProtocol.
Error io_error(IoError error, const Transport& transport, std::string_view doing);

}  // namespace kc::http::detail
