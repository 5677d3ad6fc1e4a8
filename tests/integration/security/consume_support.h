#pragma once

// Consuming with the runtime's kafka::Consumer in the security integration tests.

#include <string>
#include <vector>

#include "runtime/kafka/consumer.h"

namespace kc::config::security::testing {

class NoRebalanceListener : public kafka::RebalanceListener {
 public:
  void on_assigned(const std::vector<api::TopicPartition>&) override {}
  void on_revoked(const std::vector<api::TopicPartition>&, bool) override {}
};

// Polls a subscribed consumer until `count` records of `topic` arrived (or 60 s passed), commits
// synchronously what it consumed, and returns the values in the order they came.
std::vector<std::string> consume_and_commit(kafka::Consumer& consumer, const std::string& topic,
                                            size_t count);

}  // namespace kc::config::security::testing
