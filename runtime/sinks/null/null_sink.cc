#include "runtime/sinks/null/null_sink.h"

namespace kc::sink::null {
namespace {

class NullSink final : public api::Sink {
 public:
  Status put(std::span<api::SinkRecord>) override { return ok(); }
  Status flush(const api::Offsets& /*offsets*/) override { return ok(); }
};

const api::ConfigDef& config_def() {
  static const api::ConfigDef def;
  return def;
}

}  // namespace

api::SinkPlugin null_sink_plugin() {
  return {.info = {.name = "null",
                   .class_name = "dev.kconnect.sink.NullSinkConnector",
                   .aliases = {"NullSink", "NullSinkConnector"},
                   .summary = "Discards every record (benchmarks).",
                   .config_def = config_def},
          .create = [](const api::Config&, const api::SinkContext&)
              -> Result<std::unique_ptr<api::Sink>> { return std::make_unique<NullSink>(); }};
}

}  // namespace kc::sink::null
