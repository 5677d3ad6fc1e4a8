// Retrier with a scripted sink: which errors are retried, the jittered exponential delays, the
// sink's retry limit, errors.retry.timeout and stop. Time is a fake clock advanced by the sleeps.

#include "runtime/pipeline/retry.h"

#include <deque>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/api/sink.h"

namespace kc::pipeline {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// put() answers from a script: each entry is the outcome of one call; ok once the script ends.
class ScriptedSink final : public api::Sink {
 public:
  explicit ScriptedSink(std::deque<Status> script) : script_(std::move(script)) {}
  Status put(std::span<api::SinkRecord> /*records*/) override {
    ++calls;
    if (script_.empty()) return ok();
    auto st = script_.front();
    script_.pop_front();
    return st;
  }
  Status flush(const api::Offsets& /*offsets*/) override { return ok(); }
  int calls = 0;

 private:
  std::deque<Status> script_;
};

Status refused() { return make_error(Errc::kUnavailable, "connection refused", Retry::kYes); }
Status bad_request() { return make_error(Errc::kInvalidArgument, "HTTP 400: bad row"); }

struct FakeTime {
  Retrier::Clock::time_point now{};
  std::vector<milliseconds> sleeps;
  bool stop_after_first = false;
  Retrier::Hooks hooks() {
    return {.sleep =
                [this](milliseconds d) {
                  sleeps.push_back(d);
                  now += d;
                  return !stop_after_first;
                },
            .now = [this] { return now; }};
  }
};

Status put_with(const Retrier& retrier, ScriptedSink& sink) {
  std::vector<api::SinkRecord> records(1);
  return retrier.run("sink put", [&] { return sink.put(records); });
}

TEST(RetryTest, RetriableErrorsAreRetriedWithJitteredExponentialDelaysUntilSuccess) {
  ScriptedSink sink({refused(), refused(), refused(), refused()});
  FakeTime time;
  int reported = 0;
  auto hooks = time.hooks();
  hooks.on_retry = [&](std::string_view what, int attempt, milliseconds, const Error& e) {
    EXPECT_EQ(what, "sink put");
    EXPECT_EQ(attempt, ++reported);
    EXPECT_EQ(e.message(), "connection refused");
  };
  Retrier retrier({.delay_max = 1000ms}, hooks);
  ASSERT_TRUE(put_with(retrier, sink));
  EXPECT_EQ(sink.calls, 5);
  ASSERT_EQ(time.sleeps.size(), 4u);
  // 300, 600, 1000 (capped), 1000 ms, each within +-20%.
  const milliseconds base[] = {300ms, 600ms, 1000ms, 1000ms};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_GE(time.sleeps[i], base[i] * 8 / 10) << i;
    EXPECT_LE(time.sleeps[i], base[i] * 12 / 10) << i;
  }
  EXPECT_EQ(reported, 4);
}

TEST(RetryTest, JitterSpreadsTheDelays) {
  std::set<int64_t> first_delays;
  for (int i = 0; i < 20; ++i) {
    ScriptedSink sink({refused()});
    FakeTime time;
    ASSERT_TRUE(put_with(Retrier({}, time.hooks()), sink));
    first_delays.insert(time.sleeps.at(0).count());
  }
  EXPECT_GT(first_delays.size(), 1u);
}

TEST(RetryTest, ErrorsThatAreNotRetriableAreReturnedAtOnce) {
  ScriptedSink sink({bad_request(), refused()});
  FakeTime time;
  auto st = put_with(Retrier({}, time.hooks()), sink);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "HTTP 400: bad row");
  EXPECT_EQ(sink.calls, 1);
  EXPECT_TRUE(time.sleeps.empty());
}

TEST(RetryTest, TheSinksRetryLimitEndsRetrying) {
  ScriptedSink sink({refused(), refused(), refused(), refused()});
  FakeTime time;
  auto st = put_with(Retrier({.max_retries = 2}, time.hooks()), sink);
  ASSERT_FALSE(st);
  EXPECT_EQ(sink.calls, 3);  // the first attempt and 2 retries
  EXPECT_EQ(time.sleeps.size(), 2u);
  EXPECT_NE(st.error().message().find("connection refused (gave up after 3 attempts"),
            std::string::npos)
      << st.error().message();
  EXPECT_NE(st.error().message().find("the sink's limit of 2 retries"), std::string::npos);
  EXPECT_EQ(st.error().code(), Errc::kUnavailable);
}

TEST(RetryTest, ZeroRetriesMeansOneAttempt) {
  ScriptedSink sink({refused()});
  FakeTime time;
  auto st = put_with(Retrier({.max_retries = 0}, time.hooks()), sink);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "connection refused");
  EXPECT_EQ(sink.calls, 1);
}

TEST(RetryTest, ErrorsRetryTimeoutEndsRetryingAndTheLastDelayEndsAtIt) {
  ScriptedSink sink(std::deque<Status>(50, refused()));
  FakeTime time;
  auto st = put_with(Retrier({.timeout = 2000ms, .delay_max = 60000ms}, time.hooks()), sink);
  ASSERT_FALSE(st);
  milliseconds total{0};
  for (auto d : time.sleeps) total += d;
  EXPECT_EQ(total, 2000ms);  // 300+600+1200 > 2000: the last wait is cut to end at the timeout
  EXPECT_NE(st.error().message().find("errors.retry.timeout=2000"), std::string::npos)
      << st.error().message();
  EXPECT_EQ(static_cast<size_t>(sink.calls), time.sleeps.size() + 1);
}

TEST(RetryTest, AStopEndsTheWaitAndReturnsTheLastError) {
  ScriptedSink sink({refused(), refused()});
  FakeTime time;
  time.stop_after_first = true;
  auto st = put_with(Retrier({}, time.hooks()), sink);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "connection refused");
  EXPECT_EQ(sink.calls, 1);
}

}  // namespace
}  // namespace kc::pipeline
