#pragma once

// JSON in and out of the REST handlers: Kafka Connect's error body, request bodies parsed the way
// Jackson maps them onto Map<String, String> (numbers and booleans become strings), and the
// entities (ConnectorInfo, ConnectorStateInfo, ConfigInfos, ...) with Kafka's field names and
// order. Pure functions.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "libs/base/error.h"
#include "libs/http/types.h"
#include "runtime/api/config_def.h"
#include "runtime/config/connector_config.h"
#include "runtime/pipeline/control.h"
#include "runtime/rest/json_body.h"

namespace kc::rest {

// Responses keep Kafka's field order (ordered_json); request bodies are BodyJson (json_body.h).
using Json = nlohmann::ordered_json;

// {"error_code": status, "message": message}
http::Response error_response(int status, std::string_view message);
// Kafka's status for a control error: 404, 400, 409 or 500.
int http_status(const Error& error);
http::Response error_response(const Error& error);
http::Response json_response(int status, const Json& body);

// A JSON object of scalars as a configuration map: strings as they are, numbers and booleans as
// their text; nulls are kept as nullopt (PATCH removes those keys; elsewhere they are refused).
Result<pipeline::ConfigPatch> config_map(const BodyJson& value);
// A configuration as a JSON object in the map's order, in linear time.
Json config_json(const api::RawConfig& config);
// A map without nulls (POST/PUT bodies): kInvalidArgument naming a key with a null value.
Result<api::RawConfig> config_without_nulls(const pipeline::ConfigPatch& patch);

Json connector_info_json(const pipeline::ConnectorInfo& info);
Json task_state_json(const pipeline::TaskStatus& task);
Json connector_status_json(const pipeline::ConnectorStatus& status);
// ConfigKeyInfo for one definition; `order` is its position in its group.
Json config_key_json(const api::ConfigKey& key, std::string_view prefix, int order);
// ConfigInfos for a validation of `config` (as given, for the values shown) against the
// connector's and its sink's definitions.
Json config_infos_json(const std::string& connector_class, const api::RawConfig& config,
                       const config::ValidationResult& result, const api::ConfigDef* sink_def);

}  // namespace kc::rest
