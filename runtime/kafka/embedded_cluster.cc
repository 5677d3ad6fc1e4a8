#include "runtime/kafka/embedded_cluster.h"

#include "runtime/kafka/client_config.h"
#include "runtime/kafka/errors.h"

namespace kc::kafka {

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::start(int brokers) {
  KC_ASSIGN_OR_RETURN(auto conf, make_conf({{"client.id", "kconnect-embedded-cluster"}}));
  char errstr[512];
  KafkaPtr owner(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!owner)
    return make_error(Errc::kInternal, "creating the embedded cluster's handle: {}", errstr);
  (void)conf.release();  // owned by `owner` now
  auto cluster = std::make_unique<EmbeddedCluster>(Private{});
  cluster->cluster_.reset(rd_kafka_mock_cluster_new(owner.get(), brokers));
  if (!cluster->cluster_) return make_error(Errc::kInternal, "rd_kafka_mock_cluster_new failed");
  cluster->owner_ = std::move(owner);
  cluster->bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster->cluster_.get());
  return cluster;
}

EmbeddedCluster::~EmbeddedCluster() {
  cluster_.reset();  // the cluster must go before the handle it is attached to
  owner_.reset();
}

Status EmbeddedCluster::create_topic(const std::string& name, int partitions,
                                     int replication_factor) {
  auto err =
      rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, replication_factor);
  if (err) return tl::unexpected(to_error(err, "creating topic " + name));
  return ok();
}

}  // namespace kc::kafka
