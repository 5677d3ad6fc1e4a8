#include "runtime/converters/byte_array_converter.h"

namespace kc::converters {
namespace {

class ByteArrayConverter final : public api::Converter {
 public:
  Result<api::SchemaAndValue> to_connect(std::string_view /*topic*/,
                                         std::optional<std::string_view> bytes) override {
    static const auto kSchema = std::make_shared<const api::Schema>(
        api::Schema{.type = api::Type::kBytes, .optional = true});
    if (!bytes) return api::SchemaAndValue{kSchema, api::Value::null()};
    return api::SchemaAndValue{kSchema, api::Value::bytes_view(*bytes)};
  }

  Result<std::optional<std::string>> from_connect(std::string_view /*topic*/,
                                                  const api::SchemaAndValue& data) override {
    const auto& v = data.value;
    if (v.is_null()) return std::optional<std::string>();
    if (v.type() != api::Type::kBytes) {
      return make_error(Errc::kData, "ByteArrayConverter is not compatible with objects of type {}",
                        api::type_name(v.type()));
    }
    return std::optional<std::string>(std::string(v.as_text()));
  }
};

const api::ConfigDef& config_def() {
  static const api::ConfigDef def;
  return def;
}

}  // namespace

api::ConverterPlugin byte_array_converter_plugin() {
  return {.info = {.name = "bytes",
                   .class_name = "org.apache.kafka.connect.converters.ByteArrayConverter",
                   .aliases = {"ByteArrayConverter"},
                   .summary = "Raw bytes, unchanged.",
                   .config_def = config_def},
          .header_converter = true,
          .create = [](const api::Config&,
                       api::ConverterRole) -> Result<std::unique_ptr<api::Converter>> {
            return std::make_unique<ByteArrayConverter>();
          }};
}

}  // namespace kc::converters
