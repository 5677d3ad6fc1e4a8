#include "runtime/pipeline/error_reporter.h"

#include <gtest/gtest.h>

namespace kc::pipeline {
namespace {

RecordError value_error() {
  return {Stage::kValueConverter, "org.apache.kafka.connect.json.JsonConverter",
          Error(Errc::kData, "Converting byte[] to Kafka Connect data failed")};
}

const RecordCoordinates kWhere{.topic = "orders",
                               .partition = 3,
                               .offset = 42,
                               .timestamp = 1700000000000,
                               .timestamp_type = api::TimestampType::kCreateTime};

TEST(ErrorReporterTest, ContextHeadersAreKafkasNamesInKafkasOrder) {
  auto headers = dead_letter_context_headers("orders-sink", 2, value_error(), kWhere);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& h : headers) got.emplace_back(h.key, h.value.value_or("<null>"));
  std::vector<std::pair<std::string, std::string>> want = {
      {"__connect.errors.topic", "orders"},
      {"__connect.errors.partition", "3"},
      {"__connect.errors.offset", "42"},
      {"__connect.errors.connector.name", "orders-sink"},
      {"__connect.errors.task.id", "2"},
      {"__connect.errors.stage", "VALUE_CONVERTER"},
      {"__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter"},
      {"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"},
      {"__connect.errors.exception.message", "Converting byte[] to Kafka Connect data failed"},
      {"__connect.errors.exception.stacktrace",
       "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data "
       "failed"},
  };
  EXPECT_EQ(got, want);
}

TEST(ErrorReporterTest, LogLineIsLogReportersAndOnlyNamesTheRecordWhenAsked) {
  EXPECT_EQ(error_log_message("orders-sink-2", value_error(), kWhere, false),
            "Error encountered in task orders-sink-2 while performing VALUE_CONVERTER operation "
            "with class 'class org.apache.kafka.connect.json.JsonConverter'.");
  EXPECT_EQ(error_log_message("orders-sink-2", value_error(), kWhere, true),
            "Error encountered in task orders-sink-2 while performing VALUE_CONVERTER operation "
            "with class 'class org.apache.kafka.connect.json.JsonConverter', msg.topic='orders', "
            "msg.partition=3, msg.offset=42, msg.timestamp=1700000000000, "
            "msg.timestampType=CreateTime.");
}

TEST(ErrorReporterTest, StagesAndToleranceFollowKafka) {
  EXPECT_EQ(stage_name(Stage::kKeyConverter), "KEY_CONVERTER");
  EXPECT_EQ(stage_name(Stage::kHeaderConverter), "HEADER_CONVERTER");
  EXPECT_EQ(stage_name(Stage::kTransformation), "TRANSFORMATION");
  EXPECT_EQ(stage_name(Stage::kTaskPut), "TASK_PUT");
  EXPECT_TRUE(tolerable(Stage::kValueConverter));
  EXPECT_TRUE(tolerable(Stage::kTransformation));
  EXPECT_FALSE(tolerable(Stage::kTaskPut));
  EXPECT_EQ(exception_class(Error(Errc::kUnavailable, "x", Retry::kYes)),
            "org.apache.kafka.connect.errors.RetriableException");
  EXPECT_EQ(exception_class(Error(Errc::kIo, "x")),
            "org.apache.kafka.connect.errors.ConnectException");
}

}  // namespace
}  // namespace kc::pipeline
