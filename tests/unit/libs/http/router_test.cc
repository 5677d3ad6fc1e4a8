#include "libs/http/router.h"

#include <gtest/gtest.h>

namespace kc::http {
namespace {

Handler named(std::string name) {
  return [name](const Request&) { return Response::text(200, name); };
}

// Runs the matched handler and returns what it sent.
class CapturingStream : public ResponseStream {
 public:
  bool send(const Response& r) override {
    sent = r;
    return true;
  }
  bool start(int, const Headers&) override { return true; }
  bool write(std::string_view) override { return true; }
  std::stop_token stop_token() const override { return {}; }
  Response sent;
};

std::string run(const Router& router, Method method, std::string_view path) {
  auto match = router.resolve(method, path);
  if (match.kind != Router::Match::Kind::kFound) return "<none>";
  CapturingStream out;
  (*match.handler)(Request{}, out);
  return out.sent.body;
}

TEST(RouterTest, CapturesDecodedPathParameters) {
  Router router;
  router.add(Method::kGet, "/connectors/{name}/tasks/{id}/status", named("status"));
  auto match = router.resolve(Method::kGet, "/connectors/a%20b%2Fc/tasks/7/status");
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(match.params["name"], "a b/c");
  EXPECT_EQ(match.params["id"], "7");
  EXPECT_EQ(router.resolve(Method::kGet, "/connectors/x/tasks/7").kind,
            Router::Match::Kind::kNotFound);
}

TEST(RouterTest, PrefersLiteralOverParameterOverRest) {
  Router router;
  router.add(Method::kGet, "/connectors/{name}", named("param"))
      .add(Method::kGet, "/connectors/{rest...}", named("rest"))
      .add(Method::kGet, "/connectors/loggers", named("literal"));
  ASSERT_TRUE(router.validate());
  EXPECT_EQ(run(router, Method::kGet, "/connectors/loggers"), "literal");
  EXPECT_EQ(run(router, Method::kGet, "/connectors/x"), "param");
  EXPECT_EQ(run(router, Method::kGet, "/connectors/x/y/z"), "rest");
}

TEST(RouterTest, RestParameterTakesTheRemainingPath) {
  Router router;
  router.add(Method::kGet, "/apis/{path...}", named("apis"));
  auto match = router.resolve(Method::kGet, "/apis/kconnect.dev/v1alpha1/namespaces/ns");
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(match.params["path"], "kconnect.dev/v1alpha1/namespaces/ns");
  EXPECT_EQ(router.resolve(Method::kGet, "/apis").params["path"], "");
}

TEST(RouterTest, MethodNotAllowedListsAllowedMethods) {
  Router router;
  router.add(Method::kGet, "/connectors/{name}", named("get"))
      .add(Method::kPut, "/connectors/{name}/config", named("put"))
      .add(Method::kDelete, "/connectors/{name}", named("delete"));
  auto match = router.resolve(Method::kPost, "/connectors/x");
  EXPECT_EQ(match.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, HEAD, DELETE");
  EXPECT_EQ(run(router, Method::kHead, "/connectors/x"), "get");  // HEAD falls back to GET
}

TEST(RouterTest, IgnoresOneTrailingSlash) {
  Router router;
  router.add(Method::kGet, "/connectors", named("list"));
  EXPECT_EQ(run(router, Method::kGet, "/connectors/"), "list");
  EXPECT_EQ(router.resolve(Method::kGet, "/connectors//").kind, Router::Match::Kind::kNotFound);
}

TEST(RouterTest, FallbackHandlesUnmatchedPaths) {
  Router router;
  router.set_fallback([](const Request&, ResponseStream& out) { out.send(Response::empty(418)); });
  auto match = router.resolve(Method::kGet, "/anything");
  EXPECT_EQ(match.kind, Router::Match::Kind::kNotFound);
  ASSERT_NE(match.handler, nullptr);
}

TEST(RouterTest, RefusesBadPatternsAndDuplicates) {
  EXPECT_FALSE(Router().add(Method::kGet, "no-slash", named("x")).validate());
  EXPECT_FALSE(Router().add(Method::kGet, "/a/{rest...}/b", named("x")).validate());
  EXPECT_FALSE(Router().add(Method::kGet, "/a/{x}/{x}", named("x")).validate());
  EXPECT_FALSE(Router().add(Method::kGet, "/a/{}", named("x")).validate());
  Router dup;
  dup.add(Method::kGet, "/a/{x}", named("1")).add(Method::kGet, "/a/{y}", named("2"));
  auto status = dup.validate();
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("twice"), std::string::npos);
  Router fine;
  fine.add(Method::kGet, "/a/{x}", named("1")).add(Method::kPut, "/a/{x}", named("2"));
  EXPECT_TRUE(fine.validate());
}

TEST(RouterTest, BadPercentEncodingIsABadPath) {
  Router router;
  router.add(Method::kGet, "/a/{x}", named("x"));
  EXPECT_EQ(router.resolve(Method::kGet, "/a/%zz").kind, Router::Match::Kind::kBadPath);
}

TEST(RouterTest, ErrorRendererShapesServerErrors) {
  Router router;
  EXPECT_EQ(router.render_error(Request{}, 404, "HTTP 404 Not Found").body, "HTTP 404 Not Found\n");
  router.set_error_renderer([](const Request&, int status, std::string_view message) {
    return Response::json(status,
                          fmt::format(R"({{"error_code":{},"message":"{}"}})", status, message));
  });
  EXPECT_EQ(router.render_error(Request{}, 404, "HTTP 404 Not Found").body,
            R"({"error_code":404,"message":"HTTP 404 Not Found"})");
}

}  // namespace
}  // namespace kc::http
