#pragma once

// What a sink task does with a record it could not process: Kafka Connect's error handling
// (RetryWithToleranceOperator, LogReporter, DeadLetterQueueReporter) for the stages kconnect has.
//
// Guarantees
//  - Stage names, the log line and the dead-letter queue context headers are Kafka's, so tools
//    that read them keep working (docs/error-handling.md lists them).
//  - Nothing here decides about offsets: the sink task holds a dead-lettered record's offset
//    until its write is acknowledged (OffsetTracker::hold) and fails when a write fails.
// Threading: one instance per task, used on the task's sink thread only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/record.h"
#include "runtime/kafka/producer.h"

namespace kc::pipeline {

// Kafka's org.apache.kafka.connect.runtime.errors.Stage (the ones a sink task has).
enum class Stage {
  kKeyConverter,
  kValueConverter,
  kHeaderConverter,
  kTransformation,
  kTaskPut,
  kKafkaProduce,
  kKafkaConsume
};
std::string_view stage_name(Stage stage);  // "VALUE_CONVERTER", ...
// Kafka tolerates any error in converters and transformations; elsewhere only retriable ones.
bool tolerable(Stage stage);

// A record that failed in a stage.
struct RecordError {
  Stage stage = Stage::kValueConverter;
  std::string executing_class;  // the plugin's Kafka class name
  Error error;
};

// Whether errors.tolerance=all may skip (or dead-letter) the record: tolerable(stage), except a
// converter's permission or configuration error (a Schema Registry refusing the credentials),
// which no record can fix: that fails the task instead of dead-lettering every record.
bool tolerable(const RecordError& error);

// The consumed record's coordinates, as the log line and the context headers need them.
struct RecordCoordinates {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = -1;
  api::TimestampType timestamp_type = api::TimestampType::kNoTimestamp;
};

// The Java exception class a kconnect error stands for, for the headers and logs:
// DataException (Errc::kData), RetriableException (retriable), else ConnectException.
std::string_view exception_class(const Error& error);

// LogReporter's line: "Error encountered in task <connector>-<task> while performing
// VALUE_CONVERTER operation with class '...'[, msg.topic='t', msg.partition=0, ...]."
std::string error_log_message(std::string_view task_id, const RecordError& error,
                              const RecordCoordinates& record, bool include_messages);

// DeadLetterQueueReporter's __connect.errors.* headers, in Kafka's order.
std::vector<kafka::ProduceHeader> dead_letter_context_headers(std::string_view connector,
                                                              int task_id, const RecordError& error,
                                                              const RecordCoordinates& record);

}  // namespace kc::pipeline
