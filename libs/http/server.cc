#include "libs/http/server.h"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/http/detail/beast_stream.h"
#include "libs/http/detail/head_gate.h"
#include "libs/http/detail/request_head.h"
#include "libs/http/detail/tls.h"
#include "libs/http/detail/transport.h"
#include "libs/http/detail/wire.h"
#include "libs/http/url.h"

namespace kc::http {
namespace {

namespace bhttp = boost::beast::http;
using detail::Clock;
using detail::IoError;
using detail::Transport;
using detail::UniqueFd;

log::Logger& logger() {
  static auto& l = log::get("kc.http.server");
  return l;
}

using detail::kLingerBytes;
using detail::kLingerTime;
// Connections accepted per turn of the acceptor loop (see accept_ready).
constexpr int kAcceptBatch = 16;

UniqueFd make_eventfd() { return UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)); }

void signal_eventfd(int fd) {
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd, &one, sizeof(one));
}

void drain_eventfd(int fd) {
  uint64_t value = 0;
  [[maybe_unused]] auto n = ::read(fd, &value, sizeof(value));
}

// Watches the sockets of streaming responses for the peer hanging up while their handlers wait,
// and requests stop on their stop_source. One thread, started on first use.
class PeerMonitor {
 public:
  ~PeerMonitor() { stop(); }

  void watch(uint64_t id, int fd, std::stop_source source) {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    if (!wake_.valid()) wake_ = make_eventfd();
    entries_[id] = Entry{fd, std::move(source)};
    if (!thread_.joinable()) {
      thread_ = std::thread([this] { run(); });
    } else {
      signal_eventfd(wake_.get());
    }
  }

  // After this returns the monitor no longer polls the fd, so it may be closed.
  void unwatch(uint64_t id) {
    std::unique_lock lock(mu_);
    if (entries_.erase(id) == 0 || !thread_.joinable()) return;
    uint64_t seen = generation_;
    signal_eventfd(wake_.get());
    // Wait until the monitor built a new poll set without this fd: a poll() holding the socket
    // would delay its release, so the peer would not see the close.
    cv_.wait(lock, [&] { return generation_ != seen || stopping_; });
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      if (wake_.valid()) signal_eventfd(wake_.get());
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Entry {
    int fd = -1;
    std::stop_source source;
  };

  void run() {
    std::vector<pollfd> fds;
    std::vector<uint64_t> ids;
    for (;;) {
      fds.clear();
      ids.clear();
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        fds.push_back({wake_.get(), POLLIN, 0});
        for (const auto& [id, entry] : entries_) {
          fds.push_back({entry.fd, POLLRDHUP, 0});
          ids.push_back(id);
        }
        ++generation_;
      }
      cv_.notify_all();
      if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
        logger().error("peer monitor stops", {{"error", std::strerror(errno)}});
        {
          std::lock_guard lock(mu_);
          stopping_ = true;  // unwatch() must not wait for a generation that never comes
        }
        cv_.notify_all();
        return;
      }
      if (fds[0].revents != 0) drain_eventfd(wake_.get());
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < ids.size(); ++i) {
        if ((fds[i + 1].revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0) continue;
        auto it = entries_.find(ids[i]);
        if (it == entries_.end()) continue;
        it->second.source.request_stop();
        entries_.erase(it);
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Entry> entries_;
  uint64_t generation_ = 0;
  bool stopping_ = false;
  UniqueFd wake_;
  std::thread thread_;
};

struct Connection {
  uint64_t id = 0;
  std::unique_ptr<Transport> transport;  // reset (closing the socket) under Impl::mu_
  std::string remote;
  std::string host;  // the client's address without the port: what per-client limits count
  // Under Impl::mu: waiting for the first byte of a request (none in progress), since when; and
  // whether it still takes a place in the limits (false once evicted or finished).
  bool idle = false;
  Clock::time_point idle_since;
  bool holds_slot = true;
  bool reserved = false;        // admitted to a reserved place: served once, then closed
  std::string preread;          // bytes the head gate read before the thread started
  bool first_filtered = false;  // the gate ran the filter on the first request\'s head
  std::string client_subject;   // of a verified TLS client certificate
  std::stop_source stop;
  std::thread thread;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, Router r)
      : options(std::move(o)),
        router(std::move(r)),
        gate({.max_pending = options.max_pending_connections,
              .max_pending_per_client = options.max_pending_per_client,
              .max_header_bytes = options.max_header_bytes,
              .header_timeout = options.header_timeout}) {}
  ~Impl() { stop(); }

  Status listen();
  void accept_loop();
  // Accepts all pending connections; false when out of descriptors or memory.
  bool accept_ready();
  void reap_finished();
  // A first request head from the gate: refused there, or given a place and a thread.
  void admit(detail::HeadGate::Head head);
  // Under mu: a place in the limits for a new connection from `host`, closing the longest-idle
  // connection when needed; `reserved_path`: the request may take a reserved place (then
  // `reserved` is set). The reason when there is none.
  std::optional<std::string> take_slot(const std::string& host, bool reserved_path, bool& reserved);
  // Under mu: registers the connection and starts its thread.
  void start_connection(std::unique_ptr<Transport> transport, std::string remote, std::string host,
                        std::string preread, bool reserved);
  // Under mu: the connection longest idle (of `host` when given), or nullptr.
  Connection* oldest_idle(const std::string* host) const;
  // Under mu: closes an idle connection to make room for a new one.
  void evict(Connection& conn);
  // Under mu: gives the connection's place in the limits back.
  void release_slot(Connection& conn);
  // Marks the connection idle or busy; false when it was evicted (it must end).
  bool set_idle(Connection& conn, bool idle);
  void run_connection(Connection* conn);
  void serve(Connection& conn);
  // Reads and answers one request; false when the connection must close.
  bool serve_request(Connection& conn, boost::beast::flat_buffer& buffer, bool& linger);
  // Runs filter, router and handler for a complete request; false when the connection must close.
  bool dispatch(Connection& conn, Request& request, std::string_view raw_path, bool keep_alive,
                bool http11, detail::Clock::time_point started);
  void route(Request& request, std::string_view raw_path, ResponseStream& out);
  Response render_error(const Request& request, int status, std::string_view message) const;
  void stop();

  ServerOptions options;
  Router router;
  detail::SslCtxPtr tls;
  UniqueFd listen_fd;
  UniqueFd wake_fd;
  uint16_t port = 0;
  std::thread acceptor;
  PeerMonitor monitor;
  detail::HeadGate gate;  // acceptor thread only
  std::atomic<uint64_t> threads_started{0};

  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> accepted{0};
  mutable std::mutex mu;
  std::map<uint64_t, std::unique_ptr<Connection>> connections;
  std::vector<uint64_t> finished;
  size_t open = 0;                         // connections holding a slot
  std::map<std::string, size_t> per_host;  // of those, per client address
  uint64_t next_id = 1;

  std::mutex stop_mu;
  bool stopped = false;
};

namespace {

// The ResponseStream a handler writes to: one per request, on the connection's thread.
class StreamImpl final : public ResponseStream {
 public:
  StreamImpl(Server::Impl& server, Connection& conn, bool head_only, bool http11, bool keep_alive)
      : server_(server), conn_(conn), head_only_(head_only), http11_(http11), keep_(keep_alive) {}

  bool send(const Response& response) override {
    if (state_ != State::kIdle) return false;
    state_ = State::kSent;
    status_ = response.status;
    // 1xx, 204 and 304 responses have no body and must not declare one.
    bool bodyless = response.status < 200 || response.status == 204 || response.status == 304;
    detail::Framing framing{
        .content_length = bodyless ? std::nullopt : std::optional(response.body.size()),
        .close = !keep_,
        .keep_alive_1_0 = keep_ && !http11_};
    auto head = detail::format_response_head(response.status, response.headers, framing);
    if (!head) {
      logger().error("handler response refused",
                     {{"server", server_.options.name}, {"error", head.error().message()}});
      keep_ = false;
      status_ = 500;
      head = detail::format_response_head(500, {}, {.content_length = 0, .close = true});
      return write_raw(*head);
    }
    if (head_only_ || bodyless) return write_raw(*head);
    head->append(response.body);  // one write: head and body leave in as few packets as possible
    return write_raw(*head);
  }

  bool start(int status, const Headers& headers) override {
    if (state_ != State::kIdle) return false;
    chunked_ = http11_;
    if (!http11_) keep_ = false;  // an HTTP/1.0 body without length ends at close
    auto head = detail::format_response_head(
        status, headers, {.chunked = chunked_, .close = !keep_, .keep_alive_1_0 = false});
    if (!head) {
      logger().error("handler stream refused",
                     {{"server", server_.options.name}, {"error", head.error().message()}});
      keep_ = false;
      send(Response::empty(500));
      return false;
    }
    state_ = State::kStreaming;
    status_ = status;
    server_.monitor.watch(conn_.id, conn_.transport->fd(), conn_.stop);
    return write_raw(*head);
  }

  bool write(std::string_view data) override {
    if (state_ != State::kStreaming || !ok_) return false;
    if (conn_.stop.stop_requested()) return fail();
    if (data.empty() || head_only_) return true;
    return write_raw(chunked_ ? detail::chunk(data) : std::string(data));
  }

  std::stop_token stop_token() const override { return conn_.stop.get_token(); }

  // After the handler returned: completes the response. Returns whether to keep the connection.
  bool finish() {
    if (state_ == State::kIdle) {
      logger().error("handler sent no response", {{"server", server_.options.name}});
      Response r = Response::text(500, "handler sent no response\n");
      send(r);
    } else if (state_ == State::kStreaming) {
      server_.monitor.unwatch(conn_.id);
      if (ok_ && chunked_ && !head_only_) write_raw(std::string(detail::kLastChunk));
    }
    return keep_ && ok_ && !conn_.stop.stop_requested();
  }

  // The handler threw: end the response as well as possible.
  void abort(const Request& request, std::string_view what) {
    logger().error("handler failed",
                   {{"server", server_.options.name}, {"path", request.path}, {"error", what}});
    if (state_ == State::kIdle) {
      keep_ = false;
      send(server_.render_error(request, 500, "internal server error"));
    } else {
      fail();  // a half-sent response cannot be repaired; closing tells the client
    }
  }

  int status() const { return status_; }

 private:
  enum class State { kIdle, kSent, kStreaming };

  bool write_raw(std::string_view bytes) {
    if (!ok_) return false;
    conn_.transport->set_deadline(detail::deadline_after(server_.options.write_timeout));
    if (conn_.transport->write_all(bytes) != IoError::kNone) return fail();
    return true;
  }

  bool fail() {
    ok_ = false;
    keep_ = false;
    return false;
  }

  Server::Impl& server_;
  Connection& conn_;
  bool head_only_;
  bool http11_;
  bool keep_;
  bool chunked_ = false;
  bool ok_ = true;
  State state_ = State::kIdle;
  int status_ = 0;
};

}  // namespace

Response Server::Impl::render_error(const Request& request, int status,
                                    std::string_view message) const {
  try {
    return router.render_error(request, status, message);
  } catch (const std::exception& e) {
    logger().error("error renderer failed", {{"server", options.name}, {"error", e.what()}});
  } catch (...) {
    logger().error("error renderer failed", {{"server", options.name}});
  }
  return Response::text(status, std::string(message) + "\n");
}

Status Server::Impl::listen() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc =
      ::getaddrinfo(options.address.c_str(), std::to_string(options.port).c_str(), &hints, &found);
  if (rc != 0) {
    return make_error(Errc::kInvalidArgument, "cannot resolve listen address '{}': {}",
                      options.address, gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  // Created close-on-exec atomically: no window in which a fork+exec elsewhere inherits it.
  UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(Errc::kIo, "socket(): {}", std::strerror(errno));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd.get(), found->ai_addr, found->ai_addrlen) != 0) {
    return make_error(Errc::kIo, "cannot bind {}:{}: {}", options.address, options.port,
                      std::strerror(errno));
  }
  if (::listen(fd.get(), SOMAXCONN) != 0) {
    return make_error(Errc::kIo, "cannot listen on {}:{}: {}", options.address, options.port,
                      std::strerror(errno));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len);
  if (bound.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  } else {
    port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  wake_fd = make_eventfd();
  if (!wake_fd.valid()) return make_error(Errc::kIo, "eventfd(): {}", std::strerror(errno));
  listen_fd = std::move(fd);
  return ok();
}

void Server::Impl::accept_loop() {
  bool paused = false;  // out of descriptors: accept again after a wait or a finished connection
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_fd.get(), POLLIN, 0});
    fds.push_back({paused ? -1 : listen_fd.get(), POLLIN, 0});  // a negative fd is not polled
    gate.poll_fds(fds);
    auto deadline = gate.next_deadline();
    if (paused) deadline = std::min(deadline, Clock::now() + std::chrono::milliseconds(200));
    int timeout = -1;
    if (deadline != detail::kNoDeadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      timeout = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60'000));
    }
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) {
      logger().error("poll failed; acceptor stops",
                     {{"server", options.name}, {"error", std::strerror(errno)}});
      return;
    }
    // Drain before looking at `stopping`: stop() sets it before signalling, so a signal drained
    // here cannot hide a stop request.
    if (fds[0].revents != 0) drain_eventfd(wake_fd.get());
    if (stopping.load()) return;
    if (fds[0].revents != 0) reap_finished();
    if (n < 0) continue;  // EINTR
    // The gate first: accepting may close its oldest connections, which would shift the fds.
    for (auto& head : gate.collect(fds.data() + 2, fds.size() - 2)) admit(std::move(head));
    // After a pause (timed out or a connection finished, freeing a descriptor), accept again; the
    // listening socket was not polled, so try it directly.
    bool ready = paused || (fds[1].revents & POLLIN) != 0;
    paused = ready && !accept_ready();
  }
}

bool Server::Impl::accept_ready() {
  // A bounded batch: heads that arrived with the connections are read between batches, so a
  // burst from one client does not push its own first connections out of the gate unread.
  for (int batch = 0; batch < kAcceptBatch; ++batch) {
    int fd = ::accept4(listen_fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        logger().warn("cannot accept: out of resources",
                      {{"server", options.name}, {"error", std::strerror(errno)}});
        return false;
      }
      return true;  // EAGAIN: all pending connections taken
    }
    accepted.fetch_add(1);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto transport = std::make_unique<Transport>(UniqueFd(fd));
    std::string remote = transport->remote_address();
    std::string host = remote.substr(0, remote.rfind(':'));
    if (!tls) {  // the thread waits for a head that passes the filter and the limits: see admit
      gate.add(std::move(transport), std::move(remote), std::move(host));
      continue;
    }
    std::lock_guard lock(mu);
    bool reserved = false;
    if (auto refused = take_slot(host, false, reserved)) {
      logger().warn("connection refused",
                    {{"server", options.name}, {"reason", *refused}, {"peer", remote}});
      continue;  // closed: a TLS client cannot be told more before its handshake
    }
    start_connection(std::move(transport), std::move(remote), std::move(host), {}, false);
  }
  return true;
}

void Server::Impl::admit(detail::HeadGate::Head head) {
  Request request;
  request.remote_address = head.remote;
  // Answered from the acceptor; the connection closes after it.
  auto answer = [&](const Response& response) {
    auto bytes = detail::format_response_head(
        response.status, response.headers, {.content_length = response.body.size(), .close = true});
    if (!bytes) return;  // the connection closes without an answer
    if (request.method != Method::kHead) bytes->append(response.body);
    gate.refuse(std::move(head), *bytes);
  };
  auto refuse = [&](int status, std::string_view message) {
    answer(render_error(request, status, message));
  };
  detail::RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
  boost::system::error_code ec;
  auto end = head.bytes.find("\r\n\r\n");
  size_t head_size = end == std::string::npos ? head.bytes.size() : end + 4;
  parser.put(boost::asio::buffer(head.bytes.data(), head_size), ec);
  if (!ec && !parser.is_header_done()) ec = bhttp::error::header_limit;  // no end of head in time
  if (ec) {
    auto refusal = detail::head_read_refusal(ec, options.max_header_bytes, options.max_body_bytes);
    return refuse(refusal.status, refusal.message);
  }
  if (auto refusal = detail::to_request(parser, request)) {
    return refuse(refusal->status, refusal->message);
  }
  if (const auto& filter = router.filter()) {
    std::optional<Response> refused;
    try {
      refused = filter(request);
    } catch (const std::exception& e) {
      logger().error("filter failed", {{"server", options.name}, {"error", e.what()}});
      refused = render_error(request, 500, "internal server error");
    }
    if (refused) return answer(*refused);
  }
  bool reserved_path = std::find(options.reserved_paths.begin(), options.reserved_paths.end(),
                                 request.path) != options.reserved_paths.end();
  std::lock_guard lock(mu);
  bool reserved = false;
  if (auto refused = take_slot(head.host, reserved_path, reserved)) {
    logger().warn("connection refused",
                  {{"server", options.name}, {"reason", *refused}, {"peer", head.remote}});
    return refuse(503, *refused);
  }
  start_connection(std::move(head.transport), std::move(head.remote), std::move(head.host),
                   std::move(head.bytes), reserved);
}

std::optional<std::string> Server::Impl::take_slot(const std::string& host, bool reserved_path,
                                                   bool& reserved) {
  // At a limit, the connection idle for longest makes room (of the same client for the
  // per-client limit): a client that parks connections cannot lock others out. Only when every
  // connection is busy with a request is the new one refused.
  auto same_host = per_host.find(host);
  if (same_host != per_host.end() && same_host->second >= options.max_connections_per_client) {
    Connection* victim = oldest_idle(&host);
    if (!victim) {
      return fmt::format("too many connections from this client (limit {})",
                         options.max_connections_per_client);
    }
    evict(*victim);
  }
  size_t reserve = options.reserved_paths.empty()
                       ? 0
                       : std::min(options.reserved_connections, options.max_connections - 1);
  if (open >= options.max_connections - reserve) {
    if (Connection* victim = oldest_idle(nullptr)) {
      evict(*victim);
    } else if (reserved_path && open < options.max_connections) {
      reserved = true;
    } else {
      return fmt::format("too many connections (limit {})", options.max_connections);
    }
  }
  return std::nullopt;
}

void Server::Impl::start_connection(std::unique_ptr<Transport> transport, std::string remote,
                                    std::string host, std::string preread, bool reserved) {
  auto conn = std::make_unique<Connection>();
  conn->id = next_id++;
  conn->remote = std::move(remote);
  conn->host = std::move(host);
  conn->transport = std::move(transport);
  conn->first_filtered = !preread.empty();
  conn->preread = std::move(preread);
  conn->reserved = reserved;
  conn->idle = conn->preread.empty();  // no request yet: evictable from the start
  conn->idle_since = Clock::now();
  ++open;
  ++per_host[conn->host];
  Connection* raw = conn.get();
  connections.emplace(raw->id, std::move(conn));
  threads_started.fetch_add(1);  // before the thread runs: a test may see its answer first
  try {
    raw->thread = std::thread([this, raw] { run_connection(raw); });
  } catch (const std::system_error& e) {
    threads_started.fetch_sub(1);
    logger().error("cannot start connection thread",
                   {{"server", options.name}, {"error", e.what()}});
    release_slot(*raw);
    connections.erase(raw->id);
  }
}

Connection* Server::Impl::oldest_idle(const std::string* host) const {
  Connection* oldest = nullptr;
  for (const auto& [id, conn] : connections) {
    if (!conn->idle || !conn->holds_slot || (host && conn->host != *host)) continue;
    if (!oldest || conn->idle_since < oldest->idle_since) oldest = conn.get();
  }
  return oldest;
}

void Server::Impl::evict(Connection& conn) {
  logger().debug("idle connection closed to make room",
                 {{"server", options.name}, {"peer", conn.remote}});
  conn.idle = false;
  release_slot(conn);
  if (conn.transport) conn.transport->interrupt();
}

void Server::Impl::release_slot(Connection& conn) {
  if (!conn.holds_slot) return;
  conn.holds_slot = false;
  --open;
  auto it = per_host.find(conn.host);
  if (it != per_host.end() && --it->second == 0) per_host.erase(it);
}

bool Server::Impl::set_idle(Connection& conn, bool idle) {
  std::lock_guard lock(mu);
  if (!conn.holds_slot) return false;
  conn.idle = idle;
  if (idle) conn.idle_since = Clock::now();
  return true;
}

void Server::Impl::reap_finished() {
  std::vector<std::unique_ptr<Connection>> done;
  {
    std::lock_guard lock(mu);
    for (uint64_t id : finished) {
      auto it = connections.find(id);
      if (it == connections.end()) continue;
      done.push_back(std::move(it->second));
      connections.erase(it);
    }
    finished.clear();
  }
  for (auto& conn : done) {
    if (conn->thread.joinable()) conn->thread.join();
  }
}

void Server::Impl::run_connection(Connection* conn) {
  try {
    serve(*conn);
  } catch (const std::exception& e) {
    logger().error("connection failed", {{"server", options.name}, {"error", e.what()}});
  } catch (...) {
    logger().error("connection failed", {{"server", options.name}});
  }
  {
    std::lock_guard lock(mu);
    conn->transport.reset();  // closes the socket; stop() interrupts only under this lock
    conn->idle = false;
    release_slot(*conn);
    finished.push_back(conn->id);
  }
  signal_eventfd(wake_fd.get());
}

void Server::Impl::serve(Connection& conn) {
  Transport& t = *conn.transport;
  bool linger = false;
  if (tls) {
    auto handshake = t.handshake_server(tls.get(), detail::deadline_after(options.header_timeout));
    if (!handshake) {
      logger().debug("TLS handshake failed", {{"server", options.name},
                                              {"peer", conn.remote},
                                              {"error", handshake.error().message()}});
      linger = true;
    }
    conn.client_subject = t.peer_subject();
  }
  boost::beast::flat_buffer buffer;
  if (!conn.preread.empty()) {  // the first request's head (and more), read by the gate
    auto copied = boost::asio::buffer_copy(buffer.prepare(conn.preread.size()),
                                           boost::asio::buffer(conn.preread));
    buffer.commit(copied);
    conn.preread = std::string();
  }
  bool first = true;
  while (!linger && !stopping.load()) {
    if (buffer.size() == 0) {
      auto wait = first ? options.header_timeout : options.idle_timeout;
      if (!set_idle(conn, true)) break;
      auto waited = t.wait_readable(detail::deadline_after(wait));
      if (!set_idle(conn, false) || waited != IoError::kNone) break;
    }
    first = false;
    if (!serve_request(conn, buffer, linger)) break;
  }
  if (t.interrupted()) return;
  {
    // The place is free before the client sees the close: a client that reconnects at once
    // (a probe on its reserved place) finds it free. A lingering close holds no place.
    std::lock_guard lock(mu);
    conn.idle = false;
    release_slot(conn);
  }
  t.shutdown_write();
  if (!linger) return;
  t.discard_input(Clock::now() + kLingerTime, kLingerBytes);
}

bool Server::Impl::serve_request(Connection& conn, boost::beast::flat_buffer& buffer,
                                 bool& linger) {
  Transport& t = *conn.transport;
  detail::BeastReadStream stream(t);
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
  boost::system::error_code ec;
  auto started = Clock::now();
  t.set_deadline(detail::deadline_after(options.header_timeout));
  bhttp::read_header(stream, buffer, parser, ec);

  Request request;
  request.remote_address = conn.remote;
  request.client_cert_subject = conn.client_subject;
  auto refuse = [&](const detail::HeadRefusal& refusal) {
    StreamImpl out(*this, conn, false, refusal.http11, false);
    out.send(render_error(request, refusal.status, refusal.message));
    linger = true;
    return false;
  };
  if (ec) {
    if (ec == bhttp::error::end_of_stream || stream.last_error() != IoError::kNone) return false;
    return refuse(detail::head_read_refusal(ec, options.max_header_bytes, options.max_body_bytes));
  }
  if (auto refusal = detail::to_request(parser, request)) return refuse(*refusal);
  auto& message = parser.get();
  bool http11 = message.version() >= 11;
  std::string_view raw_path = std::string_view(request.target).substr(0, request.target.find('?'));

  // The filter (authentication, read-only mode) sees the head only: a request it refuses never
  // gets its body read, so an unauthenticated client cannot make the server buffer bodies. The
  // unread body is not skipped: the connection closes after the answer.
  // The first request of a connection from the gate was filtered there: once per request.
  bool filtered = std::exchange(conn.first_filtered, false);
  if (const auto& filter = router.filter(); filter && !filtered) {
    std::optional<Response> refused;
    try {
      refused = filter(request);
    } catch (const std::exception& e) {
      logger().error("filter failed", {{"server", options.name}, {"error", e.what()}});
      refused = render_error(request, 500, "internal server error");
    }
    if (refused) {
      bool body_unread = !parser.is_done();
      bool keep_alive = !body_unread && options.keep_alive && !conn.reserved &&
                        message.keep_alive() && !stopping.load();
      StreamImpl out(*this, conn, request.method == Method::kHead, http11, keep_alive);
      out.send(*refused);
      if (body_unread) linger = true;
      return out.finish();
    }
  }

  if (!parser.is_done()) {
    auto expect = request.headers.get("Expect");
    if (http11 && expect && strings::iequals(*expect, "100-continue")) {
      t.set_deadline(detail::deadline_after(options.write_timeout));
      if (t.write_all("HTTP/1.1 100 Continue\r\n\r\n") != IoError::kNone) return false;
    }
    t.set_deadline(detail::deadline_after(options.body_timeout));
    bhttp::read(stream, buffer, parser, ec);
    if (ec == bhttp::error::body_limit) {
      return refuse(
          {413, fmt::format("request body exceeds {} bytes", options.max_body_bytes), http11});
    }
    if (ec) {
      if (stream.last_error() != IoError::kNone) return false;
      return refuse({400, fmt::format("malformed request body: {}", ec.message()), http11});
    }
  }
  request.body = std::move(parser.get().body());
  bool keep_alive =
      options.keep_alive && !conn.reserved && message.keep_alive() && !stopping.load();
  return dispatch(conn, request, raw_path, keep_alive, http11, started);
}

bool Server::Impl::dispatch(Connection& conn, Request& request, std::string_view raw_path,
                            bool keep_alive, bool http11, Clock::time_point started) {
  StreamImpl out(*this, conn, request.method == Method::kHead, http11, keep_alive);
  try {
    route(request, raw_path, out);
  } catch (const std::exception& e) {
    out.abort(request, e.what());
  } catch (...) {
    out.abort(request, "unknown exception");
  }
  bool keep = out.finish();
  logger().debug(
      "request",
      {{"server", options.name},
       {"method", to_string(request.method)},
       {"path", request.path},
       {"status", out.status()},
       {"peer", conn.remote},
       {"ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()}});
  return keep;
}

void Server::Impl::route(Request& request, std::string_view raw_path, ResponseStream& out) {
  auto match = router.resolve(request.method, raw_path);
  switch (match.kind) {
    case Router::Match::Kind::kFound:
      request.path_params = std::move(match.params);
      (*match.handler)(request, out);
      return;
    case Router::Match::Kind::kNotFound:
      if (match.handler) {
        (*match.handler)(request, out);
      } else {
        out.send(render_error(request, 404, "HTTP 404 Not Found"));
      }
      return;
    case Router::Match::Kind::kMethodNotAllowed: {
      Response response = render_error(request, 405, "HTTP 405 Method Not Allowed");
      response.headers.set("Allow", match.allow);
      out.send(response);
      return;
    }
    case Router::Match::Kind::kBadPath:
      out.send(render_error(request, 400, "malformed request path"));
      return;
  }
}

void Server::Impl::stop() {
  std::lock_guard stop_lock(stop_mu);
  if (stopped) return;
  stopped = true;
  bool was_running = acceptor.joinable();
  stopping.store(true);
  if (wake_fd.valid()) signal_eventfd(wake_fd.get());
  if (acceptor.joinable()) acceptor.join();
  listen_fd.reset();
  gate.clear();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu);
    for (auto& [id, conn] : connections) {
      conn->stop.request_stop();  // wakes streaming handlers
      if (conn->transport) conn->transport->interrupt();
      threads.push_back(std::move(conn->thread));
    }
  }
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
  {
    std::lock_guard lock(mu);
    connections.clear();
    finished.clear();
    open = 0;
    per_host.clear();
  }
  monitor.stop();
  if (was_running) logger().info("HTTP server stopped", {{"server", options.name}, {"port", port}});
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::start(ServerOptions options, Router router) {
  try {
    KC_RETURN_IF_ERROR(router.validate());
    if (options.max_connections == 0 || options.max_connections_per_client == 0 ||
        options.max_pending_connections == 0 || options.max_pending_per_client == 0) {
      return make_error(Errc::kInvalidArgument,
                        "max_connections, max_connections_per_client, max_pending_connections and "
                        "max_pending_per_client must be at least 1");
    }
    auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
    if (const auto& tls = impl->options.tls) {
      KC_ASSIGN_OR_RETURN(impl->tls, detail::make_server_ctx({
                                         .cert = {tls->cert_file, tls->cert_pem},
                                         .key = {tls->key_file, tls->key_pem},
                                         .client_ca = {tls->client_ca_file, tls->client_ca_pem},
                                         .require_client_cert = tls->require_client_cert,
                                     }));
    }
    KC_RETURN_IF_ERROR(impl->listen());
    Impl* raw = impl.get();
    impl->acceptor = std::thread([raw] { raw->accept_loop(); });
    logger().info("HTTP server listening", {{"server", raw->options.name},
                                            {"address", raw->options.address},
                                            {"port", raw->port},
                                            {"tls", raw->tls != nullptr}});
    return std::make_unique<Server>(std::move(impl));
  } catch (const std::exception& e) {
    return make_error(Errc::kInternal, "starting HTTP server: {}", e.what());
  }
}

uint16_t Server::port() const { return impl_->port; }

void Server::stop() { impl_->stop(); }

uint64_t Server::accepted_connections() const { return impl_->accepted.load(); }

uint64_t Server::connection_threads_started() const { return impl_->threads_started.load(); }

size_t Server::active_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open;
}

}  // namespace kc::http
