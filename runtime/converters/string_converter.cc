#include "runtime/converters/string_converter.h"

#include "libs/base/strings.h"

namespace kc::converters {
namespace {

enum class Encoding { kUtf8, kLatin1, kAscii };

class StringConverter final : public api::Converter {
 public:
  explicit StringConverter(Encoding encoding) : encoding_(encoding) {}

  Result<api::SchemaAndValue> to_connect(std::string_view /*topic*/,
                                         std::optional<std::string_view> bytes) override {
    static const auto kSchema = std::make_shared<const api::Schema>(
        api::Schema{.type = api::Type::kString, .optional = true});
    if (!bytes) return api::SchemaAndValue{kSchema, api::Value::null()};
    switch (encoding_) {
      case Encoding::kLatin1:
        return api::SchemaAndValue{kSchema, api::Value::string(strings::latin1_to_utf8(*bytes))};
      case Encoding::kAscii:
      case Encoding::kUtf8:
        if (strings::is_valid_utf8(*bytes))
          return api::SchemaAndValue{kSchema, api::Value::string_view(*bytes)};
        return api::SchemaAndValue{kSchema, api::Value::string(strings::sanitize_utf8(*bytes))};
    }
    return make_error(Errc::kInternal, "unknown encoding");
  }

  Result<std::optional<std::string>> from_connect(std::string_view /*topic*/,
                                                  const api::SchemaAndValue& data) override {
    const auto& v = data.value;
    if (v.is_null()) return std::optional<std::string>();
    if (v.type() == api::Type::kString || v.type() == api::Type::kBytes ||
        v.type() == api::Type::kRawJson) {
      return std::optional<std::string>(std::string(v.as_text()));
    }
    return make_error(Errc::kData, "StringConverter cannot serialize a value of type {}",
                      api::type_name(v.type()));
  }

 private:
  Encoding encoding_;
};

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "converter.encoding",
              .type = api::ConfigType::kString,
              .default_value = "UTF-8",
              .validator = api::validators::one_of({"UTF-8", "UTF8", "ISO-8859-1", "US-ASCII"}),
              .allowed = "UTF-8, ISO-8859-1, US-ASCII",
              .importance = api::Importance::kHigh,
              .documentation = "The name of the character set used to decode byte arrays."});
    return d;
  }();
  return def;
}

}  // namespace

api::ConverterPlugin string_converter_plugin() {
  return {.info = {.name = "string",
                   .class_name = "org.apache.kafka.connect.storage.StringConverter",
                   .aliases = {"StringConverter"},
                   .summary = "Bytes as text (UTF-8 by default).",
                   .config_def = config_def},
          .header_converter = true,
          .create = [](const api::Config& config,
                       api::ConverterRole) -> Result<std::unique_ptr<api::Converter>> {
            auto name = strings::to_upper(config.get_string("converter.encoding"));
            Encoding encoding = name == "ISO-8859-1" ? Encoding::kLatin1
                                : name == "US-ASCII" ? Encoding::kAscii
                                                     : Encoding::kUtf8;
            return std::make_unique<StringConverter>(encoding);
          }};
}

}  // namespace kc::converters
