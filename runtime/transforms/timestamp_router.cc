// TimestampRouter (org.apache.kafka.connect.transforms.TimestampRouter). Renaming sets
// SinkRecord::topic only; offsets stay on the original topic and partition (KIP-793).

#include <string>

#include "runtime/transforms/date_format.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

std::optional<std::string> check_date_format(std::string_view pattern) {
  auto f = DateFormat::compile(pattern);
  if (!f) return f.error().message();
  return std::nullopt;
}

const api::ConfigDef& timestamp_router_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "topic.format",
              .type = api::ConfigType::kString,
              .default_value = "${topic}-${timestamp}",
              .importance = api::Importance::kHigh,
              .documentation = "Format string which can contain `${topic}` and `${timestamp}` as "
                               "placeholders for the topic and timestamp, respectively."});
    d.define({.name = "timestamp.format",
              .type = api::ConfigType::kString,
              .default_value = "yyyyMMdd",
              .validator = check_date_format,
              .allowed = "SimpleDateFormat pattern (see runtime/transforms/date_format.h)",
              .importance = api::Importance::kHigh,
              .documentation = "Format string for the timestamp that is compatible with "
                               "java.text.SimpleDateFormat. Always UTC."});
    return d;
  }();
  return def;
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  size_t pos = 0;
  while ((pos = s.find(what, pos)) != std::string::npos) {
    s.replace(pos, what.size(), with);
    pos += with.size();
  }
}

class TimestampRouter final : public api::Transform {
 public:
  TimestampRouter(std::string topic_format, DateFormat format)
      : topic_format_(std::move(topic_format)), format_(std::move(format)) {}

  static Result<std::unique_ptr<api::Transform>> create(const api::Config& config) {
    KC_ASSIGN_OR_RETURN(auto format, DateFormat::compile(config.get_string("timestamp.format")));
    return std::unique_ptr<api::Transform>(
        std::make_unique<TimestampRouter>(config.get_string("topic.format"), std::move(format)));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto ts = record_timestamp(record);
    if (!ts) return data_error("Timestamp missing on record");
    if (!last_ || last_->first != *ts) last_.emplace(*ts, format_.format(*ts));
    // As in Kafka: ${topic} first, then ${timestamp} (also inside the substituted topic name).
    std::string topic = topic_format_;
    replace_all(topic, "${topic}", record.topic);
    replace_all(topic, "${timestamp}", last_->second);
    record.topic = std::move(topic);
    return Outcome::kKeep;
  }

 private:
  std::string topic_format_;
  DateFormat format_;
  std::optional<std::pair<int64_t, std::string>> last_;  // the last timestamp formatted
};

}  // namespace

std::vector<api::TransformPlugin> timestamp_router_plugins() {
  return {make_transform_plugin(
      "TimestampRouter", std::nullopt,
      "Update the record's topic as a function of the original topic value and the record "
      "timestamp (UTC). Useful for sink connectors, since the topic often determines the "
      "destination (table or index name). Offsets are still committed against the original "
      "topic.",
      timestamp_router_def, TimestampRouter::create)};
}

}  // namespace kc::transforms
