// Server and Client against each other (and against raw sockets) on 127.0.0.1, plain TCP.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "libs/http/client.h"
#include "libs/http/server.h"
#include "tests/unit/libs/http/http_test_support.h"

namespace kc::http {
namespace {

using namespace kc::http::testing;
using Clock = std::chrono::steady_clock;

constexpr Method kBodyMethods[] = {Method::kGet,   Method::kPost,   Method::kPut,
                                   Method::kPatch, Method::kDelete, Method::kOptions};

Response echo(const Request& r) {
  auto response =
      Response::text(200, fmt::format("{} {} body={} x-test={}", to_string(r.method), r.path,
                                      r.body, r.headers.get("X-Test").value_or("-")));
  response.headers.set("X-Reply", "yes");
  return response;
}

Response kafka_connect_error(const Request&, int status, std::string_view message) {
  return Response::json(status,
                        fmt::format(R"({{"error_code":{},"message":"{}"}})", status, message));
}

std::string join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (auto p : parts) out += (out.empty() ? "" : ",") + std::string(p);
  return out;
}

// A streaming handler that sends one line, then stays quiet until it is told to stop.
StreamHandler quiet_stream(Event* released) {
  return [released](const Request&, ResponseStream& out) {
    out.start(200, {{"Content-Type", "application/json"}});
    out.write("first\n");
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, out.stop_token(), [] { return false; });
    if (released) released->notify();
  };
}

// A server with GET /echo and the quiet stream at GET /quiet.
std::unique_ptr<Server> quiet_server(Event* released) {
  Router router;
  router.add(Method::kGet, "/echo", echo);
  router.add_stream(Method::kGet, "/quiet", quiet_stream(released));
  return start_server(std::move(router));
}

TEST(HttpServerClientTest, RoundTripsEveryMethodWithBodyAndHeaders) {
  Router router;
  for (Method m : kBodyMethods) router.add(m, "/echo", echo);
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  ASSERT_TRUE(client);
  for (Method m : kBodyMethods) {
    std::string body = fmt::format("payload-{}", to_string(m));
    auto r = client->request(m, "/echo", body, {{"X-Test", "v1"}});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, fmt::format("{} /echo body={} x-test=v1", to_string(m), body));
    EXPECT_EQ(r->headers.get("x-reply"), "yes");
  }
  auto head = client->request(Method::kHead, "/echo");
  ASSERT_TRUE(head) << head.error().to_string();
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->headers.get("Content-Length"),
            std::to_string(std::string_view("HEAD /echo body= x-test=-").size()));
}

TEST(HttpServerClientTest, NoContentResponsesDeclareNoBody) {
  Router router;
  router.add(Method::kDelete, "/connectors/{name}",
             [](const Request&) { return Response::empty(204); });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  RawSocket raw(server->port());
  raw.send("DELETE /connectors/x HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(raw.read_until("\r\n\r\n"), "HTTP/1.1 204 No Content\r\n\r\n");
  auto client = make_client(server->port());
  auto r = client->request(Method::kDelete, "/connectors/x");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(client->request(Method::kDelete, "/connectors/y"));  // the connection stays usable
  EXPECT_EQ(server->accepted_connections(), 2u);
}

TEST(HttpServerClientTest, LargeBodiesRoundTrip) {
  Router router;
  router.add(Method::kPost, "/big", [](const Request& r) {
    return Response::text(200, std::string(2 * r.body.size(), r.body.empty() ? '?' : r.body[0]));
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  auto r = client->request(Method::kPost, "/big", std::string(3 << 20, 'z'));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->body, std::string(6 << 20, 'z'));
}

TEST(HttpServerClientTest, DecodesPathParametersAndRepeatedQueryKeys) {
  Router router;
  router.add(Method::kGet, "/connectors/{name}/tasks/{id}/status", [](const Request& r) {
    return Response::text(
        200, fmt::format("name={} id={} path={} expand={} q={}", *r.param("name"), *r.param("id"),
                         r.path, join(r.query_values("expand")), r.query_value("q").value_or("-")));
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  auto r = client->request(Method::kGet,
                           "/connectors/my%20conn%2Fx/tasks/3/status?expand=status&expand=info&"
                           "q=a%2Bb+c");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->body,
            "name=my conn/x id=3 path=/connectors/my conn/x/tasks/3/status expand=status,info "
            "q=a+b c");
  auto bad = client->request(Method::kGet, "/connectors/x/tasks/3/status?q=%zz");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST(HttpServerClientTest, NotFoundVersusMethodNotAllowedInKafkaConnectShape) {
  Router router;
  router.add(Method::kGet, "/connectors/{name}", echo)
      .add(Method::kPut, "/connectors/{name}", echo)
      .set_error_renderer(kafka_connect_error);
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());

  auto not_allowed = client->request(Method::kDelete, "/connectors/x");
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 405);
  EXPECT_EQ(not_allowed->headers.get("Allow"), "GET, HEAD, PUT");
  EXPECT_EQ(not_allowed->body, R"({"error_code":405,"message":"HTTP 405 Method Not Allowed"})");

  auto not_found = client->request(Method::kGet, "/nothing/here");
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->status, 404);
  EXPECT_EQ(not_found->headers.get("Content-Type"), "application/json");
  EXPECT_EQ(not_found->body, R"({"error_code":404,"message":"HTTP 404 Not Found"})");
}

TEST(HttpServerClientTest, FilterChecksBearerTokenAndReadOnlyMode) {
  Router router;
  router.add(Method::kGet, "/connectors", [](const Request& r) {
    return Response::text(200, std::string(r.headers.get("Authorization").value_or("")));
  });
  router.add(Method::kPost, "/connectors", echo);
  router.set_filter([](const Request& r) -> std::optional<Response> {
    auto auth = r.headers.get("Authorization");
    if (!auth || !auth->starts_with("Bearer token-")) {
      return kafka_connect_error(r, 401, "missing or bad bearer token");
    }
    if (r.method != Method::kGet && r.method != Method::kHead) {
      return kafka_connect_error(r, 403, "read-only mode");
    }
    return std::nullopt;
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);

  auto anonymous = make_client(server->port());
  EXPECT_EQ(anonymous->request(Method::kGet, "/connectors")->status, 401);
  // The filter answers from the head: a refused client's body is never waited for nor read.
  RawSocket unread(server->port());
  ASSERT_TRUE(
      unread.send("POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"));
  EXPECT_TRUE(unread.read_until("\r\n", 5s).starts_with("HTTP/1.1 401 "));

  std::atomic<int> calls{0};
  auto client = make_client(server->port(), {.bearer_token = [&]() -> Result<std::string> {
                              return fmt::format("token-{}", ++calls);
                            }});
  auto first = client->request(Method::kGet, "/connectors");
  auto second = client->request(Method::kGet, "/connectors");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "Bearer token-1");  // the provider runs per request: rotation works
  EXPECT_EQ(second->body, "Bearer token-2");
  EXPECT_EQ(client->request(Method::kPost, "/connectors", "{}")->status, 403);

  auto broken = make_client(server->port(), {.bearer_token = []() -> Result<std::string> {
                              return make_error(Errc::kIo, "token file missing");
                            }});
  auto refused = broken->request(Method::kGet, "/connectors");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kIo);
  EXPECT_NE(refused.error().message().find("bearer token"), std::string::npos);
}

TEST(HttpServerClientTest, OversizedBodiesGet413) {
  std::atomic<int> handled{0};
  Router router;
  router.add(Method::kPost, "/echo", [&](const Request& r) {
    ++handled;
    return echo(r);
  });
  auto server = start_server(std::move(router), {.max_body_bytes = 1024});
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  std::string big(size_t{256} * 1024, 'x');

  auto plain = client->request(Method::kPost, "/echo", big);
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_EQ(plain->status, 413);

  auto expect = client->request(Method::kPost, "/echo", big, {{"Expect", "100-continue"}});
  ASSERT_TRUE(expect) << expect.error().to_string();
  EXPECT_EQ(expect->status, 413);

  RawSocket chunked(server->port());
  ASSERT_TRUE(
      chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "800\r\n" +
                   std::string(2048, 'y') + "\r\n0\r\n\r\n"));
  EXPECT_TRUE(chunked.read_until("\r\n").starts_with("HTTP/1.1 413 "));

  EXPECT_EQ(handled.load(), 0);
  auto small = client->request(Method::kPost, "/echo", "fits");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
}

TEST(HttpServerClientTest, MalformedRequestsGetErrorStatuses) {
  Router router;
  router.add(Method::kGet, "/x", echo);
  auto server = start_server(std::move(router), {.max_header_bytes = 4096});
  ASSERT_TRUE(server);
  auto status_line = [&](const std::string& request) {
    RawSocket socket(server->port());
    socket.send(request);
    auto reply = socket.read_until("\r\n");
    return reply.substr(0, reply.find("\r\n"));
  };
  EXPECT_EQ(status_line("GARBAGE\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line("TRACE /x HTTP/1.1\r\nHost: h\r\n\r\n"), "HTTP/1.1 501 Not Implemented");
  EXPECT_EQ(
      status_line("GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(8192, 'a') + "\r\n\r\n"),
      "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(status_line("GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n"), "HTTP/1.1 400 Bad Request");
}

// RFC 9112 §6.1: an unknown transfer coding is answered 501 and the connection closed; read as
// an empty body, its bytes would run as a second request (request smuggling).
TEST(HttpServerClientTest, TransferCodingsOtherThanChunkedGet501AndClose) {
  std::atomic<int> handled{0};
  Router router;
  router.add(Method::kPost, "/echo", [&](const Request& r) {
    ++handled;
    return echo(r);
  });
  router.add(Method::kGet, "/echo", [&](const Request& r) {
    ++handled;
    return echo(r);
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  for (std::string coding : {"gzip", "gzip, chunked", "identity", "chunked, gzip"}) {
    RawSocket socket(server->port());
    ASSERT_TRUE(socket.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
                            "\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto reply = socket.read_all(5s);
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 501 ")) << coding << ": " << reply;
    EXPECT_EQ(reply.find("HTTP/1.1", 1), std::string::npos) << coding << ": " << reply;
  }
  EXPECT_EQ(handled.load(), 0);
  RawSocket chunked(server->port());
  ASSERT_TRUE(chunked.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
  EXPECT_TRUE(chunked.read_until("body=ok").starts_with("HTTP/1.1 200 "));
}

TEST(HttpServerClientTest, HandlerExceptionBecomes500) {
  Router router;
  router.add(Method::kGet, "/boom",
             [](const Request&) -> Response { throw std::runtime_error("kaput"); });
  router.set_error_renderer(kafka_connect_error);
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto r = make_client(server->port())->request(Method::kGet, "/boom");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"error_code":500,"message":"internal server error"})");
}

TEST(HttpServerClientTest, KeepAliveReusesOneConnection) {
  Router router;
  router.add(Method::kGet, "/echo", echo).add(Method::kPut, "/echo", echo);
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  for (int i = 0; i < 10; ++i) {
    auto r = client->request(i % 2 ? Method::kPut : Method::kGet, "/echo", "b");
    ASSERT_TRUE(r) << r.error().to_string();
  }
  EXPECT_EQ(server->accepted_connections(), 1u);
}

TEST(HttpServerClientTest, ConnectionClosedByServerWhileIdleIsReplaced) {
  Router router;
  router.add(Method::kGet, "/echo", echo);
  auto server = start_server(std::move(router), {.idle_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  ASSERT_TRUE(client->request(Method::kGet, "/echo"));
  ASSERT_TRUE(eventually([&] { return server->active_connections() == 0; }));
  auto again = client->request(Method::kGet, "/echo");
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(server->accepted_connections(), 2u);
}

// A server that closes a kept-alive connection just as the next request arrives: idempotent
// requests are retried once on a new connection, others are not.
TEST(HttpServerClientTest, RetriesIdempotentRequestWhenPooledConnectionDies) {
  RawListener listener;
  auto script = [&](bool answer_retry) {
    auto first = listener.accept();
    ASSERT_TRUE(first);
    first->read_until("\r\n\r\n");
    first->send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    first->read_until("\r\n\r\n");  // the next request, on the pooled connection
    first.reset();                  // closed without an answer
    if (!answer_retry) return;
    auto second = listener.accept();
    ASSERT_TRUE(second);
    second->read_until("\r\n\r\n");
    second->send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nretry");
  };
  {
    auto client = make_client(listener.port());
    std::thread server([&] { script(true); });
    ASSERT_TRUE(client->request(Method::kGet, "/a"));
    auto r = client->request(Method::kGet, "/b");
    server.join();
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "retry");
  }
  {
    auto client = make_client(listener.port());
    std::thread server([&] { script(false); });
    ASSERT_TRUE(client->request(Method::kGet, "/a"));
    auto r = client->request(Method::kPost, "/b", "not twice");
    server.join();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), Errc::kUnavailable);
    EXPECT_TRUE(r.error().retriable());
  }
}

TEST(HttpServerClientTest, StreamLinesDeliversEachLineAsItArrives) {
  LineLog log;
  std::atomic<bool> incremental{true};
  Router router;
  router.add_stream(Method::kGet, "/watch", [&](const Request&, ResponseStream& out) {
    out.start(200, {{"Content-Type", "application/json"}});
    out.write("{\"n\":1}\n");
    if (!log.wait_for(1)) incremental = false;  // line 1 arrived before line 2 exists
    out.write("{\"n\":2}\n{\"n\":");
    if (!log.wait_for(2)) incremental = false;
    out.write("3}\n");
    out.write("tail");
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  auto r = client->stream_lines(Method::kGet, "/watch", {}, log.handler(),
                                {.idle_timeout = std::chrono::seconds(10)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->headers.get("Transfer-Encoding"), "chunked");
  EXPECT_EQ(log.lines(), (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "tail"}));
  EXPECT_TRUE(incremental.load());
  // The connection went back to the pool after a complete chunked body.
  ASSERT_TRUE(
      client->stream_lines(Method::kGet, "/watch", {}, [](std::string_view) { return true; }));
  EXPECT_EQ(server->accepted_connections(), 1u);
}

TEST(HttpServerClientTest, StreamLinesReturnsErrorBodyForNon2xx) {
  Router router;
  router.add(Method::kGet, "/watch",
             [](const Request&) { return Response::json(410, R"({"kind":"Status","code":410})"); });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  int calls = 0;
  auto r =
      make_client(server->port())->stream_lines(Method::kGet, "/watch", {}, [&](std::string_view) {
        ++calls;
        return true;
      });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  EXPECT_EQ(r->body, R"({"kind":"Status","code":410})");
  EXPECT_EQ(calls, 0);
}

TEST(HttpServerClientTest, StreamLinesIdleTimeoutOnQuietStream) {
  Event released;
  auto server = quiet_server(&released);
  ASSERT_TRUE(server);
  LineLog log;
  auto start = Clock::now();
  auto r = make_client(server->port())
               ->stream_lines(Method::kGet, "/quiet", {}, log.handler(),
                              {.idle_timeout = std::chrono::milliseconds(200)});
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kTimeout);
  EXPECT_TRUE(r.error().retriable());
  EXPECT_EQ(log.lines(), (std::vector<std::string>{"first"}));
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // The client hung up; the quiet handler learns it through its stop_token, not a write.
  EXPECT_TRUE(released.wait_for(1));
}

TEST(HttpServerClientTest, StoppingFromTheLineHandlerEndsTheStream) {
  Event released;
  auto server = quiet_server(&released);
  ASSERT_TRUE(server);
  auto r =
      make_client(server->port())->stream_lines(Method::kGet, "/quiet", {}, [](std::string_view) {
        return false;
      });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(released.wait_for(1));
}

TEST(HttpServerClientTest, CancelFromAnotherThreadEndsStreamPromptly) {
  auto server = quiet_server(nullptr);
  ASSERT_TRUE(server);
  auto client = make_client(server->port());

  std::stop_source cancel;
  LineLog log;
  Event done;
  Result<Response> result = make_error(Errc::kInternal, "not run");
  std::thread watcher([&] {
    result = client->stream_lines(
        Method::kGet, "/quiet", {}, log.handler(),
        {.idle_timeout = std::chrono::seconds(60), .cancel = cancel.get_token()});
    done.notify();
  });
  ASSERT_TRUE(log.wait_for(1));
  auto start = Clock::now();
  cancel.request_stop();
  EXPECT_TRUE(done.wait_for(1, std::chrono::seconds(2)));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  watcher.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), Errc::kCancelled);
  EXPECT_FALSE(result.error().retriable());

  // An already cancelled token fails at once.
  auto early = client->request(Method::kGet, "/quiet", {}, {}, cancel.get_token());
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code(), Errc::kCancelled);
}

TEST(HttpServerClientTest, RequestTimeoutCoversASlowHandler) {
  Event release;
  Router router;
  router.add(Method::kGet, "/slow", [&](const Request&) {
    release.wait_for(1);
    return Response::text(200, "late");
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port(), {.request_timeout = std::chrono::milliseconds(200)});
  auto r = client->request(Method::kGet, "/slow");
  release.notify();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kTimeout);
  EXPECT_TRUE(r.error().retriable());
}

TEST(HttpServerClientTest, ConnectionRefusedIsRetriableUnavailable) {
  auto server = start_server(Router());
  ASSERT_TRUE(server);
  uint16_t port = server->port();
  server->stop();
  auto r = make_client(port)->request(Method::kGet, "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kUnavailable);
  EXPECT_TRUE(r.error().retriable());
  EXPECT_NE(r.error().message().find("refused"), std::string::npos) << r.error().message();
}

TEST(HttpServerClientTest, StopWithOpenConnectionsReturnsPromptly) {
  Event released;
  auto server = quiet_server(&released);
  ASSERT_TRUE(server);

  RawSocket idle(server->port());  // connected, never sends a request
  ASSERT_TRUE(idle.connected());
  auto pooled = make_client(server->port());
  ASSERT_TRUE(pooled->request(Method::kGet, "/echo"));  // leaves a kept-alive connection

  auto streaming = make_client(server->port());
  LineLog log;
  Event done;
  std::thread watcher([&] {
    streaming->stream_lines(Method::kGet, "/quiet", {}, log.handler(),
                            {.idle_timeout = std::chrono::seconds(60)});
    done.notify();
  });
  ASSERT_TRUE(log.wait_for(1));
  // The pooled and the streaming connection hold threads; the silent one waits in the acceptor.
  ASSERT_TRUE(eventually([&] { return server->active_connections() == 2; }));

  auto start = Clock::now();
  server->stop();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(released.count(), 1);
  EXPECT_TRUE(done.wait_for(1, std::chrono::seconds(2)));
  watcher.join();
  EXPECT_EQ(idle.read_all(std::chrono::seconds(2)), "");  // closed by the server, promptly
  EXPECT_EQ(server->active_connections(), 0u);
  server->stop();  // twice is fine
}

// Every socket descriptor of this process that belongs to the server's port (listening,
// accepted, or the client's end) is close-on-exec.
TEST(HttpServerClientTest, SocketsAreCloseOnExec) {
  Router router;
  router.add(Method::kGet, "/echo", echo);
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto client = make_client(server->port());
  ASSERT_TRUE(client->request(Method::kGet, "/echo"));  // one pooled, one accepted socket

  int listening = 0, accepted = 0, connecting = 0;
  DIR* dir = opendir("/proc/self/fd");
  ASSERT_NE(dir, nullptr);
  while (dirent* entry = readdir(dir)) {
    int fd = atoi(entry->d_name);
    if (entry->d_name[0] == '.' || fd == dirfd(dir)) continue;
    sockaddr_in local{}, peer{};
    socklen_t len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
        local.sin_family != AF_INET) {
      continue;
    }
    len = sizeof(peer);
    bool has_peer = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
    int listens = 0;
    len = sizeof(listens);
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listens, &len);
    bool ours = ntohs(local.sin_port) == server->port() ||
                (has_peer && ntohs(peer.sin_port) == server->port());
    if (!ours) continue;
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd << " is inherited by children";
    if (listens) {
      ++listening;
    } else if (ntohs(local.sin_port) == server->port()) {
      ++accepted;
    } else {
      ++connecting;
    }
  }
  closedir(dir);
  EXPECT_EQ(listening, 1);
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(connecting, 1);
}

TEST(HttpServerClientTest, FiftyConcurrentClients) {
  constexpr int kClients = 50;
  Event arrived;
  Router router;
  router.add(Method::kGet, "/work", [&](const Request& r) {
    arrived.notify();
    // Every request is in flight at once before any is answered.
    bool all = arrived.wait_for(kClients);
    return Response::text(all ? 200 : 503, std::string(r.query_value("id").value_or("?")));
  });
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  std::vector<std::thread> threads;
  threads.reserve(kClients);
  std::atomic<int> ok{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto client = make_client(server->port());
      auto r = client->request(Method::kGet, fmt::format("/work?id={}", i));
      if (r && r->status == 200 && r->body == std::to_string(i)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_EQ(server->accepted_connections(), static_cast<uint64_t>(kClients));
}

// A handler that blocks until released: its connection is busy, not idle.
Router blocking_router(Event* entered, Event* release) {
  Router router;
  router.add(Method::kGet, "/block", [entered, release](const Request&) {
    entered->notify();
    release->wait_for(1, 30s);
    return Response::text(200, "done");
  });
  router.add(Method::kGet, "/echo", echo);
  return router;
}

// A raw socket from another loopback address (127.0.0.0/8 is all local): another client.
std::unique_ptr<RawSocket> socket_from(const char* source, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    ::close(fd);
    ADD_FAILURE() << "cannot connect from " << source;
    return nullptr;
  }
  return std::make_unique<RawSocket>(RawSocket::Adopt{}, fd);
}

TEST(HttpServerClientTest, RefusesConnectionsBeyondTheLimitWith503WhenNoneIsIdle) {
  Event entered, release;
  auto server = start_server(blocking_router(&entered, &release), {.max_connections = 1});
  ASSERT_TRUE(server);
  RawSocket first(server->port());
  ASSERT_TRUE(first.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(entered.wait_for());
  // The refusal comes when the head has arrived (a silent connection holds no place: see below).
  RawSocket second(server->port());
  ASSERT_TRUE(second.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(second.read_all().starts_with("HTTP/1.1 503 "));
  release.notify();
  EXPECT_TRUE(first.read_until("done").starts_with("HTTP/1.1 200 "));
}

// Sockets that sent one request and stay open, or never send anything, must not lock other
// clients out: at the limit the longest-idle connection is closed to make room.
TEST(HttpServerClientTest, IdleConnectionsMakeRoomAtTheLimit) {
  auto server = start_server(blocking_router(nullptr, nullptr), {.max_connections = 4});
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<RawSocket>> parked;
  for (int i = 0; i < 4; ++i) {
    parked.push_back(std::make_unique<RawSocket>(server->port()));
    ASSERT_TRUE(parked.back()->send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(parked.back()->read_until("x-test=-").starts_with("HTTP/1.1 200 "));
  }
  for (int i = 0; i < 20; ++i) parked.push_back(std::make_unique<RawSocket>(server->port()));
  auto client = make_client(server->port());
  // The last parked connection becomes idle a moment after its answer was sent; until then every
  // place is busy and the client gets 503.
  ASSERT_TRUE(eventually([&] {
    auto r = client->request(Method::kGet, "/echo");
    return r && r->status == 200;
  }));
  for (int i = 0; i < 2; ++i) {
    auto r = client->request(Method::kGet, "/echo");
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_LE(server->active_connections(), 4u);
  // The first parked connection (idle for longest) was closed without a response.
  EXPECT_EQ(parked.front()->read_all(5s), "");
}

TEST(HttpServerClientTest, OneClientAddressHoldsAtMostItsShareOfConnections) {
  Event entered, release;
  auto server = start_server(blocking_router(&entered, &release),
                             {.max_connections = 8, .max_connections_per_client = 2});
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<RawSocket>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(socket_from("127.0.0.2", server->port()));
    ASSERT_TRUE(busy.back() && busy.back()->send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  ASSERT_TRUE(entered.wait_for(2));
  auto third = socket_from("127.0.0.2", server->port());
  ASSERT_TRUE(third && third->send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(third->read_all().starts_with("HTTP/1.1 503 "));
  auto other = make_client(server->port());
  auto r = other->request(Method::kGet, "/echo");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  release.notify();
}

// The bearer token is checked on the first head before a connection gets a thread: a flood of
// unauthenticated requests, silent sockets and heads sent slowly costs no thread and no place.
TEST(HttpServerClientTest, ConnectionsGetAThreadOnlyOnceTheirFirstHeadPassesTheFilter) {
  Router router;
  router.add(Method::kGet, "/echo", echo);
  std::atomic<int> filtered{0};
  router.set_filter([&filtered](const Request& r) -> std::optional<Response> {
    ++filtered;
    if (r.headers.get("Authorization") != "Bearer secret") {
      return kafka_connect_error(r, 401, "missing or bad bearer token");
    }
    return std::nullopt;
  });
  auto server = start_server(std::move(router), {.max_connections = 2});
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<RawSocket>> silent;
  std::vector<std::unique_ptr<RawSocket>> slow;
  for (int i = 0; i < 20; ++i) {
    silent.push_back(socket_from("127.0.0.3", server->port()));
    slow.push_back(socket_from("127.0.0.2", server->port()));
    ASSERT_TRUE(silent.back() && slow.back());
    ASSERT_TRUE(slow.back()->send("GET /echo HTTP/1.1\r\nAuthorization: Bearer secret\r\n"));
  }
  for (int i = 0; i < 50; ++i) {
    RawSocket anonymous(server->port());
    ASSERT_TRUE(anonymous.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto answer = anonymous.read_all(5s);
    ASSERT_TRUE(answer.starts_with("HTTP/1.1 401 ")) << answer;
    EXPECT_NE(answer.find("missing or bad bearer token"), std::string::npos);
  }
  EXPECT_EQ(server->connection_threads_started(), 0u);
  EXPECT_EQ(server->active_connections(), 0u);

  // An authenticated client is served at once, with both places still free.
  auto client =
      make_client(server->port(),
                  {.bearer_token = []() -> Result<std::string> { return std::string("secret"); }});
  auto r = client->request(Method::kGet, "/echo");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server->connection_threads_started(), 1u);

  // A head completed byte by byte gets its thread when its last byte arrives.
  ASSERT_TRUE(slow.front()->send("Host: x\r\n"));
  ASSERT_TRUE(slow.front()->send("\r"));
  ASSERT_TRUE(slow.front()->send("\n"));
  EXPECT_TRUE(slow.front()->read_until("x-test=-").starts_with("HTTP/1.1 200 "));
  EXPECT_EQ(server->connection_threads_started(), 2u);
  EXPECT_EQ(filtered.load(), 52);  // once per request, though the gate and the thread both parse
  ASSERT_TRUE(client->request(Method::kGet, "/echo"));  // a kept-alive connection's next request
  EXPECT_EQ(filtered.load(), 53);
}

// Connections still sending their first head are bounded per client address and in total; at a
// bound the oldest is closed, and other clients are served.
TEST(HttpServerClientTest, PendingConnectionsAreBoundedPerClient) {
  Router router;
  router.add(Method::kGet, "/echo", echo);
  auto server = start_server(std::move(router), {.max_pending_per_client = 4});
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<RawSocket>> silent;
  for (int i = 0; i < 10; ++i) {
    silent.push_back(socket_from("127.0.0.2", server->port()));
    ASSERT_TRUE(silent.back());
  }
  // The six oldest were closed without an answer (long before the 10 s header timeout)...
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(silent[i]->read_all(5s), "") << i;
  // ...and the four newest are still held: their heads are served.
  for (size_t i = 6; i < 10; ++i) {
    ASSERT_TRUE(silent[i]->send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(silent[i]->read_until("x-test=-").starts_with("HTTP/1.1 200 ")) << i;
  }
  auto r = make_client(server->port())->request(Method::kGet, "/echo");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
}

// The last places are kept for reserved paths (a liveness probe): with every other place busy,
// /health is still answered, once per connection.
TEST(HttpServerClientTest, ReservedPathsAreAnsweredWhenEveryOtherPlaceIsBusy) {
  Event entered, release;
  Router router = blocking_router(&entered, &release);
  router.add(Method::kGet, "/health", [](const Request&) { return Response::text(200, "ok"); });
  auto server = start_server(
      std::move(router),
      {.max_connections = 3, .reserved_paths = {"/health"}, .reserved_connections = 1});
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<RawSocket>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(std::make_unique<RawSocket>(server->port()));
    ASSERT_TRUE(busy.back()->send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  ASSERT_TRUE(entered.wait_for(2));
  RawSocket third(server->port());
  ASSERT_TRUE(third.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(third.read_all().starts_with("HTTP/1.1 503 "));
  for (int i = 0; i < 3; ++i) {
    RawSocket probe(server->port());
    ASSERT_TRUE(probe.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto answer = probe.read_all();  // closed after the answer: the place is free again
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 ")) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  }
  release.notify();
  for (auto& b : busy) EXPECT_TRUE(b->read_until("done").starts_with("HTTP/1.1 200 "));
}

TEST(HttpServerClientTest, ExpectContinueSendsTheBodyAfter100) {
  Router router;
  router.add(Method::kPut, "/load", echo);
  auto server = start_server(std::move(router));
  ASSERT_TRUE(server);
  auto r = make_client(server->port())
               ->request(Method::kPut, "/load", "rows", {{"Expect", "100-continue"}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->body, "PUT /load body=rows x-test=-");
}

TEST(HttpServerClientTest, ExpectContinueSendsTheBodyAnywayWhenTheServerStaysQuiet) {
  RawListener listener;
  std::string received;
  std::thread server([&] {
    auto conn = listener.accept();
    received = conn->read_until("rows");  // a server that ignores Expect and waits for the body
    conn->send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  auto client =
      make_client(listener.port(), {.expect_continue_timeout = std::chrono::milliseconds(100)});
  auto r = client->request(Method::kPut, "/load", "rows", {{"Expect", "100-continue"}});
  server.join();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->body, "ok");
  EXPECT_TRUE(received.ends_with("\r\n\r\nrows"));
}

// StarRocks Stream Load: the FE answers "PUT + Expect: 100-continue" with a 307 to a BE before
// reading the body; the client re-sends method, body and (the BE's host being trusted)
// Authorization to the BE.
TEST(HttpServerClientTest, FollowsRedirectResendingMethodBodyAndAuth) {
  Router be_router;
  be_router.add(Method::kPut, "/api/db/t/_stream_load", [](const Request& r) {
    return Response::text(200, fmt::format("{} body={} auth={}", to_string(r.method), r.body,
                                           r.headers.get("Authorization").value_or("-")));
  });
  auto be = start_server(std::move(be_router));
  ASSERT_TRUE(be);
  RawListener fe;
  auto redirect = fmt::format(
      "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{}/api/db/t/_stream_load\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n",
      be->port());
  std::string fe_saw;
  std::thread fe_thread([&] {
    for (int i = 0; i < 2; ++i) {
      auto conn = fe.accept();
      if (!conn) return;
      fe_saw = conn->read_until("\r\n\r\n");
      conn->send(redirect);
    }
  });
  Headers headers{{"Authorization", "Basic cm9vdDo="}, {"Expect", "100-continue"}};
  auto follow = make_client(fe.port(), {.expect_continue_timeout = std::chrono::seconds(10),
                                        .follow_redirects = true,
                                        .redirect_credential_hosts = {"127.0.0.1"}});
  auto start = Clock::now();
  auto r = follow->request(Method::kPut, "/api/db/t/_stream_load", "1,a\n2,b\n", headers);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));  // did not wait out the 100
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "PUT body=1,a\n2,b\n auth=Basic cm9vdDo=");
  EXPECT_TRUE(fe_saw.ends_with("\r\n\r\n"));  // the FE got the head only

  auto no_follow = make_client(fe.port(), {.expect_continue_timeout = std::chrono::seconds(10)});
  auto redirected = no_follow->request(Method::kPut, "/api/db/t/_stream_load", "x", headers);
  fe_thread.join();
  ASSERT_TRUE(redirected) << redirected.error().to_string();
  EXPECT_EQ(redirected->status, 307);
  EXPECT_TRUE(redirected->headers.get("Location"));
}

// RFC 9110 §15.4: credentials are not handed to whichever origin a redirect names; a
// same-origin redirect keeps them.
TEST(HttpServerClientTest, RedirectToAnotherOriginDropsAuthorizationUnlessItsHostIsTrusted) {
  Router other_router;
  other_router.add(Method::kGet, "/landing", [](const Request& r) {
    return Response::text(200, std::string(r.headers.get("Authorization").value_or("-")));
  });
  auto other = start_server(std::move(other_router));
  ASSERT_TRUE(other);
  Router first_router;
  first_router.add(Method::kGet, "/away", [&](const Request&) {
    Response r = Response::text(302, "");
    r.headers.set("Location", fmt::format("http://127.0.0.1:{}/landing", other->port()));
    return r;
  });
  first_router.add(Method::kGet, "/here", [](const Request&) {
    Response r = Response::text(302, "");
    r.headers.set("Location", "/a/../landing");
    return r;
  });
  first_router.add(Method::kGet, "/landing", [](const Request& r) {
    return Response::text(200, std::string(r.headers.get("Authorization").value_or("-")));
  });
  auto first = start_server(std::move(first_router));
  ASSERT_TRUE(first);
  Headers auth{{"Authorization", "Basic cm9vdDo="}};

  auto plain = make_client(first->port(), {.follow_redirects = true});
  auto away = plain->request(Method::kGet, "/away", "", auth);
  ASSERT_TRUE(away) << away.error().to_string();
  EXPECT_EQ(away->body, "-");
  auto here = plain->request(Method::kGet, "/here", "", auth);
  ASSERT_TRUE(here) << here.error().to_string();
  EXPECT_EQ(here->body, "Basic cm9vdDo=");

  auto trusting =
      make_client(first->port(), {.follow_redirects = true, .redirect_credential_hosts = {"*"}});
  auto trusted = trusting->request(Method::kGet, "/away", "", auth);
  ASSERT_TRUE(trusted) << trusted.error().to_string();
  EXPECT_EQ(trusted->body, "Basic cm9vdDo=");
}

TEST(HttpServerClientTest, RefusesInvalidRoutersAndTargets) {
  Router bad;
  bad.add(Method::kGet, "missing-slash", echo);
  auto server = Server::start({}, std::move(bad));
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code(), Errc::kInvalidArgument);

  auto ok_server = start_server(Router());
  ASSERT_TRUE(ok_server);
  auto client = make_client(ok_server->port());
  EXPECT_EQ(client->request(Method::kGet, "no-slash").error().code(), Errc::kInvalidArgument);
  EXPECT_EQ(client->request(Method::kGet, "/a b").error().code(), Errc::kInvalidArgument);
  EXPECT_EQ(client->request(Method::kGet, "/", {}, {{"X", "a\r\nb"}}).error().code(),
            Errc::kInvalidArgument);
  EXPECT_FALSE(Client::create({.base_url = "ftp://h"}));
}

}  // namespace
}  // namespace kc::http
