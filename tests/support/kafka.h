#pragma once

// Kafka helpers for tests, over the runtime's own librdkafka wrappers and the mock cluster.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/kafka/client_config.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/producer.h"
#include "tests/support/wait.h"

namespace kc::testing {

struct ConsumedRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<kafka::ProduceHeader> headers;
};

// Produces `count` records; value(i) gives each value, key(i) each key (or no key when null).
// Partition -1 spreads records with the default partitioner. Waits for every delivery.
void produce(const std::string& bootstrap, const std::string& topic, int count,
             const std::function<std::string(int)>& value,
             const std::function<std::optional<std::string>(int)>& key = nullptr,
             int32_t partition = -1, const kafka::Properties& extra = {});

// Reads every record currently in `topic` (all partitions, from the beginning), without a group.
// Stops once `expected` records were read or the deadline passes.
std::vector<ConsumedRecord> read_all(const std::string& bootstrap, const std::string& topic,
                                     size_t expected, std::chrono::milliseconds deadline,
                                     const kafka::Properties& extra = {});

// Committed offsets of `group` for each partition of `topic` (-1001 = none), via OffsetFetch.
std::map<int32_t, int64_t> committed_offsets(const std::string& bootstrap, const std::string& group,
                                             const std::string& topic, int partitions);

// worker.properties for a kconnect-runtime process against the mock cluster at `bootstrap`:
// REST on port 0, String keys, schemaless JSON values, 200 ms offset flushes, and the session
// timeout the mock cluster's rebalances need (docs/testing.md).
std::string process_worker_properties(const std::string& bootstrap);

}  // namespace kc::testing
