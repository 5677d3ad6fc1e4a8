#pragma once

// A sink task's dead-letter queue (errors.deadletterqueue.topic.name): one producer per task
// (client.id connector-dlq-producer-<connector>-<task>), writing the consumed record unchanged —
// original key, value, headers and timestamp, the partition left to the producer — plus Kafka's
// __connect.errors.* context headers when asked for.
//
// Guarantees
//  - create() makes sure the topic exists: when a metadata request does not list it, it is
//    created with 1 partition and the configured replication factor (Kafka's
//    DeadLetterQueueReporter); a creation that fails fails the task's start.
//  - Every send() reports its outcome exactly once, through its callback, on the thread that
//    calls poll() or flush() (the sink thread). Unlike Kafka, which only logs a failed write, the
//    task fails on one and the record's offset is never committed (see sink_task.h).
// Threading: sink thread only.

#include <chrono>
#include <memory>
#include <string>

#include "libs/base/error.h"
#include "runtime/config/client_properties.h"
#include "runtime/kafka/producer.h"
#include "runtime/pipeline/error_reporter.h"

namespace kc::pipeline {

class DeadLetterQueue {
 public:
  struct Settings {
    std::string topic;
    int replication_factor = 3;
    bool context_headers = false;
    std::string connector;
    int task_id = 0;
    config::ClientProperties producer;  // librdkafka properties (bootstrap, producer.*, ...)
    config::ClientProperties admin;     // for the topic check and creation
    // Topic check and creation; the admin client's socket.timeout.ms when it sets one.
    std::chrono::milliseconds timeout{30000};
  };

  static Result<std::unique_ptr<DeadLetterQueue>> create(Settings settings);
  ~DeadLetterQueue();

  // Queues the consumed message for the dead-letter topic. `on_delivery` runs later (poll/flush).
  Status send(const rd_kafka_message_t& message, const RecordError& error,
              kafka::Producer::DeliveryCallback on_delivery);
  // The same for a record a sink reports (Sink's errant record reporter): its original
  // coordinates, timestamp, raw key, value and headers. Reads `record` during the call only.
  Status send(const api::SinkRecord& record, const RecordError& error,
              kafka::Producer::DeliveryCallback on_delivery);
  // Serves delivery reports that are ready; does not wait.
  void poll();
  // Waits up to `timeout` for every queued write to be reported.
  Status flush(std::chrono::milliseconds timeout);
  const std::string& topic() const { return settings_.topic; }

  struct Private {};
  DeadLetterQueue(Private, Settings settings) : settings_(std::move(settings)) {}

 private:
  Status produce(std::optional<std::string_view> key, std::optional<std::string_view> value,
                 std::vector<kafka::ProduceHeader> headers, const RecordCoordinates& where,
                 const RecordError& error, kafka::Producer::DeliveryCallback on_delivery);

  Settings settings_;
  std::unique_ptr<kafka::Producer> producer_;
};

// The record coordinates of a consumed librdkafka message.
RecordCoordinates coordinates_of(const rd_kafka_message_t& message);

}  // namespace kc::pipeline
