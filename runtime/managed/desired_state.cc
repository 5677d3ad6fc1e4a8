#include "runtime/managed/desired_state.h"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kc::managed {
namespace {

using Json = nlohmann::json;

Status parse_connector(const std::string& name, const Json& entry, DesiredConnector& out) {
  if (!entry.is_object())
    return make_error(Errc::kInvalidConfig, "connectors.{}: must be an object", name);
  auto config = entry.find("config");
  if (config == entry.end() || !config->is_object())
    return make_error(Errc::kInvalidConfig, "connectors.{}.config: must be an object", name);
  for (const auto& [key, value] : config->items()) {
    if (value.is_string()) {
      out.config[key] = value.get<std::string>();
    } else if (value.is_number() || value.is_boolean()) {
      out.config[key] = value.dump();
    } else if (!value.is_null()) {
      return make_error(Errc::kInvalidConfig,
                        "connectors.{}.config.{}: must be a string, number or boolean", name, key);
    }
  }
  auto text = [&](const char* field, std::string& to) -> Status {
    auto it = entry.find(field);
    if (it == entry.end() || it->is_null()) return ok();
    if (!it->is_string())
      return make_error(Errc::kInvalidConfig, "connectors.{}.{}: must be a string", name, field);
    to = it->get<std::string>();
    return ok();
  };
  std::string state = "running";
  KC_RETURN_IF_ERROR(text("state", state));
  auto parsed = pipeline::parse_target_state(state);
  if (!parsed)
    return make_error(Errc::kInvalidConfig,
                      "connectors.{}.state: \"{}\" is not one of running, paused, stopped", name,
                      state);
  out.state = *parsed;
  KC_RETURN_IF_ERROR(text("restartToken", out.restart_token));
  KC_RETURN_IF_ERROR(text("forceCommitToken", out.force_commit_token));
  return ok();
}

}  // namespace

Result<DesiredState> parse_connectors_json(std::string_view text) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(Errc::kInvalidConfig, "connectors.json: not a JSON object");
  DesiredState out;
  if (auto it = doc.find("workers"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 10000)
      return make_error(Errc::kInvalidConfig,
                        "connectors.json: workers must be an integer from 1 to 10000");
    out.workers = it->get<int>();
  }
  if (auto it = doc.find("connectors"); it != doc.end() && !it->is_null()) {
    if (!it->is_object())
      return make_error(Errc::kInvalidConfig, "connectors.json: connectors must be an object");
    for (const auto& [name, entry] : it->items()) {
      DesiredConnector c;
      KC_RETURN_IF_ERROR(parse_connector(name, entry, c));
      out.connectors.emplace(name, std::move(c));
    }
  }
  if (auto it = doc.find("logging"); it != doc.end() && it->is_object()) {
    if (auto level = it->find("level"); level != it->end() && level->is_string())
      out.logging.level = level->get<std::string>();
    if (auto format = it->find("format"); format != it->end() && format->is_string())
      out.logging.format = format->get<std::string>();
    if (auto loggers = it->find("loggers"); loggers != it->end() && loggers->is_object()) {
      for (const auto& [logger, level] : loggers->items()) {
        if (level.is_string()) out.logging.loggers[logger] = level.get<std::string>();
      }
    }
  }
  return out;
}

int task_share(int tasks_max, int workers) {
  if (workers < 1) workers = 1;
  if (tasks_max < 1) return 1;
  return (tasks_max + workers - 1) / workers;
}

api::RawConfig worker_share(const std::string& name, const api::RawConfig& config, int workers) {
  api::RawConfig out = config;
  out["name"] = name;
  auto it = out.find("tasks.max");
  if (it == out.end()) return out;
  int tasks = 0;
  const auto& v = it->second;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), tasks);
  if (ec == std::errc() && end == v.data() + v.size() && tasks >= 1)
    it->second = std::to_string(task_share(tasks, workers));
  return out;
}

}  // namespace kc::managed
