#pragma once

// Record preparation, the first step of a sink task's data flow: a consumed Kafka message becomes
// a SinkRecord (key, value and headers converted with the connector's converters) and goes
// through the connector's transforms.
//
// Guarantees
//  - A failure names its stage (KEY_CONVERTER, ..., TRANSFORMATION) and the Kafka class of the
//    plugin, as the error reporter and the dead-letter queue headers need them.
//  - Retriable errors (a Schema Registry outage) are retried with the task's Retrier until they
//    succeed or the retries end; the record is then neither skipped nor dead-lettered meanwhile.
//  - The SinkRecord borrows the message's bytes (raw_key, raw_value, raw_headers): it must not
//    outlive the message.
// Threading: one instance per task, used on its sink thread only.

#include <memory>
#include <optional>
#include <string>

#include <librdkafka/rdkafka.h>

#include "libs/base/error.h"
#include "runtime/api/converter.h"
#include "runtime/api/record.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/dead_letter_queue.h"
#include "runtime/pipeline/error_reporter.h"
#include "runtime/pipeline/retry.h"
#include "runtime/transforms/chain.h"

namespace kc::pipeline {

class RecordPreparer {
 public:
  // Builds the connector's converters and transform chain; errors mean the task cannot start.
  static Result<std::unique_ptr<RecordPreparer>> create(const config::ConnectorConfig& connector);

  // Fills `record` from `msg`, converts and transforms it (retrying retriable errors with
  // `retries`). nullopt: prepared; `keep` false when a transform dropped it (not for the sink).
  std::optional<RecordError> prepare(const rd_kafka_message_t* msg, api::SinkRecord& record,
                                     bool& keep, const Retrier& retries);

 private:
  explicit RecordPreparer(const config::ConnectorConfig& connector) : connector_(connector) {}
  std::optional<RecordError> convert(const rd_kafka_message_t* msg, api::SinkRecord& r);
  std::optional<RecordError> transform(api::SinkRecord& record, bool& keep);
  std::string transform_class(const Error& error) const;

  const config::ConnectorConfig& connector_;
  std::unique_ptr<api::Converter> key_converter_, value_converter_, header_converter_;
  std::optional<transforms::Chain> chain_;  // empty when the connector has no transforms
};

}  // namespace kc::pipeline
