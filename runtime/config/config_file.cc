#include "runtime/config/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/strings.h"
#include "libs/yaml/yaml.h"
#include "runtime/config/properties.h"

namespace kc::config {
namespace {

using nlohmann::json;

Result<api::RawConfig> flatten_json_object(const json& obj, std::string_view where) {
  api::RawConfig out;
  for (const auto& [key, value] : obj.items()) {
    switch (value.type()) {
      case json::value_t::string:
        out[key] = value.get<std::string>();
        break;
      case json::value_t::boolean:
        out[key] = value.get<bool>() ? "true" : "false";
        break;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float:
        out[key] = value.dump();
        break;
      case json::value_t::null:
        break;  // absent, as a Kafka null
      default:
        return make_error(Errc::kInvalidConfig,
                          "{}{}: values must be strings, numbers or booleans, not {}", where, key,
                          value.type_name());
    }
  }
  return out;
}

Result<json> parse_document(std::string_view content, FileFormat format) {
  if (format == FileFormat::kJson) {
    auto doc = json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return make_error(Errc::kInvalidConfig, "not valid JSON");
    return doc;
  }
  auto doc = yaml::to_json(content, yaml::Scalars::kText);
  if (!doc) return make_error(Errc::kInvalidConfig, "{}", doc.error().message());
  return doc;
}

}  // namespace

FileFormat detect_format(std::string_view path, std::string_view content) {
  if (strings::ends_with(path, ".json")) return FileFormat::kJson;
  if (strings::ends_with(path, ".yaml") || strings::ends_with(path, ".yml"))
    return FileFormat::kYaml;
  if (strings::ends_with(path, ".properties")) return FileFormat::kProperties;
  auto t = strings::trim(content);
  if (!t.empty() && t.front() == '{') return FileFormat::kJson;
  return FileFormat::kProperties;
}

Result<api::RawConfig> parse_flat(std::string_view content, FileFormat format) {
  if (format == FileFormat::kProperties) return parse_properties(content);
  KC_ASSIGN_OR_RETURN(auto doc, parse_document(content, format));
  if (!doc.is_object())
    return make_error(Errc::kInvalidConfig, "expected a map of configuration keys");
  return flatten_json_object(doc, "");
}

Result<ConnectorDefinition> parse_connector(std::string_view content, FileFormat format) {
  ConnectorDefinition def;
  if (format == FileFormat::kProperties) {
    KC_ASSIGN_OR_RETURN(def.config, parse_properties(content));
  } else {
    KC_ASSIGN_OR_RETURN(auto doc, parse_document(content, format));
    if (!doc.is_object()) return make_error(Errc::kInvalidConfig, "expected a connector object");
    if (doc.contains("config")) {
      if (!doc["config"].is_object())
        return make_error(Errc::kInvalidConfig, "\"config\" must be an object");
      KC_ASSIGN_OR_RETURN(def.config, flatten_json_object(doc["config"], "config."));
      if (doc.contains("name")) {
        if (!doc["name"].is_string())
          return make_error(Errc::kInvalidConfig, "\"name\" must be a string");
        auto outer = std::string(strings::trim(doc["name"].get<std::string>()));
        auto inner = def.config.find("name");
        if (inner != def.config.end() && inner->second != outer) {
          return make_error(Errc::kInvalidConfig,
                            "Connector name configuration ({}) doesn't match connector name ({})",
                            inner->second, outer);
        }
        def.config["name"] = outer;
      }
    } else {
      KC_ASSIGN_OR_RETURN(def.config, flatten_json_object(doc, ""));
    }
  }
  auto it = def.config.find("name");
  if (it != def.config.end()) def.name = std::string(strings::trim(it->second));
  return def;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::kNotFound, "cannot read {}: {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<api::RawConfig> load_worker_file(const std::string& path) {
  KC_ASSIGN_OR_RETURN(auto content, read_file(path));
  auto parsed = parse_flat(content, detect_format(path, content));
  if (!parsed) return tl::unexpected(std::move(parsed).error().with_context(path));
  return parsed;
}

Result<ConnectorDefinition> load_connector_file(const std::string& path) {
  KC_ASSIGN_OR_RETURN(auto content, read_file(path));
  auto parsed = parse_connector(content, detect_format(path, content));
  if (!parsed) return tl::unexpected(std::move(parsed).error().with_context(path));
  return parsed;
}

}  // namespace kc::config
