#include "libs/kube/runtime/work_queue.h"

#include <thread>

#include <gtest/gtest.h>

namespace kc::kube::runtime {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  WorkQueue::Clock::time_point now{};
  std::function<WorkQueue::Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

WorkQueue::Options no_jitter(FakeClock& clock) {
  WorkQueue::Options options;
  options.backoff = {.initial = 100ms, .max = 1000ms, .multiplier = 2.0, .jitter = 0.0};
  options.now = clock.fn();
  return options;
}

TEST(WorkQueueTest, DedupesKeysWaitingInTheQueue) {
  WorkQueue q;
  q.add("a");
  q.add("a");
  q.add("b");
  EXPECT_EQ(q.ready_count(), 2u);
  EXPECT_EQ(q.try_get(), "a");
  EXPECT_EQ(q.try_get(), "b");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueueTest, HandsOutAKeyOnceUntilDoneAndRequeuesItIfItChangedMeanwhile) {
  WorkQueue q;
  q.add("a");
  ASSERT_EQ(q.try_get(), "a");
  q.add("a");  // changed while being reconciled
  q.add("a");
  EXPECT_EQ(q.try_get(), std::nullopt) << "a second worker must not get the in-flight key";
  q.done("a");
  EXPECT_EQ(q.try_get(), "a");  // once, with the latest state
  q.done("a");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueueTest, DelaysKeysAndTheEarliestDeadlineWins) {
  FakeClock clock;
  WorkQueue q(no_jitter(clock));
  q.add_after("a", 10s);
  q.add_after("a", 5s);
  q.add_after("b", 7s);
  EXPECT_EQ(q.try_get(), std::nullopt);
  EXPECT_EQ(q.delayed_count(), 2u);
  EXPECT_EQ(q.next_delayed(), clock.now + 5s);
  clock.now += 5s;
  EXPECT_EQ(q.try_get(), "a");
  EXPECT_EQ(q.try_get(), std::nullopt);
  clock.now += 2s;
  EXPECT_EQ(q.try_get(), "b");
  clock.now += 10s;
  EXPECT_EQ(q.try_get(), std::nullopt) << "the later delay of a was superseded";
}

TEST(WorkQueueTest, AnImmediateAddSupersedesAPendingDelay) {
  FakeClock clock;
  WorkQueue q(no_jitter(clock));
  q.add_after("a", 10s);
  q.add("a");
  EXPECT_EQ(q.try_get(), "a");
  q.done("a");
  clock.now += 11s;
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueueTest, BacksOffPerKeyExponentiallyUpToTheCapAndForgets) {
  FakeClock clock;
  WorkQueue q(no_jitter(clock));
  std::vector<int64_t> delays;
  delays.reserve(6);
  for (int i = 0; i < 6; ++i) delays.push_back(q.add_rate_limited("a").count());
  EXPECT_EQ(delays, (std::vector<int64_t>{100, 200, 400, 800, 1000, 1000}));
  EXPECT_EQ(q.failures("a"), 6u);
  EXPECT_EQ(q.add_rate_limited("b").count(), 100) << "one failing key does not slow another";
  q.forget("a");
  EXPECT_EQ(q.failures("a"), 0u);
  EXPECT_EQ(q.add_rate_limited("a").count(), 100);
}

TEST(WorkQueueTest, JittersBackoffWithinItsBounds) {
  WorkQueue::Options options;
  options.backoff = {.initial = 1000ms, .max = 1000ms, .multiplier = 2.0, .jitter = 0.2};
  WorkQueue q(options);
  bool varied = false;
  int64_t first = q.add_rate_limited("k0").count();
  for (int i = 1; i < 50; ++i) {
    auto d = q.add_rate_limited("k" + std::to_string(i)).count();
    EXPECT_GE(d, 800);
    EXPECT_LE(d, 1200);
    varied = varied || d != first;
  }
  EXPECT_TRUE(varied);
}

TEST(WorkQueueTest, BlockingGetWakesForAddsAndDelaysAndStops) {
  WorkQueue q;
  std::optional<std::string> got;
  std::thread waiter([&] { got = q.get(); });
  q.add("a");
  waiter.join();
  EXPECT_EQ(got, "a");
  q.done("a");

  auto start = std::chrono::steady_clock::now();
  q.add_after("b", 30ms);
  EXPECT_EQ(q.get(), "b");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);

  std::stop_source stop;
  std::thread stopped([&] { got = q.get(stop.get_token()); });
  stop.request_stop();
  stopped.join();
  EXPECT_EQ(got, std::nullopt);

  q.add("c");
  q.shut_down();
  EXPECT_EQ(q.get(), std::nullopt);
}

}  // namespace
}  // namespace kc::kube::runtime
