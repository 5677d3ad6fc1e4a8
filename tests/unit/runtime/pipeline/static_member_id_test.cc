// group.instance.id for static membership (KIP-345): unique per pod, connector and task, and
// always an id Kafka accepts (JoinGroupRequest.validateGroupInstanceId: at most 249 characters of
// ASCII letters, digits, '.', '_' and '-').

#include <gtest/gtest.h>

#include "runtime/pipeline/worker.h"

namespace kc::pipeline {
namespace {

bool kafka_accepts(const std::string& id) {
  if (id.empty() || id.size() > 249) return false;
  for (char ch : id) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

TEST(StaticMemberIdTest, PodConnectorAndTask) {
  EXPECT_EQ(static_member_id("main-kconnect-7d9f-x2k4p", "orders-sink", 0),
            "main-kconnect-7d9f-x2k4p-orders-sink-0");
  EXPECT_NE(static_member_id("pod", "orders", 1), static_member_id("pod", "orders", 2));
}

TEST(StaticMemberIdTest, CharactersKafkaRefusesAreReplaced) {
  auto id = static_member_id("pod", "orders to s3/eu (v2) ü", 3);
  EXPECT_TRUE(kafka_accepts(id)) << id;
  EXPECT_EQ(id.rfind("pod-orders_to_s3_eu__v2__", 0), 0u) << id;
  EXPECT_EQ(id.back(), '3');
}

TEST(StaticMemberIdTest, LongIdsAreCutButStayDistinct) {
  std::string long_name(300, 'c');
  auto a = static_member_id("pod", long_name + "a", 0);
  auto b = static_member_id("pod", long_name + "b", 0);
  EXPECT_TRUE(kafka_accepts(a)) << a;
  EXPECT_TRUE(kafka_accepts(b)) << b;
  EXPECT_EQ(a.size(), 249u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, static_member_id("pod", long_name + "a", 0));  // stable across calls
}

}  // namespace
}  // namespace kc::pipeline
