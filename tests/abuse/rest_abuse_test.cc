// The REST API of a running kconnect-runtime under the probes of issue 16, replayed over loopback:
// connection floods, bodies built to cost memory, request smuggling, cross-site bodies. Each test
// starts its own process (bootstrap.servers=embedded: no broker needed) and asserts the process
// stays alive, /health answers within 1 s, and memory stays bounded. Bounded in count and time:
// at most 2,000 sockets, each test well under 20 s.

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libs/http/client.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::eventually;
using testing::Process;

// A blocking loopback TCP connection from `source` (any 127.0.0.0/8 address is local, so
// 127.0.0.2 is another client as far as the server can tell).
class Socket {
 public:
  Socket(uint16_t port, const char* source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
                     ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0)) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool send(std::string_view data) {
    while (!data.empty()) {
      auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until `marker` (empty: until the peer closes) or the deadline.
  std::string read(std::string_view marker, std::chrono::milliseconds timeout = 5s) {
    auto deadline = Clock::now() + timeout;
    std::string out;
    char buffer[4096];
    while (marker.empty() || out.find(marker) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      auto n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// How fast /health must answer during a flood: the kubelet's default probe timeout (1 s). Under
// AddressSanitizer the runtime accepts and starts threads several times slower, and ctest runs
// another test beside this one, so the sanitizer build gets 3 s (seen: 1.004 s at -j2).
#if defined(__SANITIZE_ADDRESS__)
constexpr auto kHealthBudget = 3s;
#else
constexpr auto kHealthBudget = 1s;
#endif

class RestAbuseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // 2,000 sockets here plus the server's side: lift the soft descriptor limit to the hard one
    // (the runtime, a child, inherits it).
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }

  void SetUp() override { start_runtime(""); }

  // Starts the runtime with `extra` worker properties (replacing a running one).
  void start_runtime(const std::string& extra) {
    runtime_.reset();
    testing::write_text(dir_.file("worker.properties"),
                        "bootstrap.servers=embedded\nlisteners=http://127.0.0.1:0\n"
                        "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
                        "value.converter=org.apache.kafka.connect.storage.StringConverter\n" +
                            extra);
    testing::write_text(dir_.file("sink.properties"),
                        "name=quiet\nconnector.class=null\ntopics=abuse\ntasks.max=1\n");
    runtime_ = std::make_unique<Process>(
        std::vector<std::string>{testing::built_program("kconnect-runtime"), "standalone",
                                 dir_.file("worker.properties"), dir_.file("sink.properties")},
        dir_.file("runtime"));
    ASSERT_TRUE(eventually(
        [&] {
          auto port = testing::logged_rest_port(*runtime_);
          port_ = port.value_or(0);
          return port.has_value();
        },
        30s))
        << runtime_->output();
    ASSERT_TRUE(eventually([&] { return health_status(10s) == 200; }, 30s)) << runtime_->output();
  }

  // GET /health on a new connection (as a kubelet probe does); 0 when there was no answer.
  int health_status(std::chrono::milliseconds timeout) {
    auto client = http::Client::create(
        {.base_url = fmt::format("http://127.0.0.1:{}", port_), .request_timeout = timeout});
    if (!client) return 0;
    auto r = (*client)->request(http::Method::kGet, "/health");
    return r ? r->status : 0;
  }

  // /health answers 200 within kHealthBudget (1 s), measured.
  void expect_health_within_a_second(const char* during) {
    auto start = Clock::now();
    EXPECT_EQ(health_status(kHealthBudget), 200) << during;
    EXPECT_LT(Clock::now() - start, kHealthBudget) << during;
    EXPECT_TRUE(runtime_->running()) << during << "\n" << runtime_->output();
  }

  long peak_kib() { return testing::peak_resident_kib(runtime_->pid()); }
  long threads() { return testing::thread_count(runtime_->pid()); }

  testing::TempDir dir_;
  std::unique_ptr<Process> runtime_;
  uint16_t port_ = 0;
};

// 600 sockets that each send one request and stay open held every slot for 60 s; 2,000 that
// send nothing did so for ~10 s per wave.
TEST_F(RestAbuseTest, ConnectionFloodsLeaveHealthAnswering) {
  std::vector<std::unique_ptr<Socket>> parked;
  for (int i = 0; i < 600; ++i) {
    auto s = std::make_unique<Socket>(port_, "127.0.0.2");
    ASSERT_TRUE(s->ok());
    ASSERT_TRUE(s->send("GET /connectors HTTP/1.1\r\nHost: x\r\n\r\n"));
    parked.push_back(std::move(s));
  }
  for (auto& s : parked) s->read("[", 2s);  // each got its answer (or was closed to make room)
  expect_health_within_a_second("600 parked keep-alive connections");

  long before_idle = threads();
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 2000; ++i) {
    auto s = std::make_unique<Socket>(port_, i % 2 ? "127.0.0.3" : "127.0.0.4");
    ASSERT_TRUE(s->ok()) << i;
    idle.push_back(std::move(s));
  }
  expect_health_within_a_second("2,000 idle connections");
  // Connections that have sent nothing wait in the acceptor, not on threads of their own.
  EXPECT_LE(threads(), before_idle + 2) << "threads before the idle flood: " << before_idle;
  // A client that sends requests on its kept-alive connection is served throughout.
  auto client = http::Client::create({.base_url = fmt::format("http://127.0.0.1:{}", port_)});
  ASSERT_TRUE(client);
  for (int i = 0; i < 5; ++i) {
    auto r = (*client)->request(http::Method::kGet, "/connectors");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200);
  }
}

// Connections that keep every place busy (a head promising a body that never comes holds its
// thread for the body timeout, 60 s) locked /health out; the last places are kept for it.
TEST_F(RestAbuseTest, BusyConnectionsLeaveThePlacesReservedForHealth) {
  std::vector<std::unique_ptr<Socket>> busy;
  for (int i = 0; i < 600; ++i) {  // 100 per client address: under the per-client limit (128)
    auto source = fmt::format("127.0.0.{}", 2 + i / 100);
    auto s = std::make_unique<Socket>(port_, source.c_str());
    ASSERT_TRUE(s->ok()) << i;
    ASSERT_TRUE(
        s->send("POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                "\r\nContent-Length: 100\r\n\r\n"));
    busy.push_back(std::move(s));
  }
  // Every other place is taken: a new request for anything but /health is refused...
  ASSERT_TRUE(eventually([&] {
    Socket probe(port_, "127.0.0.9");
    probe.send("GET /connectors HTTP/1.1\r\nHost: x\r\n\r\n");
    return probe.read("\r\n", 2s).starts_with("HTTP/1.1 503 ");
  }));
  // ...and /health is answered, on a new connection each time as a kubelet probes.
  for (int i = 0; i < 3; ++i) expect_health_within_a_second("every other place busy");
}

// An unauthenticated flood: each request is refused on its head, before its connection gets a
// thread, and no refused connection stays open holding one.
TEST_F(RestAbuseTest, UnauthenticatedRequestsGetNoThread) {
  testing::write_text(dir_.file("token"), "s3cret\n");
  start_runtime("kconnect.rest.auth.token.file=" + dir_.file("token") + "\n");
  long before = threads();
  std::vector<std::unique_ptr<Socket>> refused;
  for (int i = 0; i < 1000; ++i) {
    auto source = fmt::format("127.0.0.{}", 2 + i % 8);
    auto s = std::make_unique<Socket>(port_, source.c_str());
    ASSERT_TRUE(s->ok()) << i;
    ASSERT_TRUE(s->send("GET /connectors HTTP/1.1\r\nHost: x\r\n\r\n"));
    refused.push_back(std::move(s));
  }
  for (auto& s : refused) {
    auto reply = s->read("", 5s);
    ASSERT_TRUE(reply.starts_with("HTTP/1.1 401 ")) << reply;
    EXPECT_TRUE(s->closed());
  }
  EXPECT_LE(threads(), before + 2) << "threads before the flood: " << before;
  expect_health_within_a_second("after 1,000 unauthenticated requests");
  auto client = http::Client::create(
      {.base_url = fmt::format("http://127.0.0.1:{}", port_),
       .bearer_token = []() -> Result<std::string> { return std::string("s3cret"); }});
  ASSERT_TRUE(client);
  auto r = (*client)->request(http::Method::kGet, "/connectors");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
}

// 6 MB of '[' cost ~210 MB while refused (4 at once: 1.07 GB).
TEST_F(RestAbuseTest, DeeplyNestedBodiesAreRefusedWithBoundedMemory) {
  const std::string body(size_t{6} * 1024 * 1024, '[');
  long before = peak_kib();
  std::vector<std::future<std::string>> replies;
  replies.reserve(4);
  for (int i = 0; i < 4; ++i) {
    replies.push_back(std::async(std::launch::async, [&] {
      Socket s(port_);
      s.send(
          fmt::format("POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      "\r\nContent-Length: {}\r\n\r\n",
                      body.size()));
      s.send(body);
      return s.read("}", 20s);
    }));
  }
  for (auto& reply : replies) {
    auto text = reply.get();
    EXPECT_TRUE(text.starts_with("HTTP/1.1 400 ")) << text.substr(0, 200);
    EXPECT_NE(text.find("nested deeper than"), std::string::npos) << text.substr(0, 400);
  }
  long grown_mib = (peak_kib() - before) / 1024;
  RecordProperty("peak_rss_growth_mib", static_cast<int>(grown_mib));
  // Four 6 MB bodies are buffered whole (24 MB); parsing must add little to that.
  EXPECT_LT(grown_mib, 100) << "peak RSS grew by " << grown_mib << " MiB";
  expect_health_within_a_second("after nested bodies");
}

TEST_F(RestAbuseTest, SmugglingAndCrossSiteBodiesAreRefused) {
  // RFC 9112 §6.1: 501 and close; the "body" must not run as a second request.
  Socket smuggle(port_);
  ASSERT_TRUE(
      smuggle.send("POST /connectors HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                   "Content-Type: application/json\r\n\r\nDELETE /connectors/quiet "
                   "HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto reply = smuggle.read("", 5s);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 501 ")) << reply;
  EXPECT_EQ(reply.find("HTTP/1.1", 1), std::string::npos) << reply;
  EXPECT_TRUE(smuggle.closed());

  // A web page may POST text/plain cross-site without a preflight: 415, nothing created.
  auto client = http::Client::create({.base_url = fmt::format("http://127.0.0.1:{}", port_)});
  ASSERT_TRUE(client);
  auto csrf = (*client)->request(
      http::Method::kPost, "/connectors",
      R"({"name":"evil","config":{"connector.class":"FileStreamSink","topics":"a","file":"/tmp/x"}})",
      {{"Content-Type", "text/plain"}});
  ASSERT_TRUE(csrf);
  EXPECT_EQ(csrf->status, 415);
  auto list = (*client)->request(http::Method::kGet, "/connectors");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->body, R"(["quiet"])");
  expect_health_within_a_second("after smuggling and CSRF probes");
}

}  // namespace
}  // namespace kc
