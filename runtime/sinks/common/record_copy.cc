#include "runtime/sinks/common/record_copy.h"

namespace kc::sink {

RecordCopy RecordCopy::of(const api::SinkRecord& r) {
  RecordCopy c{std::string(r.original_topic), r.original_partition, r.original_offset, r.timestamp,
               r.timestamp_type};
  if (r.raw_key) c.raw_key.emplace(*r.raw_key);
  if (r.raw_value) c.raw_value.emplace(*r.raw_value);
  c.raw_headers.reserve(r.raw_headers.size());
  for (const auto& h : r.raw_headers) {
    c.raw_headers.emplace_back(std::string(h.key),
                               h.value ? std::optional<std::string>(*h.value) : std::nullopt);
  }
  return c;
}

api::SinkRecord RecordCopy::record() const {
  api::SinkRecord r;
  r.topic = topic;
  r.partition = partition;
  r.offset = offset;
  r.timestamp = timestamp;
  r.timestamp_type = timestamp_type;
  r.original_topic = topic;
  r.original_partition = partition;
  r.original_offset = offset;
  if (raw_key) r.raw_key = *raw_key;
  if (raw_value) r.raw_value = *raw_value;
  r.raw_headers.reserve(raw_headers.size());
  for (const auto& [k, v] : raw_headers) {
    r.raw_headers.push_back({k, v ? std::optional<std::string_view>(*v) : std::nullopt});
  }
  return r;
}

}  // namespace kc::sink
