#include "libs/http/client.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/http/detail/beast_stream.h"
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

log::Logger& logger() {
  static auto& l = log::get("kc.http.client");
  return l;
}

// A pooled connection idle for longer is closed rather than reused: servers close idle
// keep-alive connections after 30-90 s, and reusing one they are about to close loses the race.
constexpr auto kMaxIdle = std::chrono::seconds(25);
constexpr size_t kMaxResponseHeader = size_t{64} * 1024;
// Bodies up to this size go out in the same write as the head.
constexpr size_t kCoalesceBody = size_t{16} * 1024;

// A redirect target gets the caller's credentials when it is the first request's origin or a
// host the caller trusts (RFC 9110 §15.4: user agents must not leak them to other hosts).
bool may_receive_credentials(const Url& url, const std::string& first_origin,
                             const std::vector<std::string>& trusted_hosts) {
  if (url.origin() == first_origin) return true;
  return std::ranges::any_of(trusted_hosts, [&](const std::string& host) {
    return host == "*" || strings::iequals(host, url.host);
  });
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// One call as the public methods describe it.
struct Call {
  Method method = Method::kGet;
  std::string_view body;
  const Headers* headers = nullptr;
  std::stop_token cancel;
  const std::function<bool(std::string_view)>* on_line = nullptr;  // stream_lines only
  std::chrono::milliseconds idle_timeout{0};
};

// What one exchange on one connection left behind.
struct ExchangeState {
  bool response_started = false;  // some response byte arrived
  bool reusable = false;          // the connection may go back to the pool
};

struct Idle {
  std::unique_ptr<Transport> transport;
  Clock::time_point since;
};

}  // namespace

struct Client::Impl {
  ClientOptions options;
  Url base;
  std::string prefix;  // base URL path without a trailing '/'
  detail::SslCtxPtr tls;

  std::mutex mu;
  std::map<std::string, std::vector<Idle>, std::less<>> idle;  // by origin

  Result<Response> execute(const Call& call, std::string_view target);
  Result<Response> exchange(const Url& url, Method method, std::string_view body,
                            const Headers& headers, const Call& call);
  Result<Response> exchange_on(Transport& t, const Url& url, Method method, std::string_view body,
                               const Headers& headers, const Call& call, ExchangeState& state);
  Result<std::unique_ptr<Transport>> connect(const Url& url, const std::stop_token& cancel);
  std::unique_ptr<Transport> take_idle(const std::string& origin);
  void put_idle(const std::string& origin, std::unique_ptr<Transport> transport);
};

Result<std::unique_ptr<Transport>> Client::Impl::connect(const Url& url,
                                                         const std::stop_token& cancel) {
  auto deadline = detail::deadline_after(options.connect_timeout);
  KC_ASSIGN_OR_RETURN(auto transport, Transport::connect(url.host, url.port, deadline, cancel));
  if (url.tls()) {
    if (!tls) return make_error(Errc::kInvalidArgument, "no TLS context for {}", url.origin());
    Transport* raw = transport.get();
    std::stop_callback on_cancel(cancel, [raw] { raw->interrupt(); });
    bool base_origin = url.origin() == base.origin();
    std::string name =
        base_origin && !options.tls_server_name.empty() ? options.tls_server_name : url.host;
    KC_RETURN_IF_ERROR(raw->handshake_client(
        tls.get(), name, !options.insecure_skip_verify && options.verify_host_name,
        fmt::format("{} as '{}'", url.authority(), name), deadline));
  }
  return transport;
}

std::unique_ptr<Transport> Client::Impl::take_idle(const std::string& origin) {
  std::vector<Idle> stale;  // closed outside the lock
  std::unique_ptr<Transport> found;
  {
    std::lock_guard lock(mu);
    auto it = idle.find(origin);
    if (it == idle.end()) return nullptr;
    auto now = Clock::now();
    while (!it->second.empty() && !found) {
      Idle entry = std::move(it->second.back());
      it->second.pop_back();
      if (now - entry.since < kMaxIdle && entry.transport->idle_and_open()) {
        found = std::move(entry.transport);
      } else {
        stale.push_back(std::move(entry));
      }
    }
  }
  return found;
}

void Client::Impl::put_idle(const std::string& origin, std::unique_ptr<Transport> transport) {
  std::lock_guard lock(mu);
  auto& list = idle[origin];
  if (list.size() < options.max_idle_connections) {
    list.push_back({std::move(transport), Clock::now()});
  }
}

Result<Response> Client::Impl::execute(const Call& call, std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return make_error(Errc::kInvalidArgument, "request target '{}' must start with '/'", target);
  }
  Url url = base;
  auto query_start = target.find('?');
  url.path = prefix + std::string(target.substr(0, query_start));
  url.query = query_start == std::string_view::npos ? std::string()
                                                    : std::string(target.substr(query_start + 1));

  Headers headers = *call.headers;
  if (!headers.contains("User-Agent")) headers.set("User-Agent", options.user_agent);
  if (options.bearer_token && !headers.contains("Authorization")) {
    auto token = options.bearer_token();
    if (!token) return tl::unexpected(std::move(token).error().with_context("bearer token"));
    if (!token->empty()) headers.set("Authorization", "Bearer " + *token);
  }

  Method method = call.method;
  std::string_view body = call.body;
  const std::string first_origin = url.origin();
  for (int hop = 0;; ++hop) {
    if (hop > 0 && !may_receive_credentials(url, first_origin, options.redirect_credential_hosts) &&
        headers.remove("Authorization") > 0) {
      logger().debug("redirect leaves the origin: Authorization not sent",
                     {{"from", first_origin}, {"to", url.origin()}});
    }
    KC_ASSIGN_OR_RETURN(auto response, exchange(url, method, body, headers, call));
    auto location = response.headers.get("Location");
    if (!options.follow_redirects || !is_redirect(response.status) || !location) return response;
    if (hop >= options.max_redirects) {
      return make_error(Errc::kProtocol, "more than {} redirects, last to {}",
                        options.max_redirects, *location);
    }
    auto next = resolve_url(url, *location);
    if (!next) return tl::unexpected(std::move(next).error().with_context("redirect Location"));
    logger().debug("following redirect",
                   {{"status", response.status}, {"from", url.origin()}, {"to", next->origin()}});
    if (response.status == 303 && method != Method::kHead) {
      method = Method::kGet;
      body = {};
    }
    url = std::move(*next);
  }
}

Result<Response> Client::Impl::exchange(const Url& url, Method method, std::string_view body,
                                        const Headers& headers, const Call& call) {
  const std::string origin = url.origin();
  for (int attempt = 0;; ++attempt) {
    if (call.cancel.stop_requested()) return make_error(Errc::kCancelled, "request cancelled");
    std::unique_ptr<Transport> transport = attempt == 0 ? take_idle(origin) : nullptr;
    bool reused = transport != nullptr;
    if (!transport) {
      KC_ASSIGN_OR_RETURN(transport, connect(url, call.cancel));
    }
    ExchangeState state;
    auto response = exchange_on(*transport, url, method, body, headers, call, state);
    if (state.reusable) put_idle(origin, std::move(transport));
    // The server closed a pooled connection before it saw this request: retry once, fresh.
    if (!response && reused && !state.response_started && is_idempotent(method) &&
        response.error().code() == Errc::kUnavailable) {
      logger().debug("retrying on a new connection",
                     {{"origin", origin}, {"error", response.error().message()}});
      continue;
    }
    return response;
  }
}

Result<Response> Client::Impl::exchange_on(Transport& t, const Url& url, Method method,
                                           std::string_view body, const Headers& headers,
                                           const Call& call, ExchangeState& state) {
  std::stop_callback on_cancel(call.cancel, [&t] { t.interrupt(); });
  const std::string doing = fmt::format("{} {}{}", to_string(method), url.origin(), url.path);
  auto fail = [&](IoError error) {
    if (t.tls() && (error == IoError::kReset || error == IoError::kEof)) {
      // A TLS 1.3 server refuses a client certificate (or its absence) after our handshake
      // completed; its alert is already in our receive buffer and says why. Prefer it.
      char probe[256];
      IoError alert = IoError::kNone;
      t.set_deadline(Clock::now() + std::chrono::milliseconds(50));
      t.read_some(probe, sizeof(probe), alert);
      if (alert == IoError::kTls) error = alert;
    }
    return tl::unexpected(detail::io_error(error, t, doing));
  };

  auto request_deadline = detail::deadline_after(options.request_timeout);
  KC_ASSIGN_OR_RETURN(auto head, detail::format_request_head(method, url.target(), url.authority(),
                                                             headers, body.size()));
  auto expect = headers.get("Expect");
  bool expect_continue = !body.empty() && expect && strings::iequals(*expect, "100-continue");
  bool body_sent = body.empty();
  if (!body_sent && !expect_continue && body.size() <= kCoalesceBody) {
    head.append(body);
    body_sent = true;
  }
  t.set_deadline(request_deadline);
  if (auto e = t.write_all(head); e != IoError::kNone) return fail(e);
  if (!body_sent && !expect_continue) {
    if (auto e = t.write_all(body); e != IoError::kNone) return fail(e);
    body_sent = true;
  }

  detail::BeastReadStream stream(t);
  boost::beast::flat_buffer buffer;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
  boost::system::error_code ec;
  auto read_head = [&] {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(kMaxResponseHeader));
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (method == Method::kHead) parser->skip(true);
    bhttp::read_header(stream, buffer, *parser, ec);
    if (parser->got_some() || buffer.size() > 0) state.response_started = true;
  };
  auto head_error = [&]() -> Error {
    if (stream.last_error() != IoError::kNone)
      return detail::io_error(stream.last_error(), t, doing);
    return Error(Errc::kProtocol, fmt::format("{}: malformed response: {}", doing, ec.message()));
  };

  if (expect_continue) {
    // Wait briefly for "100 Continue" (or an early final answer such as a 307 or 401).
    t.set_deadline(
        std::min(request_deadline, detail::deadline_after(options.expect_continue_timeout)));
    read_head();
    bool quiet = ec && stream.last_error() == IoError::kTimeout && !state.response_started;
    if (quiet || (!ec && parser->get().result_int() == 100)) {
      t.set_deadline(request_deadline);
      if (auto e = t.write_all(body); e != IoError::kNone) return fail(e);
      body_sent = true;
      read_head();
    }
  } else {
    read_head();
  }
  // Skip other interim responses (102, 103).
  while (!ec && parser->get().result_int() >= 100 && parser->get().result_int() < 200 &&
         parser->get().result_int() != 101) {
    read_head();
  }
  if (ec) return tl::unexpected(head_error());

  auto& message = parser->get();
  Response response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.add(std::string(detail::std_view(field.name_string())),
                         std::string(detail::std_view(field.value())));
  }
  const bool stream_lines = call.on_line != nullptr && response.ok();
  std::optional<detail::LineSplitter> lines;
  if (stream_lines) lines.emplace(*call.on_line, options.max_response_bytes);

  bool stopped = false;
  char chunk[16384];
  while (!parser->is_done()) {
    message.body().data = chunk;
    message.body().size = sizeof(chunk);
    t.set_deadline(stream_lines ? detail::deadline_after(call.idle_timeout) : request_deadline);
    bhttp::read_some(stream, buffer, *parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      if (stream.last_error() != IoError::kNone) return fail(stream.last_error());
      return make_error(Errc::kProtocol, "{}: malformed response body: {}", doing, ec.message());
    }
    std::string_view data(chunk, sizeof(chunk) - message.body().size);
    if (lines) {
      KC_ASSIGN_OR_RETURN(bool more, lines->feed(data));
      if (!more) {
        stopped = true;
        break;
      }
    } else if (response.body.size() + data.size() > options.max_response_bytes) {
      return make_error(Errc::kProtocol, "{}: response body exceeds {} bytes", doing,
                        options.max_response_bytes);
    } else {
      response.body.append(data);
    }
  }
  if (lines && !stopped) {
    KC_RETURN_IF_ERROR(lines->finish());
  }
  state.reusable = !stopped && body_sent && message.keep_alive() && parser->is_done() &&
                   buffer.size() == 0 && !t.interrupted();
  return response;
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
  try {
    KC_ASSIGN_OR_RETURN(auto base, parse_url(options.base_url));
    if (!base.query.empty()) {
      return make_error(Errc::kInvalidArgument, "base URL '{}' must not have a query",
                        options.base_url);
    }
    auto impl = std::make_unique<Impl>();
    impl->prefix = base.path == "/" ? std::string() : base.path;
    if (!impl->prefix.empty() && impl->prefix.back() == '/') impl->prefix.pop_back();
    if (base.tls() || options.follow_redirects) {
      KC_ASSIGN_OR_RETURN(impl->tls,
                          detail::make_client_ctx({
                              .ca = {options.ca_file, options.ca_pem},
                              .cert = {options.client_cert_file, options.client_cert_pem},
                              .key = {options.client_key_file, options.client_key_pem},
                              .insecure_skip_verify = options.insecure_skip_verify,
                          }));
    }
    impl->base = std::move(base);
    impl->options = std::move(options);
    return std::make_unique<Client>(std::move(impl));
  } catch (const std::exception& e) {
    return make_error(Errc::kInternal, "creating HTTP client: {}", e.what());
  }
}

Result<Response> Client::request(Method method, std::string_view target, std::string_view body,
                                 const Headers& headers, std::stop_token cancel) {
  try {
    Call call{.method = method, .body = body, .headers = &headers, .cancel = std::move(cancel)};
    return impl_->execute(call, target);
  } catch (const std::exception& e) {
    return make_error(Errc::kInternal, "HTTP request failed: {}", e.what());
  }
}

Result<Response> Client::stream_lines(Method method, std::string_view target,
                                      const Headers& headers,
                                      const std::function<bool(std::string_view line)>& on_line,
                                      const StreamOptions& options) {
  try {
    Call call{.method = method,
              .body = options.body,
              .headers = &headers,
              .cancel = options.cancel,
              .on_line = &on_line,
              .idle_timeout = options.idle_timeout};
    return impl_->execute(call, target);
  } catch (const std::exception& e) {
    return make_error(Errc::kInternal, "HTTP stream failed (or its line handler threw): {}",
                      e.what());
  }
}

const ClientOptions& Client::options() const { return impl_->options; }

}  // namespace kc::http
