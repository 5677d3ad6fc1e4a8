#include "runtime/rest/json_io.h"

#include <set>

#include <fmt/format.h>

#include "libs/base/secrets.h"
#include "runtime/config/providers.h"
#include "runtime/transforms/chain.h"

namespace kc::rest {

http::Response error_response(int status, std::string_view message) {
  return json_response(status, Json{{"error_code", status}, {"message", message}});
}

int http_status(const Error& error) {
  switch (error.code()) {
    case Errc::kNotFound:
      return 404;
    case Errc::kInvalidArgument:
    case Errc::kInvalidConfig:
      return 400;
    case Errc::kAlreadyExists:
    case Errc::kConflict:
      return 409;
    case Errc::kPermissionDenied:
      return 403;
    default:
      return 500;
  }
}

http::Response error_response(const Error& error) {
  return error_response(http_status(error), error.message());
}

http::Response json_response(int status, const Json& body) {
  // Ill-formed UTF-8 (say, a connector name from a percent-encoded URL echoed in an error) is
  // written as U+FFFD instead of throwing; config provider values are masked wherever they appear
  // (a task's trace, an error message), not only under the keys that hold them.
  return http::Response::json(
      status, secrets::mask(body.dump(-1, ' ', false, Json::error_handler_t::replace)));
}

Json config_json(const api::RawConfig& config) {
  Json out = Json::object();
  // The map's keys are unique: append instead of operator[]'s linear search for each key.
  auto* object = out.get_ptr<Json::object_t*>();
  object->reserve(config.size());
  for (const auto& [k, v] : config) object->emplace_back(k, v);
  return out;
}

Result<pipeline::ConfigPatch> config_map(const BodyJson& value) {
  if (!value.is_object())
    return make_error(Errc::kInvalidArgument, "Expected a JSON object of configuration values");
  pipeline::ConfigPatch out;
  for (const auto& [key, v] : value.items()) {
    switch (v.type()) {
      case BodyJson::value_t::string:
        out[key] = v.get<std::string>();
        break;
      case BodyJson::value_t::boolean:
        out[key] = v.get<bool>() ? "true" : "false";
        break;
      case BodyJson::value_t::number_integer:
      case BodyJson::value_t::number_unsigned:
      case BodyJson::value_t::number_float:
        out[key] = v.dump();
        break;
      case BodyJson::value_t::null:
        out[key] = std::nullopt;
        break;
      default:
        return make_error(Errc::kInvalidArgument,
                          "Configuration value of {} must be a string, number or boolean, not {}",
                          key, v.type_name());
    }
  }
  return out;
}

Result<api::RawConfig> config_without_nulls(const pipeline::ConfigPatch& patch) {
  api::RawConfig out;
  for (const auto& [key, value] : patch) {
    if (!value) {
      return make_error(Errc::kInvalidConfig,
                        "Connector configuration is invalid and contains the following 1 "
                        "error(s):\n{}: Null value can not be supplied as the configuration value.",
                        key);
    }
    out.emplace(key, *value);
  }
  return out;
}

Json connector_info_json(const pipeline::ConnectorInfo& info) {
  Json tasks = Json::array();
  for (int id : info.tasks) tasks.push_back(Json{{"connector", info.name}, {"task", id}});
  return Json{{"name", info.name},
              {"config", config_json(pipeline::redacted(info.config))},
              {"tasks", tasks},
              {"type", "sink"}};
}

Json task_state_json(const pipeline::TaskStatus& task) {
  Json out{{"id", task.task_id},
           {"state", pipeline::task_state_name(task.state)},
           {"worker_id", task.worker_id}};
  if (!task.trace.empty()) out["trace"] = task.trace;
  // kconnect additions, only when there is something to say.
  if (!task.client_error.empty()) out["client_error"] = task.client_error;
  if (!task.rollover_error.empty()) out["rollover_error"] = task.rollover_error;
  return out;
}

Json connector_status_json(const pipeline::ConnectorStatus& status) {
  Json connector{{"state", pipeline::task_state_name(status.state)},
                 {"worker_id", status.worker_id}};
  if (!status.trace.empty()) connector["trace"] = status.trace;
  if (!status.warnings.empty()) connector["warnings"] = status.warnings;
  Json tasks = Json::array();
  for (const auto& t : status.tasks) tasks.push_back(task_state_json(t));
  return Json{{"name", status.name}, {"connector", connector}, {"tasks", tasks}, {"type", "sink"}};
}

Json config_key_json(const api::ConfigKey& key, std::string_view prefix, int order) {
  Json dflt = nullptr;
  if (!key.required && key.default_value) {
    dflt = key.type == api::ConfigType::kPassword ? std::string(api::kHidden) : *key.default_value;
  }
  return Json{{"name", fmt::format("{}{}", prefix, key.name)},
              {"type", api::config_type_name(key.type)},
              {"required", key.required},
              {"default_value", dflt},
              {"importance", api::importance_name(key.importance)},
              {"documentation", key.documentation},
              {"group", key.group.empty() ? Json(nullptr) : Json(key.group)},
              {"width", "NONE"},
              {"display_name", key.name},
              {"dependents", Json::array()},
              {"order", order}};
}

Json config_infos_json(const std::string& connector_class, const api::RawConfig& config,
                       const config::ValidationResult& result, const api::ConfigDef* sink_def) {
  std::vector<const api::ConfigKey*> keys;
  std::set<std::string, std::less<>> defined;
  auto add_keys = [&](const api::ConfigDef& def, bool overriding) {
    for (const auto& k : def.keys()) {
      if (defined.count(k.name)) {
        if (overriding) {
          for (auto& existing : keys) {
            if (existing->name == k.name) existing = &k;
          }
        }
        continue;
      }
      defined.insert(k.name);
      keys.push_back(&k);
    }
  };
  add_keys(config::connector_config_def(), false);
  add_keys(transforms::chain_config_def(), false);
  if (sink_def) add_keys(*sink_def, true);

  std::map<std::string, std::vector<std::string>, std::less<>> errors;
  int error_count = 0;
  for (const auto& issue : result.issues) {
    if (issue.severity != api::ConfigIssue::Severity::kError) continue;
    errors[issue.key].push_back(issue.message);
    ++error_count;
  }
  auto shown = [&](const std::string& key, const api::ConfigKey* def) -> Json {
    auto it = config.find(key);
    if (it == config.end()) {
      if (def && def->default_value && !def->required) return *def->default_value;
      return nullptr;
    }
    bool hide = api::is_sensitive_key(key) || config::has_provider_reference(it->second) ||
                (def && def->type == api::ConfigType::kPassword);
    return hide ? std::string(api::kHidden) : it->second;
  };
  auto value_json = [&](const std::string& key, const api::ConfigKey* def) {
    Json errs = Json::array();
    if (auto it = errors.find(key); it != errors.end()) {
      for (const auto& m : it->second) errs.push_back(m);
    }
    return Json{{"name", key},
                {"value", shown(key, def)},
                {"recommended_values", Json::array()},
                {"errors", errs},
                {"visible", true}};
  };

  Json groups = Json::array();
  std::map<std::string, int> order_in_group;
  Json configs = Json::array();
  for (const auto* k : keys) {
    if (!k->group.empty() && !order_in_group.count(k->group)) groups.push_back(k->group);
    int order = ++order_in_group[k->group];
    configs.push_back(
        Json{{"definition", config_key_json(*k, "", order)}, {"value", value_json(k->name, k)}});
  }
  for (const auto& [key, messages] : errors) {
    if (defined.count(key)) continue;
    configs.push_back(Json{{"definition", nullptr}, {"value", value_json(key, nullptr)}});
  }
  return Json{{"name", connector_class},
              {"error_count", error_count},
              {"groups", groups},
              {"configs", configs}};
}

}  // namespace kc::rest
