#include "tests/integration/security/consume_support.h"

#include <chrono>
#include <map>

#include <gtest/gtest.h>

namespace kc::config::security::testing {

using namespace std::chrono_literals;

std::vector<std::string> consume_and_commit(kafka::Consumer& consumer, const std::string& topic,
                                            size_t count) {
  std::vector<std::string> values;
  std::map<int32_t, int64_t> next;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (values.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::vector<kafka::MessagePtr> batch;
    auto polled = consumer.poll_batch(batch, 100, 200ms);
    EXPECT_TRUE(polled) << polled.error().to_string();
    for (const auto& m : batch) {
      values.emplace_back(static_cast<const char*>(m->payload), m->len);
      next[m->partition] = m->offset + 1;
    }
  }
  kafka::OffsetMap offsets;
  for (const auto& [partition, offset] : next) offsets.push_back({{topic, partition}, offset});
  auto committed = consumer.commit_sync(offsets);
  EXPECT_TRUE(committed) << committed.error().to_string();
  return values;
}

}  // namespace kc::config::security::testing
