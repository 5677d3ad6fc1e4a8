// libFuzzer target: JsonConverter on arbitrary record bytes, with schemas.enable true and false
// (the first byte picks), then the JSON writer on whatever was read and, for schemaless raw
// JSON, materialize(). Checks: no crash, no sanitizer report; errors are data errors.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/json.h"
#include "runtime/converters/json_converter.h"

namespace {

std::unique_ptr<kc::api::Converter> make(bool schemas) {
  auto plugin = kc::converters::json_converter_plugin();
  std::vector<kc::api::ConfigIssue> issues;
  auto config = kc::api::Config::parse(plugin.info.config_def(),
                                       {{"schemas.enable", schemas ? "true" : "false"}}, issues);
  return std::move(*plugin.create(config, kc::api::ConverterRole::kValue));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto with_schemas = make(true);
  static auto schemaless = make(false);
  if (size == 0) return 0;
  auto& converter = (data[0] & 1) ? with_schemas : schemaless;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto read = converter->to_connect("fuzz", bytes);
  if (!read) {
    if (read.error().code() != kc::Errc::kData) __builtin_trap();
    return 0;
  }
  std::string out;
  kc::api::json::write(read->value, out);
  if (read->value.type() == kc::api::Type::kRawJson) (void)kc::api::json::materialize(read->value);
  (void)converter->from_connect("fuzz", *read);
  return 0;
}
