#pragma once

// librdkafka's C handles, each wrapped once with its deleter. Everything in kconnect that holds a
// librdkafka object holds one of these.

#include <memory>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace kc::kafka {

struct HandleDeleter {
  void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
  void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
  void operator()(rd_kafka_topic_partition_list_t* p) const {
    rd_kafka_topic_partition_list_destroy(p);
  }
  void operator()(rd_kafka_message_t* p) const { rd_kafka_message_destroy(p); }
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
  void operator()(rd_kafka_error_t* p) const { rd_kafka_error_destroy(p); }
  void operator()(rd_kafka_headers_t* p) const { rd_kafka_headers_destroy(p); }
  void operator()(rd_kafka_event_t* p) const { rd_kafka_event_destroy(p); }
  void operator()(rd_kafka_mock_cluster_t* p) const { rd_kafka_mock_cluster_destroy(p); }
  void operator()(rd_kafka_consumer_group_metadata_t* p) const {
    rd_kafka_consumer_group_metadata_destroy(p);
  }
  void operator()(rd_kafka_AdminOptions_t* p) const { rd_kafka_AdminOptions_destroy(p); }
  void operator()(rd_kafka_NewTopic_t* p) const { rd_kafka_NewTopic_destroy(p); }
  void operator()(rd_kafka_DeleteGroup_t* p) const { rd_kafka_DeleteGroup_destroy(p); }
  void operator()(rd_kafka_ListConsumerGroupOffsets_t* p) const {
    rd_kafka_ListConsumerGroupOffsets_destroy(p);
  }
  void operator()(rd_kafka_AlterConsumerGroupOffsets_t* p) const {
    rd_kafka_AlterConsumerGroupOffsets_destroy(p);
  }
  void operator()(rd_kafka_DeleteConsumerGroupOffsets_t* p) const {
    rd_kafka_DeleteConsumerGroupOffsets_destroy(p);
  }
  void operator()(const rd_kafka_metadata_t* p) const { rd_kafka_metadata_destroy(p); }
};

using KafkaPtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, HandleDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, HandleDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, HandleDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, HandleDeleter>;
using KafkaErrorPtr = std::unique_ptr<rd_kafka_error_t, HandleDeleter>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HandleDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, HandleDeleter>;
using MockClusterPtr = std::unique_ptr<rd_kafka_mock_cluster_t, HandleDeleter>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, HandleDeleter>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, HandleDeleter>;
using DeleteGroupPtr = std::unique_ptr<rd_kafka_DeleteGroup_t, HandleDeleter>;
using ListGroupOffsetsPtr = std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, HandleDeleter>;
using AlterGroupOffsetsPtr = std::unique_ptr<rd_kafka_AlterConsumerGroupOffsets_t, HandleDeleter>;
using DeleteGroupOffsetsPtr = std::unique_ptr<rd_kafka_DeleteConsumerGroupOffsets_t, HandleDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, HandleDeleter>;

inline PartitionListPtr new_partition_list(int size = 0) {
  return PartitionListPtr(rd_kafka_topic_partition_list_new(size));
}

}  // namespace kc::kafka
