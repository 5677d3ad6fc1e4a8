#pragma once

// librdkafka's admin API, wrapped once: topics (list, create), the cluster id, and a consumer
// group's committed offsets (list, alter, delete, delete the group). Used for the dead-letter
// queue topic, the REST offsets endpoints (KIP-875) and GET /.
//
// Threading: every method may be called from any thread; each call blocks the caller until the
// broker answered or `timeout` passed (never call it on a task's poll thread).
// Errors: kafka::to_error mapping (retriable transport errors, kTimeout, kPermissionDenied, ...).
// Caveat: librdkafka's mock cluster answers none of CreateTopics, DeleteGroups and
// OffsetDelete, and lists a group's offsets only for explicitly named partitions; tests work
// around that (see docs/testing.md).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/kafka/client_config.h"
#include "runtime/kafka/consumer.h"
#include "runtime/kafka/handles.h"

namespace kc::kafka {

class Admin {
 public:
  // `properties` are librdkafka properties (bootstrap.servers, security settings, client.id).
  static Result<std::unique_ptr<Admin>> create(const Properties& properties);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Every topic of the cluster and its partition count (one metadata request for all topics, so
  // nothing is auto-created).
  Result<std::map<std::string, int>> list_topics(std::chrono::milliseconds timeout);
  // Creates a topic; "already exists" counts as success. replication_factor -1: broker default.
  Status create_topic(const std::string& name, int partitions, int replication_factor,
                      std::chrono::milliseconds timeout);
  Result<std::string> cluster_id(std::chrono::milliseconds timeout);

  // Committed offsets (next offset to consume) of `group`: for `partitions` when given, else
  // every partition the broker reports. Partitions without a committed offset are left out.
  Result<OffsetMap> group_offsets(const std::string& group,
                                  const std::optional<std::vector<TopicPartition>>& partitions,
                                  std::chrono::milliseconds timeout);
  // Commits offsets for `group` from outside it (the group must have no active members).
  Status alter_group_offsets(const std::string& group, const OffsetMap& offsets,
                             std::chrono::milliseconds timeout);
  // Deletes the committed offsets of `partitions` (the group must not consume them).
  Status delete_group_offsets(const std::string& group,
                              const std::vector<TopicPartition>& partitions,
                              std::chrono::milliseconds timeout);
  // Deletes the group and all its offsets; a group that does not exist counts as success.
  Status delete_group(const std::string& group, std::chrono::milliseconds timeout);

  struct Private {};
  explicit Admin(Private) {}

 private:
  Result<EventPtr> await(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout,
                         std::string_view what);
  AdminOptionsPtr options(rd_kafka_admin_op_t op, std::chrono::milliseconds timeout) const;
  KafkaPtr rk_;
};

}  // namespace kc::kafka
