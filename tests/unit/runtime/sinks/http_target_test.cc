// HttpTarget against a local libs/http server: which answers become retriable errors, Retry-After
// (never asked again earlier), connection refused and timeouts, and the sink metrics it updates.

#include "runtime/sinks/common/http_target.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "libs/http/server.h"

namespace kc::sink {
namespace {

using namespace std::chrono_literals;
using http::Method;
using http::Request;
using http::Response;
using Clock = std::chrono::steady_clock;

// A server whose answers are scripted per path; it records when each request arrived.
class ScriptedServer {
 public:
  ScriptedServer() {
    http::Router router;
    router.add(Method::kPut, "/{what}", [this](const Request& r) { return answer(r); });
    router.add(Method::kGet, "/{what}", [this](const Request& r) { return answer(r); });
    auto started = http::Server::start({.port = 0}, std::move(router));
    EXPECT_TRUE(started) << started.error().message();
    server_ = std::move(*started);
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", server_->port()); }
  std::vector<Clock::time_point> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  Response answer(const Request& r) {
    {
      std::lock_guard lock(mu_);
      arrivals_.push_back(Clock::now());
    }
    auto what = std::string(*r.param("what"));
    if (what == "ok") return Response::text(200, "done");
    if (what == "missing") return Response::text(404, "no such table");
    if (what == "denied") return Response::text(401, "who are you");
    if (what == "busy") {
      // 429 with Retry-After: 1 the first time, then 200.
      if (busy_.fetch_add(1) == 0) {
        auto response = Response::text(429, "slow down");
        response.headers.set("Retry-After", "1");
        return response;
      }
      return Response::text(200, "done");
    }
    if (what == "down") return Response::text(503, "maintenance");
    if (what == "broken") return Response::text(500, std::string(1000, 'x'));
    if (what == "slow") {
      std::this_thread::sleep_for(1500ms);
      return Response::text(200, "late");
    }
    return Response::text(400, "unexpected");
  }

  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::vector<Clock::time_point> arrivals_;
  std::atomic<int> busy_{0};
};

std::unique_ptr<HttpTarget> target_for(const std::string& url, SinkProbe* probe = nullptr,
                                       std::stop_token stop = {}) {
  auto target =
      HttpTarget::create({.base_url = url, .request_timeout = 500ms}, probe, std::move(stop));
  EXPECT_TRUE(target) << target.error().message();
  return std::move(*target);
}

TEST(HttpTargetTest, SuccessAndClientErrorsAreResponsesForTheSink) {
  ScriptedServer server;
  auto target = target_for(server.url());
  auto ok = target->request(Method::kPut, "/ok", "row");
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->status, 200);
  auto missing = target->request(Method::kPut, "/missing", "row");
  ASSERT_TRUE(missing) << missing.error().message();
  EXPECT_EQ(missing->status, 404);
}

TEST(HttpTargetTest, UnauthorizedIsAPermissionErrorNamingTheUrlAndNotRetriable) {
  ScriptedServer server;
  auto target = target_for(server.url());
  auto denied = target->request(Method::kPut, "/denied?token=secret", "row");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), Errc::kPermissionDenied);
  EXPECT_FALSE(denied.error().retriable());
  EXPECT_NE(denied.error().message().find(fmt::format("PUT {}/denied: HTTP 401", server.url())),
            std::string::npos)
      << denied.error().message();
  EXPECT_EQ(denied.error().message().find("secret"), std::string::npos);
}

TEST(HttpTargetTest, ServerErrorsAreRetriableWithStatusAndABoundedBodyExcerpt) {
  ScriptedServer server;
  auto target = target_for(server.url());
  auto down = target->request(Method::kPut, "/down");
  ASSERT_FALSE(down);
  EXPECT_TRUE(down.error().retriable());
  EXPECT_NE(down.error().message().find("HTTP 503 Service Unavailable: maintenance"),
            std::string::npos)
      << down.error().message();
  auto broken = target->request(Method::kPut, "/broken");
  ASSERT_FALSE(broken);
  EXPECT_TRUE(broken.error().retriable());
  EXPECT_LT(broken.error().message().size(), 500u);
  EXPECT_NE(broken.error().message().find("(1000 bytes)"), std::string::npos);
}

TEST(HttpTargetTest, RetryAfterHoldsTheNextRequestUntilThen) {
  ScriptedServer server;
  metrics::Registry registry;
  SinkProbe probe(registry, {{"connector", "c"}, {"task", "0"}, {"sink", "test"}});
  auto target = target_for(server.url(), &probe);
  auto first = target->request(Method::kPut, "/busy");
  ASSERT_FALSE(first);
  EXPECT_TRUE(first.error().retriable());
  EXPECT_NE(first.error().message().find("HTTP 429"), std::string::npos);
  ASSERT_TRUE(target->not_before());
  // The caller retries at once; the target is asked again only after Retry-After.
  auto second = target->request(Method::kPut, "/busy");
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->status, 200);
  auto arrivals = server.arrivals();
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 900ms);  // whole seconds: at least 1 s minus rounding
  EXPECT_FALSE(target->not_before());
  EXPECT_EQ(probe.retries->Value(), 1);
  EXPECT_EQ(probe.request_seconds->Collect().histogram.sample_count, 2u);
  EXPECT_EQ(probe.batches_in_flight->Value(), 0);
}

TEST(HttpTargetTest, StopEndsARetryAfterWait) {
  ScriptedServer server;
  std::stop_source stop;
  auto target = target_for(server.url(), nullptr, stop.get_token());
  ASSERT_FALSE(target->request(Method::kPut, "/busy"));
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
  });
  auto second = target->request(Method::kPut, "/busy");
  stopper.join();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), Errc::kCancelled);
  EXPECT_EQ(server.arrivals().size(), 1u);
}

TEST(HttpTargetTest, ConnectionRefusedAndTimeoutsAreRetriableAndNameTheUrl) {
  std::string url;
  {
    ScriptedServer gone;
    url = gone.url();
  }  // nothing listens there any more
  auto refused = target_for(url)->check(Method::kGet, "/ok");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().retriable());
  EXPECT_NE(refused.error().message().find(fmt::format("GET {}/ok", url)), std::string::npos)
      << refused.error().message();

  ScriptedServer server;
  auto slow = target_for(server.url())->request(Method::kGet, "/slow");
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code(), Errc::kTimeout);
  EXPECT_TRUE(slow.error().retriable());
}

TEST(HttpTargetTest, RetryAfterParsesSecondsAndHttpDates) {
  auto now = HttpTarget::Clock::from_time_t(1700000000);
  EXPECT_EQ(parse_retry_after("120", now), now + 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), now);
  // Tue, 14 Nov 2023 22:13:20 GMT is 1700000000.
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now), now + 10s);
  EXPECT_EQ(parse_retry_after("Tuesday, 14-Nov-23 22:13:30 GMT", now), now + 10s);
  EXPECT_EQ(parse_retry_after("Tue Nov 14 22:13:30 2023", now), now + 10s);
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("-5", now));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("99999999999999999999999", now));
}

TEST(HttpTargetTest, RetriableStatuses) {
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(retriable_status(s)) << s;
  for (int s : {200, 204, 307, 400, 401, 404, 409, 413}) EXPECT_FALSE(retriable_status(s)) << s;
}

}  // namespace
}  // namespace kc::sink
