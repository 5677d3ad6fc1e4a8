// /connector-plugins/...: Kafka Connect's ConnectorPluginsResource.

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/rest/json_io.h"
#include "runtime/rest/rest_api.h"

namespace kc::rest {
namespace {

// ConnectorPluginsResource.normalizedPluginName: "FileStreamSinkConnector" -> "FileStreamSink".
std::string_view normalized(std::string_view name) {
  constexpr std::string_view kSuffix = "Connector";
  if (name.size() > kSuffix.size() && strings::ends_with(name, kSuffix))
    name.remove_suffix(kSuffix.size());
  return name;
}

template <class Plugin>
void add_plugins(Json& out, const std::vector<Plugin>& plugins, std::string_view type,
                 const std::string& version) {
  for (const auto& p : plugins)
    out.push_back(Json{{"class", p.info.class_name}, {"type", type}, {"version", version}});
}

template <class Plugin>
const Plugin* find_plugin(const std::vector<Plugin>& plugins, std::string_view name) {
  for (const auto& p : plugins) {
    if (p.info.matches(name)) return &p;
  }
  return nullptr;
}

Json keys_json(const api::ConfigDef& def, Json out = Json::array()) {
  std::map<std::string, int> order;
  for (const auto& k : def.keys()) out.push_back(config_key_json(k, "", ++order[k.group]));
  return out;
}

}  // namespace

http::Response RestApi::list_plugins(const Request& request) {
  auto only = request.query_value("connectorsOnly");
  bool connectors_only = !only || !strings::iequals(*only, "false");
  Json out = Json::array();
  add_plugins(out, plugins_.sinks, "sink", settings_.kconnect_version);
  if (!connectors_only) {
    add_plugins(out, plugins_.converters, "converter", settings_.kconnect_version);
    for (const auto& c : plugins_.converters) {
      if (c.header_converter) {
        out.push_back(Json{{"class", c.info.class_name},
                           {"type", "header_converter"},
                           {"version", settings_.kconnect_version}});
      }
    }
    add_plugins(out, plugins_.transforms, "transformation", settings_.kconnect_version);
    add_plugins(out, plugins_.predicates, "predicate", settings_.kconnect_version);
  }
  return json_response(200, out);
}

http::Response RestApi::plugin_config(const Request& request) {
  auto name = request.param("plugin").value_or("");
  // Kafka: the plugin's own keys first, then (for connectors) the framework's.
  if (const auto* sink = find_plugin(plugins_.sinks, name)) {
    auto out = keys_json(sink->info.config_def());
    Json framework = keys_json(config::connector_config_def());
    for (auto& k : framework) {
      bool shadowed = false;
      for (const auto& mine : out) shadowed = shadowed || mine["name"] == k["name"];
      if (!shadowed) out.push_back(std::move(k));
    }
    return json_response(200, out);
  }
  if (const auto* c = find_plugin(plugins_.converters, name))
    return json_response(200, keys_json(c->info.config_def()));
  if (const auto* t = find_plugin(plugins_.transforms, name))
    return json_response(200, keys_json(t->info.config_def()));
  if (const auto* p = find_plugin(plugins_.predicates, name))
    return json_response(200, keys_json(p->info.config_def()));
  return error_response(404, fmt::format("Unknown plugin {}.", name));
}

http::Response RestApi::validate_config(const Request& request) {
  std::string plugin(request.param("plugin").value_or(""));
  auto body = parse_body(request.body);
  if (!body) return error_response(body.error());
  auto patch = config_map(*body);
  if (!patch) return error_response(patch.error());
  api::RawConfig config;
  std::vector<std::string> null_keys;
  for (const auto& [k, v] : *patch) {
    if (v) {
      config.emplace(k, *v);
    } else {
      null_keys.push_back(k);
    }
  }
  if (auto it = config.find("connector.class"); it != config.end()) {
    // Kafka compares names; kconnect also accepts two names of the same plugin ("file" and
    // "FileStreamSink").
    const auto* included = find_plugin(plugins_.sinks, it->second);
    bool same = included && included == find_plugin(plugins_.sinks, plugin);
    if (!same && !strings::ends_with(normalized(it->second), normalized(plugin))) {
      return error_response(400, fmt::format("Included connector type {} does not match request "
                                             "type {}",
                                             it->second, plugin));
    }
  } else {
    config["connector.class"] = plugin;
  }
  const auto* sink = find_plugin(plugins_.sinks, config["connector.class"]);
  if (!sink) {
    std::vector<std::string> known;
    for (const auto& p : plugins_.sinks) known.push_back(p.info.class_name);
    return error_response(400, fmt::format("Failed to find any class that implements Connector and "
                                           "which name matches {}, available connectors are: {}",
                                           config["connector.class"], strings::join(known, ", ")));
  }
  auto result = control_.validate(config);
  for (const auto& key : null_keys) {
    result.issues.push_back({api::ConfigIssue::Severity::kError, key, "",
                             "Null value can not be supplied as the configuration value."});
  }
  return json_response(
      200, config_infos_json(sink->info.class_name, config, result, &sink->info.config_def()));
}

}  // namespace kc::rest
