#include "tests/fakes/kafka_edge/kafka_edge.h"

#include <array>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "tests/fakes/kafka_edge/asio.h"
#include "tests/fakes/kafka_edge/codec.h"
#include "tests/fakes/kafka_edge/sasl_session.h"
#include "tests/fakes/kafka_edge/user_store.h"

namespace kc::fakes::kafka_edge {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = ssl::stream<tcp::socket>;
template <class T>
using awaitable = asio::awaitable<T>;

kc::log::Logger& logger() {
  static auto& log = kc::log::get("kc.fakes.kafka_edge");
  return log;
}

struct Upstream {
  BrokerAddress address;  // as given in Options::upstream
  tcp::endpoint endpoint;
};

tcp::socket& socket_of(tcp::socket& s) { return s; }
tcp::socket& socket_of(TlsStream& s) { return s.next_layer(); }

// Reads one Kafka frame (int32 big-endian size, then the payload).
template <class Stream>
awaitable<Result<Bytes>> read_frame(Stream& stream, uint32_t max_bytes) {
  boost::system::error_code ec;
  std::array<uint8_t, 4> size_bytes{};
  co_await asio::async_read(stream, asio::buffer(size_bytes),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return make_error(Errc::kIo, "{}", ec.message());
  auto size =
      static_cast<int32_t>((uint32_t{size_bytes[0]} << 24) | (uint32_t{size_bytes[1]} << 16) |
                           (uint32_t{size_bytes[2]} << 8) | size_bytes[3]);
  if (size < 0 || static_cast<uint32_t>(size) > max_bytes) {
    co_return make_error(Errc::kProtocol, "frame size {} outside [0, {}]", size, max_bytes);
  }
  Bytes payload(static_cast<size_t>(size));
  co_await asio::async_read(stream, asio::buffer(payload),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return make_error(Errc::kIo, "{}", ec.message());
  co_return payload;
}

template <class Stream>
awaitable<Status> write_frame(Stream& stream, const Bytes& payload) {
  Writer size;
  size.i32(static_cast<int32_t>(payload.size()));
  std::array<asio::const_buffer, 2> buffers{asio::buffer(size.data()), asio::buffer(payload)};
  boost::system::error_code ec;
  co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return make_error(Errc::kIo, "{}", ec.message());
  co_return ok();
}

// Runs a coroutine on the I/O thread; nothing escapes it.
void spawn(asio::io_context& io, awaitable<void> task) {
  asio::co_spawn(io, std::move(task), [](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      logger().error("connection task failed", {{"error", ex.what()}});
    } catch (...) {
      logger().error("connection task failed", {{"error", "unknown exception"}});
    }
  });
}

bool is_sasl_request(int16_t api_key) {
  return api_key == api::kSaslHandshake || api_key == api::kSaslAuthenticate;
}

bool is_tracked(int16_t api_key) {
  return api_key == api::kMetadata || api_key == api::kFindCoordinator ||
         api_key == api::kApiVersions;
}

}  // namespace

// ---- the edge -------------------------------------------------------------------------------

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void close() = 0;
};

class KafkaEdge::Impl {
 public:
  explicit Impl(Options options) : options_(std::move(options)) {}
  ~Impl() { stop(); }

  Status open();
  void stop();

  const std::string& bootstrap() const { return bootstrap_; }
  const std::vector<uint16_t>& ports() const { return ports_; }
  Status swap_tls(const TlsMaterial& material, DropConnections drop);
  void drop_connections();
  Counters counters() const {
    std::lock_guard lock(mu_);
    return counters_;
  }
  bool wait_for(const std::function<bool(const Counters&)>& predicate,
                std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return predicate(counters_); });
  }

  // Used by connections (I/O thread).
  template <class F>
  void update(F&& f) {
    {
      std::lock_guard lock(mu_);
      f(counters_);
    }
    cv_.notify_all();
  }
  const Options& options() const { return options_; }
  const Upstream& upstream(size_t broker) const { return upstreams_[broker]; }
  const std::shared_ptr<const UserStore>& users() const { return users_; }
  std::optional<BrokerAddress> rewrite(const BrokerAddress& address);
  void add(uint64_t id, std::weak_ptr<ConnectionBase> connection) {
    connections_[id] = std::move(connection);
  }
  void remove(uint64_t id) { connections_.erase(id); }
  asio::io_context& io() { return io_; }

 private:
  awaitable<void> accept_loop(size_t broker);
  std::shared_ptr<ssl::context> current_tls() const {
    std::lock_guard lock(mu_);
    return tls_;
  }
  void close_connections();

  Options options_;
  std::vector<Upstream> upstreams_;
  std::vector<uint16_t> ports_;
  std::string bootstrap_;
  std::shared_ptr<const UserStore> users_;

  mutable std::mutex mu_;  // guards counters_ and tls_
  mutable std::condition_variable cv_;
  Counters counters_;
  std::shared_ptr<ssl::context> tls_;

  // Declared after everything connections use, so it is destroyed (with any coroutine frames it
  // still holds) first.
  asio::io_context io_;
  std::vector<tcp::acceptor> acceptors_;
  std::unordered_map<uint64_t, std::weak_ptr<ConnectionBase>> connections_;  // I/O thread only
  uint64_t next_connection_id_ = 0;
  std::thread thread_;
};

// ---- one client connection ------------------------------------------------------------------

namespace {

// One client connection and its upstream connection. Runs entirely on the I/O thread.
// Before authentication (SASL on) requests are handled one at a time, like a broker handling a
// muted channel; afterwards two pumps relay frames both ways and the upstream->client pump
// rewrites the responses it tracks.
template <class Stream>
class Connection final : public ConnectionBase {
 public:
  Connection(KafkaEdge::Impl& edge, uint64_t id, size_t broker, std::shared_ptr<ssl::context> tls,
             tcp::socket socket)
      : edge_(edge),
        id_(id),
        broker_(broker),
        tls_(std::move(tls)),
        stream_(make_stream(std::move(socket))),
        upstream_(edge.io()) {
    if (!edge.options().sasl.mechanisms.empty()) {
      sasl_.emplace(edge.users(), edge.options().sasl.mechanisms);
    }
  }
  ~Connection() override {
    edge_.update([](Counters& c) { --c.connections_open; });
  }

  void close() override {
    boost::system::error_code ignored;
    socket_of(stream_).close(ignored);
    upstream_.close(ignored);
  }

  // The coroutine owns the connection through `self` (a coroutine's parameters live in its
  // frame), so the connection lives until both directions have finished.
  static awaitable<void> run(std::shared_ptr<Connection> self) {
    // One co_await per statement: GCC 12 miscompiles co_await inside && (SIGILL at run time).
    bool ready = co_await self->handshake();
    if (ready) ready = co_await self->connect_upstream();
    if (ready) ready = co_await self->authenticate();
    if (ready) {
      spawn(self->edge_.io(), upstream_to_client(self));
      co_await client_to_upstream(self);
    }
    self->close();
    self->edge_.remove(self->id_);
  }

 private:
  Stream make_stream(tcp::socket socket) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return TlsStream(std::move(socket), *tls_);
    } else {
      return socket;
    }
  }

  void log_closed(std::string_view during, const Error& error) {
    logger().debug(
        "connection closed",
        {{"connection", id_}, {"broker", broker_}, {"during", during}, {"error", error.message()}});
  }

  awaitable<bool> handshake() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      boost::system::error_code ec;
      co_await stream_.async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        // A client that goes away mid-handshake (a client being destroyed while it connects) is
        // not a TLS failure; anything else is (certificate refused, protocol mismatch, ...).
        if (ec == asio::error::eof || ec == ssl::error::stream_truncated ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
          log_closed("TLS handshake", Error(Errc::kIo, ec.message()));
          co_return false;
        }
        edge_.update([](Counters& c) { ++c.tls_handshake_failures; });
        logger().info("TLS handshake failed",
                      {{"connection", id_}, {"broker", broker_}, {"error", ec.message()}});
        co_return false;
      }
    }
    co_return true;
  }

  awaitable<bool> connect_upstream() {
    boost::system::error_code ec;
    co_await upstream_.async_connect(edge_.upstream(broker_).endpoint,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      edge_.update([](Counters& c) { ++c.upstream_connect_failures; });
      logger().warn("cannot connect to the upstream broker",
                    {{"connection", id_}, {"broker", broker_}, {"error", ec.message()}});
      co_return false;
    }
    boost::system::error_code ignored;
    upstream_.set_option(tcp::no_delay(true), ignored);
    co_return true;
  }

  // SASL before any other request: runs until authenticated (true) or the connection must close.
  awaitable<bool> authenticate() {
    if (!sasl_) co_return true;
    const uint32_t max_bytes = edge_.options().max_frame_bytes;
    while (!sasl_->authenticated()) {
      auto frame = co_await read_frame(stream_, max_bytes);
      if (!frame) {
        log_closed("authentication: client read", frame.error());
        co_return false;
      }
      if (sasl_->expects_raw_token()) {
        bool keep_going = co_await answer(sasl_->handle_raw_token(*frame));
        if (!keep_going) co_return false;
        continue;
      }
      auto ids = peek_request_ids(*frame);
      if (!ids) {
        protocol_error(ids.error());
        co_return false;
      }
      if (is_sasl_request(ids->api_key)) {
        bool keep_going = co_await answer(sasl_->handle_request(*frame));
        if (!keep_going) co_return false;
        continue;
      }
      if (ids->api_key != api::kApiVersions) {
        // A broker closes the connection on any other request during the SASL handshake
        // (IllegalSaslStateException in Kafka's SaslServerAuthenticator).
        edge_.update([](Counters& c) { ++c.requests_refused; });
        logger().info("request refused before SASL authentication",
                      {{"connection", id_}, {"api_key", ids->api_key}});
        co_return false;
      }
      pending_[ids->correlation_id] = *ids;
      Status forwarded = co_await write_frame(upstream_, *frame);
      if (!forwarded) co_return false;
      auto response = co_await read_frame(upstream_, max_bytes);
      if (!response) {
        log_closed("authentication: upstream read", response.error());
        co_return false;
      }
      auto out = process_response(std::move(*response));
      if (!out) {
        protocol_error(out.error());
        co_return false;
      }
      Status answered = co_await write_frame(stream_, *out);
      if (!answered) co_return false;
    }
    co_return true;
  }

  // Sends a SASL reply; false when the connection must close.
  awaitable<bool> answer(SaslSession::Reply reply) {
    using Outcome = SaslSession::Outcome;
    if (reply.outcome == Outcome::kFailed) {
      edge_.update([](Counters& c) { ++c.auth_failures; });
      logger().info(
          "SASL authentication failed",
          {{"connection", id_}, {"mechanism", sasl_->mechanism()}, {"reason", reply.reason}});
      // The error response (if the protocol has one) goes out before the connection closes.
      if (!reply.frame.empty()) co_await write_frame(stream_, reply.frame);
      co_return false;
    }
    Status sent = co_await write_frame(stream_, reply.frame);
    if (!sent) co_return false;
    if (reply.outcome == Outcome::kAuthenticated) {
      edge_.update([](Counters& c) { ++c.auth_successes; });
      logger().debug(
          "SASL authentication succeeded",
          {{"connection", id_}, {"mechanism", sasl_->mechanism()}, {"user", sasl_->user()}});
    }
    co_return true;
  }

  static awaitable<void> client_to_upstream(std::shared_ptr<Connection> self) {
    co_await self->relay(self->stream_, self->upstream_, "client to upstream",
                         &Connection::process_request);
  }
  static awaitable<void> upstream_to_client(std::shared_ptr<Connection> self) {
    co_await self->relay(self->upstream_, self->stream_, "upstream to client",
                         &Connection::process_response);
  }

  // Moves frames from `from` to `to`, each through `process`, until a read or write fails or
  // `process` refuses a frame; then closes both sides.
  template <class From, class To>
  awaitable<void> relay(From& from, To& to, std::string_view direction,
                        Result<Bytes> (Connection::*process)(Bytes)) {
    const uint32_t max_bytes = edge_.options().max_frame_bytes;
    for (;;) {
      auto frame = co_await read_frame(from, max_bytes);
      if (!frame) {
        log_closed(direction, frame.error());
        break;
      }
      auto out = (this->*process)(std::move(*frame));
      if (!out) {
        refused(out.error());
        break;
      }
      Status sent = co_await write_frame(to, *out);
      if (!sent) {
        log_closed(direction, sent.error());
        break;
      }
    }
    close();
  }

  // Tracks the requests whose responses need rewriting; refuses SASL after authentication.
  Result<Bytes> process_request(Bytes frame) {
    KC_ASSIGN_OR_RETURN(RequestIds ids, peek_request_ids(frame));
    if (sasl_ && is_sasl_request(ids.api_key)) {
      // KIP-368 re-authentication is not offered (SessionLifetimeMs 0), so a SASL request now is
      // a client bug. Answering it here would race the other direction's writes to the client.
      return make_error(Errc::kPermissionDenied,
                        "SASL request (API key {}) after authentication; re-authentication is not "
                        "supported",
                        ids.api_key);
    }
    if (is_tracked(ids.api_key)) pending_[ids.correlation_id] = ids;
    if (ids.api_key == api::kJoinGroup || ids.api_key == api::kLeaveGroup) {
      KC_RETURN_IF_ERROR(observe_membership(frame));
    }
    return frame;
  }

  // Records JoinGroup's GroupInstanceId and counts LeaveGroups (Counters: static membership).
  Status observe_membership(ByteView frame) {
    Reader reader(frame);
    KC_ASSIGN_OR_RETURN(RequestHeader header, read_request_header(reader));
    if (header.ids.api_key == api::kLeaveGroup) {
      edge_.update([](Counters& c) { ++c.leave_group_requests; });
      return ok();
    }
    KC_ASSIGN_OR_RETURN(auto instance_id,
                        read_join_group_instance_id(reader, header.ids.api_version));
    edge_.update(
        [&](Counters& c) { c.join_group_instance_ids.push_back(instance_id.value_or("")); });
    return ok();
  }

  // Rewrites the responses the edge tracks; everything else passes unchanged.
  Result<Bytes> process_response(Bytes frame) {
    KC_ASSIGN_OR_RETURN(int32_t correlation_id, peek_correlation_id(frame));
    auto it = pending_.find(correlation_id);
    if (it == pending_.end()) return frame;
    RequestIds ids = it->second;
    pending_.erase(it);
    auto rewrite = [this](const BrokerAddress& a) { return edge_.rewrite(a); };
    switch (ids.api_key) {
      case api::kMetadata: {
        KC_ASSIGN_OR_RETURN(auto out, rewrite_metadata_response(frame, ids.api_version, rewrite));
        edge_.update([](Counters& c) { ++c.metadata_rewrites; });
        return out;
      }
      case api::kFindCoordinator: {
        KC_ASSIGN_OR_RETURN(auto out,
                            rewrite_find_coordinator_response(frame, ids.api_version, rewrite));
        edge_.update([](Counters& c) { ++c.find_coordinator_rewrites; });
        return out;
      }
      case api::kApiVersions: {
        if (!sasl_) return frame;
        const std::array<ApiVersionRange, 2> sasl_apis{kSaslHandshakeVersions,
                                                       kSaslAuthenticateVersions};
        return add_api_versions(frame, ids.api_version, sasl_apis);
      }
      default:
        return frame;
    }
  }

  // A frame `process_request` / `process_response` would not pass on.
  void refused(const Error& error) {
    if (error.code() == Errc::kProtocol) {
      protocol_error(error);
      return;
    }
    logger().info("closing the connection", {{"connection", id_}, {"reason", error.message()}});
  }

  void protocol_error(const Error& error) {
    edge_.update([](Counters& c) { ++c.protocol_errors; });
    logger().error("Kafka protocol error; closing the connection",
                   {{"connection", id_}, {"broker", broker_}, {"error", error.message()}});
  }

  KafkaEdge::Impl& edge_;
  uint64_t id_;
  size_t broker_;
  std::shared_ptr<ssl::context> tls_;  // before stream_: the stream uses it
  Stream stream_;
  tcp::socket upstream_;
  std::optional<SaslSession> sasl_;
  std::unordered_map<int32_t, RequestIds> pending_;  // correlation id -> request, tracked APIs
};

Result<std::vector<Upstream>> resolve_upstreams(asio::io_context& io, std::string_view list) {
  std::vector<Upstream> out;
  tcp::resolver resolver(io);
  for (const auto& entry : strings::split_list(list)) {
    auto colon = entry.rfind(':');
    auto port = colon == std::string::npos ? std::nullopt
                                           : strings::parse_int<uint16_t>(entry.substr(colon + 1));
    if (!port || *port == 0) {
      return make_error(Errc::kInvalidConfig, "upstream '{}' is not host:port", entry);
    }
    std::string host = entry.substr(0, colon);
    boost::system::error_code ec;
    auto results = resolver.resolve(host, std::to_string(*port), ec);
    if (ec || results.empty()) {
      return make_error(Errc::kUnavailable, "cannot resolve upstream '{}': {}", entry,
                        ec ? ec.message() : "no address");
    }
    out.push_back(Upstream{BrokerAddress{host, *port}, results.begin()->endpoint()});
  }
  if (out.empty()) return make_error(Errc::kInvalidConfig, "no upstream brokers given");
  return out;
}

}  // namespace

Status KafkaEdge::Impl::open() {
  if (options_.tls) {
    KC_ASSIGN_OR_RETURN(tls_, make_server_context(*options_.tls));
  }
  const auto& sasl = options_.sasl;
  if (!sasl.mechanisms.empty()) {
    if (sasl.users.empty()) return make_error(Errc::kInvalidConfig, "SASL is on but has no users");
    KC_ASSIGN_OR_RETURN(users_, UserStore::create(sasl.users, sasl.scram_iterations));
  }
  KC_ASSIGN_OR_RETURN(upstreams_, resolve_upstreams(io_, options_.upstream));
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec)
    return make_error(Errc::kInvalidConfig, "listen host '{}' is not an IP address", options_.host);
  std::vector<std::string> entries;
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    tcp::acceptor acceptor(io_);
    tcp::endpoint endpoint(address, 0);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return make_error(Errc::kIo, "listening on {}: {}", options_.host, ec.message());
    ports_.push_back(acceptor.local_endpoint().port());
    entries.push_back(fmt::format("{}:{}", options_.host, ports_.back()));
    acceptors_.push_back(std::move(acceptor));
  }
  bootstrap_ = strings::join(entries, ",");
  counters_.accepted_per_broker.assign(upstreams_.size(), 0);
  for (size_t i = 0; i < acceptors_.size(); ++i) spawn(io_, accept_loop(i));
  thread_ = std::thread([this] { io_.run(); });
  logger().info("kafka edge listening", {{"bootstrap", bootstrap_},
                                         {"upstream", options_.upstream},
                                         {"tls", options_.tls.has_value()},
                                         {"sasl", !sasl.mechanisms.empty()}});
  return ok();
}

void KafkaEdge::Impl::stop() {
  if (!thread_.joinable()) return;
  std::promise<void> done;
  auto closed = done.get_future();
  asio::post(io_, [this, &done] {
    boost::system::error_code ignored;
    for (auto& acceptor : acceptors_) acceptor.close(ignored);
    close_connections();
    done.set_value();
  });
  closed.wait();
  // Coroutines still unwinding from the closed sockets are destroyed with io_.
  io_.stop();
  thread_.join();
}

awaitable<void> KafkaEdge::Impl::accept_loop(size_t broker) {
  tcp::acceptor& acceptor = acceptors_[broker];
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      logger().warn("accept failed", {{"broker", broker}, {"error", ec.message()}});
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    update([broker](Counters& c) {
      ++c.connections_accepted;
      ++c.connections_open;
      ++c.accepted_per_broker[broker];
    });
    uint64_t id = ++next_connection_id_;
    if (auto tls = current_tls()) {
      auto connection =
          std::make_shared<Connection<TlsStream>>(*this, id, broker, tls, std::move(socket));
      add(id, connection);
      spawn(io_, Connection<TlsStream>::run(connection));
    } else {
      auto connection =
          std::make_shared<Connection<tcp::socket>>(*this, id, broker, nullptr, std::move(socket));
      add(id, connection);
      spawn(io_, Connection<tcp::socket>::run(connection));
    }
  }
}

std::optional<BrokerAddress> KafkaEdge::Impl::rewrite(const BrokerAddress& address) {
  // Exact host:port first; then the port alone when one upstream has it (the upstream list may
  // say "localhost" where the broker advertises "127.0.0.1").
  std::optional<size_t> match;
  size_t port_matches = 0;
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    if (upstreams_[i].address == address) {
      match = i;
      break;
    }
    if (upstreams_[i].address.port == address.port && port_matches++ == 0) match = i;
  }
  if (!match || (port_matches > 1 && upstreams_[*match].address != address)) {
    update([](Counters& c) { ++c.unmapped_addresses; });
    logger().warn("broker address matches no upstream; left unchanged",
                  {{"host", address.host}, {"port", address.port}});
    return std::nullopt;
  }
  return BrokerAddress{options_.host, ports_[*match]};
}

void KafkaEdge::Impl::close_connections() {
  for (auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) connection->close();
  }
}

void KafkaEdge::Impl::drop_connections() {
  std::promise<void> done;
  auto closed = done.get_future();
  asio::post(io_, [this, &done] {
    close_connections();
    done.set_value();
  });
  closed.wait();
  logger().info("dropped every client connection");
}

Status KafkaEdge::Impl::swap_tls(const TlsMaterial& material, DropConnections drop) {
  if (!options_.tls) return make_error(Errc::kConflict, "the edge was started without TLS");
  KC_ASSIGN_OR_RETURN(auto context, make_server_context(material));
  {
    std::lock_guard lock(mu_);
    tls_ = std::move(context);
  }
  logger().info("TLS material swapped", {{"drop_connections", drop == DropConnections::kYes}});
  if (drop == DropConnections::kYes) drop_connections();
  return ok();
}

// ---- public API -----------------------------------------------------------------------------

KafkaEdge::KafkaEdge(Private, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaEdge::~KafkaEdge() = default;

Result<std::unique_ptr<KafkaEdge>> KafkaEdge::start(Options options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  try {
    KC_RETURN_IF_ERROR(impl->open());
  } catch (const std::exception& e) {
    // Asio throws only on resource exhaustion here (e.g. no more file descriptors).
    return make_error(Errc::kInternal, "starting the kafka edge: {}", e.what());
  }
  return std::make_unique<KafkaEdge>(Private{}, std::move(impl));
}

const std::string& KafkaEdge::bootstrap_servers() const { return impl_->bootstrap(); }
const std::vector<uint16_t>& KafkaEdge::ports() const { return impl_->ports(); }
Status KafkaEdge::swap_tls(const TlsMaterial& material, DropConnections drop) {
  return impl_->swap_tls(material, drop);
}
void KafkaEdge::drop_connections() { impl_->drop_connections(); }
Counters KafkaEdge::counters() const { return impl_->counters(); }
bool KafkaEdge::wait_for(const std::function<bool(const Counters&)>& predicate,
                         std::chrono::milliseconds timeout) const {
  return impl_->wait_for(predicate, timeout);
}

}  // namespace kc::fakes::kafka_edge
