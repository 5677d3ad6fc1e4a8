// topics.regex on both sides: for a set of Java patterns, the topics a librdkafka consumer
// subscribed with TopicRegex::subscription() is assigned are exactly those TopicRegex::matches()
// (the validator's and the herder's view) accepts, on librdkafka's mock cluster.

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/config/topic_regex.h"
#include "runtime/kafka/consumer.h"
#include "runtime/kafka/embedded_cluster.h"
#include "tests/support/kafka.h"

namespace kc {
namespace {

using namespace std::chrono_literals;

class AssignedTopics : public kafka::RebalanceListener {
 public:
  void on_assigned(const std::vector<api::TopicPartition>& partitions) override {
    std::lock_guard lock(mu_);
    for (const auto& tp : partitions) topics_.insert(tp.topic);
    assigned_ = true;
  }
  void on_revoked(const std::vector<api::TopicPartition>& partitions, bool) override {
    std::lock_guard lock(mu_);
    for (const auto& tp : partitions) topics_.erase(tp.topic);
  }
  bool assigned() const {
    std::lock_guard lock(mu_);
    return assigned_;
  }
  std::set<std::string> topics() const {
    std::lock_guard lock(mu_);
    return topics_;
  }

 private:
  mutable std::mutex mu_;
  bool assigned_ = false;
  std::set<std::string> topics_;
};

TEST(TopicRegexSubscriptionTest, TheConsumerIsAssignedExactlyTheTopicsTheValidatorMatches) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster) << cluster.error().to_string();
  const std::vector<std::string> topics = {"orders-1",  "orders-12", "orders-ddd", "orders.eu",
                                           "ordersXeu", "audit_log", "audit.log",  "a.b-c",
                                           "axb-c",     "ORDERS-2",  "x_orders-3"};
  for (const auto& t : topics) ASSERT_TRUE((*cluster)->create_topic(t, 1));
  // Java patterns whose meaning differs between Java, ECMAScript and an untranslated POSIX ERE.
  const std::vector<std::string> patterns = {
      "orders-\\d+", "orders\\..*",   "(?:orders|audit)[-_]\\w+", "\\Qa.b\\E.c", "[a-z]+[.]\\w+",
      "[^o].*",      ".*orders-[\\d]"};

  struct Subscriber {
    config::TopicRegex regex;
    AssignedTopics listener;
    std::unique_ptr<kafka::Consumer> consumer;
  };
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto regex = config::TopicRegex::compile(patterns[i]);
    ASSERT_TRUE(regex) << regex.error().message();
    auto s = std::make_unique<Subscriber>();
    s->regex = *regex;
    auto consumer = kafka::Consumer::create({{"bootstrap.servers", (*cluster)->bootstrap_servers()},
                                             {"group.id", fmt::format("regex-{}", i)},
                                             {"topic.metadata.refresh.interval.ms", "500"}},
                                            &s->listener);
    ASSERT_TRUE(consumer) << consumer.error().to_string();
    s->consumer = std::move(*consumer);
    ASSERT_TRUE(s->consumer->subscribe({}, s->regex.subscription()));
    subscribers.push_back(std::move(s));
  }
  // Poll every consumer until each has its first assignment (the mock's joins run in parallel).
  std::vector<kafka::MessagePtr> batch;
  ASSERT_TRUE(kc::testing::eventually(
      [&] {
        bool all = true;
        for (auto& s : subscribers) {
          batch.clear();
          (void)s->consumer->poll_batch(batch, 10, 20ms);
          all = all && s->listener.assigned();
        }
        return all;
      },
      60s));

  for (size_t i = 0; i < patterns.size(); ++i) {
    std::set<std::string> expected;
    for (const auto& t : topics) {
      if (subscribers[i]->regex.matches(t)) expected.insert(t);
    }
    EXPECT_FALSE(expected.empty()) << patterns[i];
    EXPECT_EQ(subscribers[i]->listener.topics(), expected) << "pattern " << patterns[i];
  }
  for (auto& s : subscribers) (void)s->consumer->close();
}

}  // namespace
}  // namespace kc
