#include "runtime/pipeline/dead_letter_queue.h"

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/kafka/admin.h"

namespace kc::pipeline {
namespace {

auto& logger() {
  static auto& log = kc::log::get("kc.pipeline.dlq");
  return log;
}

// Adds `name=value` unless the properties already set `name` (the user's client.id wins).
void set_default(config::ClientProperties& props, const std::string& name, std::string value) {
  for (const auto& [k, v] : props) {
    if (k == name) return;
  }
  props.emplace_back(name, std::move(value));
}

}  // namespace

RecordCoordinates coordinates_of(const rd_kafka_message_t& m) {
  rd_kafka_timestamp_type_t type;
  int64_t ts = rd_kafka_message_timestamp(&m, &type);
  return {.topic = m.rkt ? rd_kafka_topic_name(m.rkt) : "",
          .partition = m.partition,
          .offset = m.offset,
          .timestamp = ts,
          .timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME ? api::TimestampType::kCreateTime
                            : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                                ? api::TimestampType::kLogAppendTime
                                : api::TimestampType::kNoTimestamp};
}

Result<std::unique_ptr<DeadLetterQueue>> DeadLetterQueue::create(Settings settings) {
  auto dlq = std::make_unique<DeadLetterQueue>(Private{}, std::move(settings));
  auto& s = dlq->settings_;
  auto fail = [&](const Error& e) {
    return make_error(e.code(), "Could not initialize dead letter queue with topic={}: {}", s.topic,
                      e.message());
  };
  // The admin client's request timeout (admin.override.request.timeout.ms) bounds the setup.
  for (const auto& [k, v] : s.admin) {
    if (k != "socket.timeout.ms") continue;
    if (auto ms = strings::parse_int<int64_t>(v); ms && *ms > 0)
      s.timeout = std::chrono::milliseconds(*ms);
  }
  set_default(s.admin, "client.id",
              fmt::format("connector-dlq-adminclient-{}-{}", s.connector, s.task_id));
  auto admin = kafka::Admin::create(s.admin);
  if (!admin) return fail(admin.error());
  auto topics = (*admin)->list_topics(s.timeout);
  if (!topics) return fail(topics.error());
  if (!topics->count(s.topic)) {
    logger().warn("dead letter queue topic does not exist; creating it",
                  {{"topic", s.topic}, {"replication_factor", s.replication_factor}});
    if (auto st = (*admin)->create_topic(s.topic, 1, s.replication_factor, s.timeout); !st)
      return fail(st.error());
  }
  set_default(s.producer, "client.id",
              fmt::format("connector-dlq-producer-{}-{}", s.connector, s.task_id));
  auto producer = kafka::Producer::create(s.producer);
  if (!producer) return fail(producer.error());
  dlq->producer_ = std::move(*producer);
  return dlq;
}

DeadLetterQueue::~DeadLetterQueue() = default;

Status DeadLetterQueue::send(const rd_kafka_message_t& m, const RecordError& error,
                             kafka::Producer::DeliveryCallback on_delivery) {
  std::vector<kafka::ProduceHeader> headers;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &value, &size); ++i) {
      headers.push_back({name, value ? std::optional<std::string>(
                                           std::string(static_cast<const char*>(value), size))
                                     : std::nullopt});
    }
  }
  auto bytes = [](const void* data, size_t len) -> std::optional<std::string_view> {
    if (!data) return std::nullopt;
    return std::string_view(static_cast<const char*>(data), len);
  };
  return produce(bytes(m.key, m.key_len), bytes(m.payload, m.len), std::move(headers),
                 coordinates_of(m), error, std::move(on_delivery));
}

Status DeadLetterQueue::send(const api::SinkRecord& record, const RecordError& error,
                             kafka::Producer::DeliveryCallback on_delivery) {
  std::vector<kafka::ProduceHeader> headers;
  headers.reserve(record.raw_headers.size());
  for (const auto& h : record.raw_headers) {
    headers.push_back(
        {std::string(h.key), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
  }
  RecordCoordinates where{.topic = record.original_topic,
                          .partition = record.original_partition,
                          .offset = record.original_offset,
                          .timestamp = record.timestamp,
                          .timestamp_type = record.timestamp_type};
  return produce(record.raw_key, record.raw_value, std::move(headers), where, error,
                 std::move(on_delivery));
}

Status DeadLetterQueue::produce(std::optional<std::string_view> key,
                                std::optional<std::string_view> value,
                                std::vector<kafka::ProduceHeader> headers,
                                const RecordCoordinates& where, const RecordError& error,
                                kafka::Producer::DeliveryCallback on_delivery) {
  if (settings_.context_headers) {
    for (auto& h :
         dead_letter_context_headers(settings_.connector, settings_.task_id, error, where)) {
      // Kafka keeps a header the record already carries and logs the clash.
      bool clash = false;
      for (const auto& existing : headers) clash = clash || existing.key == h.key;
      if (clash) {
        logger().error("Header already contains the key", {{"key", h.key}});
        continue;
      }
      headers.push_back(std::move(h));
    }
  }
  return producer_->produce(settings_.topic, -1, key, value, headers,
                            where.timestamp >= 0 ? where.timestamp : 0, std::move(on_delivery));
}

void DeadLetterQueue::poll() { producer_->poll(std::chrono::milliseconds(0)); }

Status DeadLetterQueue::flush(std::chrono::milliseconds timeout) {
  return producer_->flush(timeout);
}

}  // namespace kc::pipeline
