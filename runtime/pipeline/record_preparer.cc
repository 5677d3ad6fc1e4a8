#include "runtime/pipeline/record_preparer.h"

#include <fmt/format.h>

namespace kc::pipeline {
namespace {

std::optional<std::string_view> bytes_of(const void* data, size_t len) {
  if (!data) return std::nullopt;
  return std::string_view(static_cast<const char*>(data), len);
}

}  // namespace

Result<std::unique_ptr<RecordPreparer>> RecordPreparer::create(const config::ConnectorConfig& c) {
  std::unique_ptr<RecordPreparer> p(new RecordPreparer(c));
  KC_ASSIGN_OR_RETURN(p->key_converter_, c.key_converter.plugin->create(c.key_converter.config,
                                                                        api::ConverterRole::kKey));
  KC_ASSIGN_OR_RETURN(
      p->value_converter_,
      c.value_converter.plugin->create(c.value_converter.config, api::ConverterRole::kValue));
  KC_ASSIGN_OR_RETURN(
      p->header_converter_,
      c.header_converter.plugin->create(c.header_converter.config, api::ConverterRole::kHeader));
  if (c.plugins) {
    KC_ASSIGN_OR_RETURN(auto chain, transforms::Chain::create(c.originals, *c.plugins));
    if (!chain.empty()) p->chain_.emplace(std::move(chain));
  }
  return p;
}

// Fills `r` from a consumed message and converts key, value and headers.
std::optional<RecordError> RecordPreparer::convert(const rd_kafka_message_t* msg,
                                                   api::SinkRecord& r) {
  std::string_view topic = rd_kafka_topic_name(msg->rkt);
  auto where = coordinates_of(*msg);
  r.topic.assign(topic);
  r.partition = msg->partition;
  r.offset = msg->offset;
  r.timestamp = where.timestamp;
  r.timestamp_type = where.timestamp_type;
  r.original_topic = topic;
  r.original_partition = msg->partition;
  r.original_offset = msg->offset;
  r.raw_key = bytes_of(msg->key, msg->key_len);
  r.raw_value = bytes_of(msg->payload, msg->len);
  r.raw_headers.clear();
  r.headers.clear();
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* val;
    size_t size;
    for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &val, &size); ++i)
      r.raw_headers.push_back({name, bytes_of(val, size)});
  }
  auto key = key_converter_->to_connect(topic, r.raw_key);
  if (!key)
    return RecordError{Stage::kKeyConverter, connector_.key_converter.plugin->info.class_name,
                       key.error()};
  r.key_schema = std::move(key->schema);
  r.key = std::move(key->value);
  auto value = value_converter_->to_connect(topic, r.raw_value);
  if (!value)
    return RecordError{Stage::kValueConverter, connector_.value_converter.plugin->info.class_name,
                       value.error()};
  r.value_schema = std::move(value->schema);
  r.value = std::move(value->value);
  for (const auto& raw : r.raw_headers) {
    auto h = header_converter_->to_connect(topic, raw.value);
    if (!h) {
      return RecordError{
          Stage::kHeaderConverter, connector_.header_converter.plugin->info.class_name,
          Error(h.error().code(), fmt::format("header '{}': {}", raw.key, h.error().message()),
                h.error().retriable() ? Retry::kYes : Retry::kNo)};
    }
    r.headers.push_back({std::string(raw.key), std::move(h->schema), std::move(h->value)});
  }
  return std::nullopt;
}

// Single message transforms, after conversion. An error is stage TRANSFORMATION (tolerable
// with errors.tolerance=all, whatever its code, as in Kafka); kDrop means "not for the sink",
// and the record's offset is committed past like any handled record.
std::optional<RecordError> RecordPreparer::transform(api::SinkRecord& record, bool& keep) {
  keep = true;
  if (!chain_ || chain_->empty()) return std::nullopt;
  auto outcome = chain_->apply(record);
  if (!outcome)
    return RecordError{Stage::kTransformation, transform_class(outcome.error()), outcome.error()};
  keep = *outcome == api::Transform::Outcome::kKeep;
  return std::nullopt;
}

// The Kafka class of the transform an error came from ("transform 'alias' (Type): ..."), for the
// dead-letter queue's __connect.errors.class.name.
std::string RecordPreparer::transform_class(const Error& error) const {
  const auto& m = error.message();
  auto open = m.find("' (");
  auto close = open == std::string::npos ? std::string::npos : m.find("): ", open);
  if (close != std::string::npos && connector_.plugins) {
    auto type = std::string_view(m).substr(open + 3, close - open - 3);
    if (const auto* plugin = connector_.plugins->find_transform(type))
      return plugin->info.class_name;
  }
  return "org.apache.kafka.connect.runtime.TransformationChain";
}

// Converts and transforms one message, retrying errors marked retriable. Such an error is an
// outage (a Schema Registry down), not a bad record: like a sink error it is retried for
// errors.retry.timeout when that is set and without limit otherwise, so it is neither skipped
// nor dead-lettered while the outage lasts.
std::optional<RecordError> RecordPreparer::prepare(const rd_kafka_message_t* msg,
                                                   api::SinkRecord& r, bool& keep,
                                                   const Retrier& retries) {
  std::optional<RecordError> error;
  (void)retries.run("conversion", [&]() -> Status {
    error = convert(msg, r);
    if (!error) error = transform(r, keep);
    if (error) return tl::unexpected(error->error);
    return ok();
  });
  return error;
}

}  // namespace kc::pipeline
