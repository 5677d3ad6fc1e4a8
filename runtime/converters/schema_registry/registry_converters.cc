#include "runtime/converters/schema_registry/registry_converters.h"

#include <list>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/converters/schema_registry/decoder.h"
#include "runtime/converters/schema_registry/schema_cache.h"
#include "runtime/converters/schema_registry/settings.h"
#include "runtime/converters/schema_registry/wire_format.h"

namespace kc::converters {
namespace {

using schema_registry::Decoder;
using schema_registry::Format;
using schema_registry::RegisteredSchema;
using schema_registry::SchemaType;

std::string_view format_name(Format format) {
  switch (format) {
    case Format::kAvro:
      return "Avro";
    case Format::kProtobuf:
      return "Protobuf";
    case Format::kJson:
      return "JSON Schema";
  }
  return "Avro";
}

SchemaType schema_type_of(Format format) {
  switch (format) {
    case Format::kAvro:
      return SchemaType::kAvro;
    case Format::kProtobuf:
      return SchemaType::kProtobuf;
    case Format::kJson:
      return SchemaType::kJson;
  }
  return SchemaType::kAvro;
}

std::string_view role_prefix(api::ConverterRole role) {
  switch (role) {
    case api::ConverterRole::kKey:
      return "key.converter.";
    case api::ConverterRole::kValue:
      return "value.converter.";
    case api::ConverterRole::kHeader:
      return "header.converter.";
  }
  return "value.converter.";
}

// Reads one of the three formats. Called from its task's sink thread only; the schema cache
// behind it is shared by the worker's tasks.
class RegistryConverter final : public api::Converter {
 public:
  RegistryConverter(Format format, api::ConverterRole role,
                    schema_registry::ConverterSettings settings,
                    std::shared_ptr<schema_registry::SchemaCache> cache)
      : format_(format),
        role_(role == api::ConverterRole::kKey ? "key" : "value"),
        settings_(std::move(settings)),
        cache_(std::move(cache)) {}

  Result<api::SchemaAndValue> to_connect(std::string_view topic,
                                         std::optional<std::string_view> bytes) override {
    if (!bytes) return api::SchemaAndValue{};  // tombstone: Connect's SchemaAndValue.NULL
    auto fail = [&](const Error& cause, std::string_view what) {
      return tl::unexpected(
          Error(cause.code(),
                fmt::format("Converting byte[] to Kafka Connect data failed due to serialization "
                            "error of topic {}: {}: {}",
                            topic, what, cause.message()),
                cause.retriable() ? Retry::kYes : Retry::kNo));
    };
    auto framed = schema_registry::parse_frame(*bytes);
    if (!framed) return fail(framed.error(), fmt::format("{} message", format_name(format_)));
    auto id = framed->schema_id;
    auto decoder = decoder_for(id);
    if (!decoder) {
      return fail(decoder.error(), fmt::format("Error retrieving {} {} schema for id {}",
                                               format_name(format_), role_, id));
    }
    auto decoded = (*decoder)->decode(framed->payload);
    if (!decoded) {
      return fail(decoded.error(), fmt::format("Error deserializing {} message for id {}",
                                               format_name(format_), id));
    }
    return decoded;
  }

  Result<std::optional<std::string>> from_connect(std::string_view,
                                                  const api::SchemaAndValue&) override {
    return make_error(Errc::kUnsupported,
                      "kconnect's {} converter only reads (a sink never writes this format)",
                      format_name(format_));
  }

 private:
  struct Entry {
    std::unique_ptr<Decoder> decoder;
    std::optional<Error> error;  // a schema that does not parse stays refused
    std::list<int32_t>::iterator position;
  };

  Result<Decoder*> decoder_for(int32_t id) {
    if (auto it = decoders_.find(id); it != decoders_.end()) {
      order_.splice(order_.begin(), order_, it->second.position);
      if (it->second.error) return tl::unexpected(*it->second.error);
      return it->second.decoder.get();
    }
    // Registry errors are not remembered: the next record asks again (the registry may be back).
    KC_ASSIGN_OR_RETURN(auto registered, cache_->get(id));
    Entry entry;
    auto made = make(*registered);
    if (made) {
      entry.decoder = std::move(*made);
    } else {
      entry.error = Error(Errc::kData, made.error().message());
    }
    order_.push_front(id);
    entry.position = order_.begin();
    auto& stored = decoders_[id] = std::move(entry);
    while (decoders_.size() > settings_.decoder_cache_capacity) {
      decoders_.erase(order_.back());
      order_.pop_back();
    }
    if (stored.error) return tl::unexpected(*stored.error);
    return stored.decoder.get();
  }

  Result<std::unique_ptr<Decoder>> make(const RegisteredSchema& registered) {
    if (registered.type != schema_type_of(format_)) {
      return make_error(Errc::kData,
                        "the registry holds a {} schema under this id; this converter "
                        "reads {}",
                        schema_registry::schema_type_name(registered.type),
                        schema_registry::schema_type_name(schema_type_of(format_)));
    }
    switch (format_) {
      case Format::kAvro:
        return schema_registry::make_avro_decoder(registered, settings_);
      case Format::kProtobuf:
        return schema_registry::make_protobuf_decoder(registered, settings_);
      case Format::kJson:
        return schema_registry::make_json_schema_decoder(registered, settings_);
    }
    return make_error(Errc::kInternal, "unknown format");
  }

  Format format_;
  std::string role_;
  schema_registry::ConverterSettings settings_;
  std::shared_ptr<schema_registry::SchemaCache> cache_;
  std::list<int32_t> order_;
  std::unordered_map<int32_t, Entry> decoders_;
};

api::ConverterPlugin plugin(Format format, std::string name, std::string class_name,
                            std::vector<std::string> aliases, std::string summary) {
  return {.info = {.name = std::move(name),
                   .class_name = std::move(class_name),
                   .aliases = std::move(aliases),
                   .summary = std::move(summary),
                   .config_def = [format]() -> const api::ConfigDef& {
                     return schema_registry::converter_config_def(format);
                   }},
          .header_converter = false,
          .create = [format](const api::Config& config,
                             api::ConverterRole role) -> Result<std::unique_ptr<api::Converter>> {
            auto prefix = role_prefix(role);
            auto settings = schema_registry::load_settings(config, format, prefix);
            if (!settings) {
              return make_error(Errc::kInvalidConfig, "{}", settings.error().message());
            }
            KC_ASSIGN_OR_RETURN(auto cache,
                                schema_registry::shared_schema_cache(
                                    settings->client, settings->registry_cache_capacity));
            return std::make_unique<RegistryConverter>(format, role, std::move(*settings),
                                                       std::move(cache));
          },
          .validate =
              [](const api::Config& config, std::string_view prefix,
                 std::vector<api::ConfigIssue>& issues) {
                schema_registry::validate_settings(config, prefix, issues);
              }};
}

}  // namespace

api::ConverterPlugin avro_converter_plugin() {
  return plugin(Format::kAvro, "avro", "io.confluent.connect.avro.AvroConverter",
                {"AvroConverter", "io.apicurio.registry.utils.converter.AvroConverter"},
                "Avro in Confluent's wire format, schemas from a Schema Registry.");
}

api::ConverterPlugin protobuf_converter_plugin() {
  return plugin(Format::kProtobuf, "protobuf", "io.confluent.connect.protobuf.ProtobufConverter",
                {"ProtobufConverter"},
                "Protobuf in Confluent's wire format, schemas from a Schema Registry.");
}

api::ConverterPlugin json_schema_converter_plugin() {
  return plugin(Format::kJson, "json-schema", "io.confluent.connect.json.JsonSchemaConverter",
                {"JsonSchemaConverter"},
                "JSON with a JSON Schema in Confluent's wire format, from a Schema Registry.");
}

}  // namespace kc::converters
