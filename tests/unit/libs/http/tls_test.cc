// Server and Client over TLS with real certificates from tests/support/test_certs.

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "libs/http/client.h"
#include "libs/http/server.h"
#include "tests/support/test_certs.h"
#include "tests/unit/libs/http/http_test_support.h"

namespace kc::http {
namespace {

using namespace kc::http::testing;
using kc::testing::CertAndKey;
using kc::testing::TestCa;

Router echo_router() {
  Router router;
  router.add(Method::kGet, "/who", [](const Request& r) {
    return Response::text(200, r.client_cert_subject.empty() ? "anonymous" : r.client_cert_subject);
  });
  router.add_stream(Method::kGet, "/watch", [](const Request&, ResponseStream& out) {
    out.start(200, {});
    out.write("a\nb\n");
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, out.stop_token(), [] { return false; });
  });
  return router;
}

ServerTlsOptions server_tls(const CertAndKey& leaf) {
  return {.cert_pem = leaf.cert_pem, .key_pem = leaf.key_pem};
}

class HttpTlsTest : public ::testing::Test {
 protected:
  TestCa ca_ = TestCa::create("kconnect-test-ca");
  CertAndKey server_ =
      ca_.issue({.common_name = "localhost", .dns_sans = {"localhost"}, .ip_sans = {"127.0.0.1"}});

  std::unique_ptr<Server> start(std::optional<ServerTlsOptions> tls = std::nullopt) {
    ServerOptions options;
    options.tls = tls ? *tls : server_tls(server_);
    return start_server(echo_router(), std::move(options));
  }

  Result<Response> get(uint16_t port, ClientOptions options, std::string_view target = "/who") {
    auto client = make_client(port, std::move(options), "https");
    if (!client) return make_error(Errc::kInternal, "no client");
    return client->request(Method::kGet, target);
  }
};

TEST_F(HttpTlsTest, ServesAndVerifiesWithTheTestCa) {
  auto server = start();
  ASSERT_TRUE(server);
  auto client = make_client(server->port(), {.ca_pem = ca_.cert_pem()}, "https");
  for (int i = 0; i < 3; ++i) {
    auto r = client->request(Method::kGet, "/who");
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "anonymous");
  }
  EXPECT_EQ(server->accepted_connections(), 1u);  // keep-alive over TLS
}

TEST_F(HttpTlsTest, MaterialFromFiles) {
  auto dir = std::filesystem::path(::testing::TempDir()) / "kc_http_tls_files";
  kc::testing::write_file((dir / "ca.crt").string(), ca_.cert_pem());
  kc::testing::write_file((dir / "tls.crt").string(), server_.cert_pem);
  kc::testing::write_file((dir / "tls.key").string(), server_.key_pem);
  auto server = start(ServerTlsOptions{.cert_file = (dir / "tls.crt").string(),
                                       .key_file = (dir / "tls.key").string()});
  ASSERT_TRUE(server);
  auto r = get(server->port(), {.ca_file = (dir / "ca.crt").string()});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpTlsTest, StreamsAndCancelsOverTls) {
  auto server = start();
  ASSERT_TRUE(server);
  auto client = make_client(server->port(), {.ca_pem = ca_.cert_pem()}, "https");
  std::stop_source cancel;
  std::vector<std::string> lines;
  Result<Response> result = make_error(Errc::kInternal, "not run");
  std::thread watcher([&] {
    result = client->stream_lines(Method::kGet, "/watch", {},
                                  [&](std::string_view line) {
                                    lines.emplace_back(line);
                                    if (lines.size() == 2)
                                      cancel.request_stop();  // from the line handler's own thread
                                    return true;
                                  },
                                  {.cancel = cancel.get_token()});
  });
  watcher.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), Errc::kCancelled);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
}

TEST_F(HttpTlsTest, MutualTlsAcceptsAClientCertificateAndRefusesNone) {
  auto client_cert = ca_.issue({.common_name = "kconnect-operator"});
  auto tls = server_tls(server_);
  tls.client_ca_pem = ca_.cert_pem();
  tls.require_client_cert = true;
  auto server = start(tls);
  ASSERT_TRUE(server);

  auto with = get(server->port(), {.ca_pem = ca_.cert_pem(),
                                   .client_cert_pem = client_cert.cert_pem,
                                   .client_key_pem = client_cert.key_pem});
  ASSERT_TRUE(with) << with.error().to_string();
  EXPECT_EQ(with->body, "CN=kconnect-operator");

  auto without = get(server->port(), {.ca_pem = ca_.cert_pem()});
  ASSERT_FALSE(without);
  EXPECT_FALSE(without.error().retriable()) << without.error().to_string();
  EXPECT_NE(without.error().message().find("certificate"), std::string::npos)
      << without.error().to_string();

  auto stranger = TestCa::create("other-ca").issue({.common_name = "stranger"});
  auto foreign = get(server->port(), {.ca_pem = ca_.cert_pem(),
                                      .client_cert_pem = stranger.cert_pem,
                                      .client_key_pem = stranger.key_pem});
  EXPECT_FALSE(foreign);
}

TEST_F(HttpTlsTest, WrongCaIsRefusedWithAClearError) {
  auto server = start();
  ASSERT_TRUE(server);
  auto r = get(server->port(), {.ca_pem = TestCa::create("someone-else").cert_pem()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kPermissionDenied);
  EXPECT_FALSE(r.error().retriable());
  const auto& message = r.error().message();
  EXPECT_NE(message.find(fmt::format("127.0.0.1:{}", server->port())), std::string::npos)
      << message;
  EXPECT_NE(message.find("unable to get local issuer certificate"), std::string::npos) << message;
  // The server survives the failed handshake.
  EXPECT_TRUE(get(server->port(), {.ca_pem = ca_.cert_pem()}));
}

TEST_F(HttpTlsTest, HostNameMismatchIsRefused) {
  auto dns_only = ca_.issue({.common_name = "api.example", .dns_sans = {"api.example"}});
  auto server = start(server_tls(dns_only));
  ASSERT_TRUE(server);

  auto by_ip = get(server->port(), {.ca_pem = ca_.cert_pem()});
  ASSERT_FALSE(by_ip);
  EXPECT_EQ(by_ip.error().code(), Errc::kPermissionDenied);
  EXPECT_NE(by_ip.error().message().find("IP address mismatch"), std::string::npos)
      << by_ip.error().message();

  auto wrong_name =
      get(server->port(), {.ca_pem = ca_.cert_pem(), .tls_server_name = "other.example"});
  ASSERT_FALSE(wrong_name);
  EXPECT_NE(wrong_name.error().message().find("hostname mismatch"), std::string::npos)
      << wrong_name.error().message();

  auto right_name =
      get(server->port(), {.ca_pem = ca_.cert_pem(), .tls_server_name = "api.example"});
  EXPECT_TRUE(right_name) << right_name.error().to_string();
}

TEST_F(HttpTlsTest, ExpiredServerCertificateIsRefused) {
  auto expired = ca_.issue({.ip_sans = {"127.0.0.1"}, .valid_from_days = -10, .valid_days = 5});
  auto server = start(server_tls(expired));
  ASSERT_TRUE(server);
  auto r = get(server->port(), {.ca_pem = ca_.cert_pem()});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("certificate has expired"), std::string::npos)
      << r.error().message();
}

TEST_F(HttpTlsTest, InsecureSkipVerifyIsExplicit) {
  auto server = start();
  ASSERT_TRUE(server);
  auto r =
      get(server->port(), {.ca_pem = TestCa::create("x").cert_pem(), .insecure_skip_verify = true});
  EXPECT_TRUE(r) << r.error().to_string();
}

TEST_F(HttpTlsTest, PlainClientOnTlsPortFailsAndServerKeepsServing) {
  auto server = start();
  ASSERT_TRUE(server);
  auto plain = make_client(server->port(), {.request_timeout = std::chrono::seconds(5)});
  EXPECT_FALSE(plain->request(Method::kGet, "/who"));
  EXPECT_TRUE(get(server->port(), {.ca_pem = ca_.cert_pem()}));
}

TEST_F(HttpTlsTest, RefusesBadMaterial) {
  auto mismatched = Server::start({.tls = ServerTlsOptions{.cert_pem = server_.cert_pem,
                                                           .key_pem = kc::testing::new_key_pem()}},
                                  Router());
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code(), Errc::kInvalidConfig);
  EXPECT_NE(mismatched.error().message().find("does not match"), std::string::npos);

  auto encrypted = Server::start(
      {.tls = ServerTlsOptions{.cert_pem = server_.cert_pem,
                               .key_pem = kc::testing::encrypt_key_pem(server_.key_pem, "pw")}},
      Router());
  ASSERT_FALSE(encrypted);
  EXPECT_EQ(encrypted.error().code(), Errc::kInvalidConfig);

  auto no_ca = Client::create({.base_url = "https://127.0.0.1:1", .ca_pem = "not a PEM"});
  ASSERT_FALSE(no_ca);
  EXPECT_EQ(no_ca.error().code(), Errc::kInvalidConfig);

  auto missing = Client::create({.base_url = "https://127.0.0.1:1", .ca_file = "/nonexistent/ca"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("/nonexistent/ca"), std::string::npos);
}

}  // namespace
}  // namespace kc::http
