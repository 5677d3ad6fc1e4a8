#pragma once

// What the dead-letter queue needs of a record once put() has returned (its bytes are borrowed
// only during put, see runtime/api/record.h): the original coordinates, timestamp and the
// consumed bytes and headers. A sink that reports refused records at flush() time keeps one per
// buffered record and hands record() to SinkContext::report_errant.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/api/record.h"

namespace kc::sink {

struct RecordCopy {
  std::string topic;  // original_topic
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  api::TimestampType timestamp_type = api::TimestampType::kNoTimestamp;
  std::optional<std::string> raw_key;
  std::optional<std::string> raw_value;
  std::vector<std::pair<std::string, std::optional<std::string>>> raw_headers;

  static RecordCopy of(const api::SinkRecord& record);
  // A record viewing this copy's bytes (valid while the copy lives), for the errant record
  // reporter.
  api::SinkRecord record() const;
};

}  // namespace kc::sink
