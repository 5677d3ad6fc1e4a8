#include "runtime/pipeline/error_reporter.h"

#include <fmt/format.h>

namespace kc::pipeline {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kKeyConverter:
      return "KEY_CONVERTER";
    case Stage::kValueConverter:
      return "VALUE_CONVERTER";
    case Stage::kHeaderConverter:
      return "HEADER_CONVERTER";
    case Stage::kTransformation:
      return "TRANSFORMATION";
    case Stage::kTaskPut:
      return "TASK_PUT";
    case Stage::kKafkaProduce:
      return "KAFKA_PRODUCE";
    case Stage::kKafkaConsume:
      return "KAFKA_CONSUME";
  }
  return "TASK_PUT";
}

bool tolerable(Stage stage) {
  return stage == Stage::kKeyConverter || stage == Stage::kValueConverter ||
         stage == Stage::kHeaderConverter || stage == Stage::kTransformation;
}

bool tolerable(const RecordError& error) {
  if (!tolerable(error.stage)) return false;
  bool converter = error.stage != Stage::kTransformation;
  auto code = error.error.code();
  return !(converter && (code == Errc::kPermissionDenied || code == Errc::kInvalidConfig));
}

std::string_view exception_class(const Error& error) {
  if (error.code() == Errc::kData) return "org.apache.kafka.connect.errors.DataException";
  if (error.retriable()) return "org.apache.kafka.connect.errors.RetriableException";
  return "org.apache.kafka.connect.errors.ConnectException";
}

namespace {

std::string_view timestamp_type_name(api::TimestampType type) {
  switch (type) {
    case api::TimestampType::kCreateTime:
      return "CreateTime";
    case api::TimestampType::kLogAppendTime:
      return "LogAppendTime";
    case api::TimestampType::kNoTimestamp:
      return "NoTimestampType";
  }
  return "NoTimestampType";
}

}  // namespace

std::string error_log_message(std::string_view task_id, const RecordError& error,
                              const RecordCoordinates& record, bool include_messages) {
  std::string out = fmt::format(
      "Error encountered in task {} while performing {} operation with class 'class {}'", task_id,
      stage_name(error.stage), error.executing_class);
  if (include_messages) {
    out += fmt::format(
        ", msg.topic='{}', msg.partition={}, msg.offset={}, msg.timestamp={}, "
        "msg.timestampType={}",
        record.topic, record.partition, record.offset, record.timestamp,
        timestamp_type_name(record.timestamp_type));
  }
  out += '.';
  return out;
}

std::vector<kafka::ProduceHeader> dead_letter_context_headers(std::string_view connector,
                                                              int task_id, const RecordError& error,
                                                              const RecordCoordinates& record) {
  constexpr std::string_view kPrefix = "__connect.errors.";
  std::vector<kafka::ProduceHeader> out;
  auto add = [&](std::string_view name, std::string value) {
    out.push_back({fmt::format("{}{}", kPrefix, name), std::move(value)});
  };
  add("topic", std::string(record.topic));
  add("partition", std::to_string(record.partition));
  add("offset", std::to_string(record.offset));
  add("connector.name", std::string(connector));
  add("task.id", std::to_string(task_id));
  add("stage", std::string(stage_name(error.stage)));
  add("class.name", error.executing_class);
  add("exception.class.name", std::string(exception_class(error.error)));
  add("exception.message", error.error.message());
  // No JVM stack: the first line of Java's printStackTrace, which is what tools show.
  add("exception.stacktrace",
      fmt::format("{}: {}", exception_class(error.error), error.error.message()));
  return out;
}

}  // namespace kc::pipeline
