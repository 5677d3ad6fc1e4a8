// libFuzzer target: connector and worker files in every format kconnect reads (properties, Kafka
// Connect's REST JSON or a flat JSON object, YAML), then the one validator on what parsed.
// The first byte picks the format so one corpus covers all three.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/config/config_file.h"
#include "runtime/config/connector_config.h"

namespace {

const kc::config::WorkerConfig& worker() {
  static const kc::config::WorkerConfig w = [] {
    std::vector<kc::api::ConfigIssue> issues;
    return kc::config::parse_worker_config({{"bootstrap.servers", "localhost:9092"}}, issues);
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto format = static_cast<kc::config::FileFormat>(data[0] % 3);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (auto flat = kc::config::parse_flat(text, format)) {
    std::vector<kc::api::ConfigIssue> issues;
    (void)kc::config::parse_worker_config(*flat, issues);
  }
  if (auto def = kc::config::parse_connector(text, format)) {
    auto result = kc::config::validate_connector(worker(), def->config);
    if (result.ok() != result.config.has_value()) __builtin_trap();
  }
  return 0;
}
