#pragma once

// librdkafka's mock cluster, in-process: a real Kafka protocol server on loopback (produce, fetch,
// consumer groups, offset commits). Used by `bootstrap.servers=embedded`, the demo, tests and
// benchmarks. Limits (see docs/testing.md): no SSL/SASL; each partition keeps only a bounded log.

#include <memory>
#include <string>

#include "libs/base/error.h"
#include "runtime/kafka/handles.h"

namespace kc::kafka {

class EmbeddedCluster {
  struct Private {};

 public:
  explicit EmbeddedCluster(Private) {}
  // Starts `brokers` mock brokers on 127.0.0.1 with ephemeral ports.
  static Result<std::unique_ptr<EmbeddedCluster>> start(int brokers = 1);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  const std::string& bootstrap_servers() const { return bootstraps_; }
  Status create_topic(const std::string& name, int partitions, int replication_factor = 1);
  rd_kafka_mock_cluster_t* mock() const { return cluster_.get(); }

 private:
  KafkaPtr owner_;  // the handle the mock cluster is attached to
  MockClusterPtr cluster_;
  std::string bootstraps_;
};

}  // namespace kc::kafka
