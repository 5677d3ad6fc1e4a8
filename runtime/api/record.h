#pragma once

// A record as sinks and transforms see it (SinkRecord in Kafka Connect).
//
// Lifetime: records handed to Transform::apply and Sink::put may borrow the consumed Kafka
// message's bytes (raw_*, and values made with Value::*_view). They are valid only for the
// duration of that call; a sink that buffers records must copy what it keeps (Value::own()).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/api/value.h"

namespace kc::api {

enum class TimestampType : uint8_t { kNoTimestamp, kCreateTime, kLogAppendTime };

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct RawHeader {
  std::string_view key;
  std::optional<std::string_view> value;
};

struct Header {
  std::string key;
  SchemaPtr schema;
  Value value;
};

struct SinkRecord {
  // Current coordinates; transforms may rename the topic (RegexRouter, TimestampRouter).
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;  // ms since epoch
  TimestampType timestamp_type = TimestampType::kNoTimestamp;

  SchemaPtr key_schema;
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::vector<Header> headers;

  // Where the record was consumed from. Offsets are always committed against these (KIP-793).
  std::string_view original_topic;
  int32_t original_partition = 0;
  int64_t original_offset = 0;
  // The consumed bytes, unconverted (dead-letter queue, error reports).
  std::optional<std::string_view> raw_key;
  std::optional<std::string_view> raw_value;
  std::vector<RawHeader> raw_headers;
};

}  // namespace kc::api
