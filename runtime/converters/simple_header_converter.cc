#include "runtime/converters/simple_header_converter.h"

#include "libs/base/strings.h"
#include "runtime/api/json.h"

namespace kc::converters {
namespace {

class SimpleHeaderConverter final : public api::Converter {
 public:
  Result<api::SchemaAndValue> to_connect(std::string_view /*topic*/,
                                         std::optional<std::string_view> bytes) override {
    if (!bytes) return api::SchemaAndValue{};
    if (strings::is_valid_utf8(*bytes))
      return api::SchemaAndValue{nullptr, api::Value::string_view(*bytes)};
    return api::SchemaAndValue{nullptr, api::Value::bytes_view(*bytes)};
  }

  Result<std::optional<std::string>> from_connect(std::string_view /*topic*/,
                                                  const api::SchemaAndValue& data) override {
    const auto& v = data.value;
    if (v.is_null()) return std::optional<std::string>();
    if (v.type() == api::Type::kString || v.type() == api::Type::kBytes) {
      return std::optional<std::string>(std::string(v.as_text()));
    }
    return std::optional<std::string>(api::json::to_json(v));
  }
};

const api::ConfigDef& config_def() {
  static const api::ConfigDef def;
  return def;
}

}  // namespace

api::ConverterPlugin simple_header_converter_plugin() {
  return {.info = {.name = "simple-header",
                   .class_name = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
                   .aliases = {"SimpleHeaderConverter"},
                   .summary = "Header values as UTF-8 text (bytes when not UTF-8).",
                   .config_def = config_def},
          .header_converter = true,
          .create = [](const api::Config&,
                       api::ConverterRole) -> Result<std::unique_ptr<api::Converter>> {
            return std::make_unique<SimpleHeaderConverter>();
          }};
}

}  // namespace kc::converters
