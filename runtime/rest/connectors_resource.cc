// /connectors/...: Kafka Connect's ConnectorsResource.

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/rest/json_io.h"
#include "runtime/rest/rest_api.h"

namespace kc::rest {
namespace {

std::string name_of(const http::Request& request) {
  return std::string(request.param("name").value_or(""));
}

// ConnectorsResource.checkAndPutConnectorConfigName.
Status check_and_put_name(const std::string& name, api::RawConfig& config) {
  auto it = config.find("name");
  if (it == config.end()) {
    config["name"] = name;
  } else if (it->second != name) {
    return make_error(Errc::kInvalidArgument,
                      "Connector name configuration ({}) doesn't match connector name in the URL "
                      "({})",
                      it->second, name);
  }
  return ok();
}

// "true"/"false" query flags, default false (Jersey's Boolean parsing: anything else is false).
bool flag(const http::Request& request, std::string_view key) {
  auto v = request.query_value(key);
  return v && strings::iequals(*v, "true");
}

Result<int> task_id_of(const http::Request& request) {
  auto id = strings::parse_int<int>(request.param("task").value_or(""));
  if (!id) return make_error(Errc::kNotFound, "HTTP 404 Not Found");
  return *id;
}

http::Response empty(int status) { return http::Response::empty(status); }

}  // namespace

http::Response RestApi::list_connectors(const Request& request) {
  auto names = control_.connectors();
  auto expansions = request.query_values("expand");
  if (!request.query_value("expand")) {
    Json out = Json::array();
    for (const auto& n : names) out.push_back(n);
    return json_response(200, out);
  }
  Json out = Json::object();
  for (const auto& n : names) {
    Json expanded = Json::object();
    bool gone = false;
    for (auto e : expansions) {
      if (e == "status") {
        auto s = control_.status(n);
        if (!s)
          gone = true;
        else
          expanded["status"] = connector_status_json(*s);
      } else if (e == "info") {
        auto i = control_.connector(n);
        if (!i)
          gone = true;
        else
          expanded["info"] = connector_info_json(*i);
      }  // unknown expansions are ignored, as Kafka does
    }
    if (!gone) out[n] = std::move(expanded);  // removed while we looked: left out
  }
  return json_response(200, out);
}

http::Response RestApi::create_connector(const Request& request) {
  auto body = parse_body(request.body);
  if (!body) return error_response(body.error());
  if (!body->is_object()) return error_response(400, "Request body must be a JSON object");
  std::string name;
  if (auto it = body->find("name"); it != body->end() && it->is_string())
    name = std::string(strings::trim(it->get<std::string>()));
  auto config_it = body->find("config");
  if (config_it == body->end() || config_it->is_null())
    return error_response(400, "Connector config is missing from the request body");
  auto patch = config_map(*config_it);
  if (!patch) return error_response(patch.error());
  auto config = config_without_nulls(*patch);
  if (!config) return error_response(config.error());
  std::optional<pipeline::TargetState> initial;
  if (auto it = body->find("initial_state"); it != body->end() && !it->is_null()) {
    if (it->is_string()) initial = pipeline::parse_target_state(it->get<std::string>());
    if (!initial) {
      return error_response(400, fmt::format("Invalid initial state {} (allowed: RUNNING, PAUSED, "
                                             "STOPPED)",
                                             it->dump()));
    }
  }
  if (auto st = check_and_put_name(name, *config); !st) return error_response(st.error());
  auto put = control_.put_connector(name, std::move(*config), initial, false);
  if (!put) return error_response(put.error());
  return connector_info_response(201, put->info, request, true);
}

http::Response RestApi::get_connector(const Request& request) {
  auto info = control_.connector(name_of(request));
  if (!info) return error_response(info.error());
  return json_response(200, connector_info_json(*info));
}

http::Response RestApi::delete_connector(const Request& request) {
  if (auto st = control_.delete_connector(name_of(request)); !st) return error_response(st.error());
  return empty(204);
}

http::Response RestApi::get_config(const Request& request) {
  auto info = control_.connector(name_of(request));
  if (!info) return error_response(info.error());
  return json_response(200, config_json(pipeline::redacted(info->config)));
}

http::Response RestApi::put_config(const Request& request) {
  auto name = name_of(request);
  auto body = parse_body(request.body);
  if (!body) return error_response(body.error());
  auto patch = config_map(*body);
  if (!patch) return error_response(patch.error());
  auto config = config_without_nulls(*patch);
  if (!config) return error_response(config.error());
  if (auto st = check_and_put_name(name, *config); !st) return error_response(st.error());
  auto put = control_.put_connector(name, std::move(*config), std::nullopt, true);
  if (!put) return error_response(put.error());
  return connector_info_response(put->created ? 201 : 200, put->info, request, put->created);
}

http::Response RestApi::patch_config(const Request& request) {
  auto name = name_of(request);
  auto body = parse_body(request.body);
  if (!body) return error_response(body.error());
  auto patch = config_map(*body);
  if (!patch) return error_response(patch.error());
  if (auto it = patch->find("name"); it != patch->end() && (!it->second || *it->second != name)) {
    return error_response(400, fmt::format("Connector name configuration ({}) doesn't match "
                                           "connector name in the URL ({})",
                                           it->second.value_or("null"), name));
  }
  auto put = control_.patch_connector(name, *patch);
  if (!put) return error_response(put.error());
  return connector_info_response(200, put->info, request, false);
}

http::Response RestApi::get_status(const Request& request) {
  auto status = control_.status(name_of(request));
  if (!status) return error_response(status.error());
  return json_response(200, connector_status_json(*status));
}

http::Response RestApi::get_tasks(const Request& request) {
  auto name = name_of(request);
  auto info = control_.connector(name);
  if (!info) return error_response(info.error());
  // A sink connector's task configuration is its connector configuration.
  Json config = Json::object();
  for (const auto& [k, v] : pipeline::redacted(info->config)) config[k] = v;
  Json out = Json::array();
  for (int id : info->tasks)
    out.push_back(Json{{"id", Json{{"connector", name}, {"task", id}}}, {"config", config}});
  return json_response(200, out);
}

http::Response RestApi::get_task_status(const Request& request) {
  auto name = name_of(request);
  auto id = task_id_of(request);
  if (!id) return error_response(id.error());
  auto status = control_.status(name);
  if (status) {
    for (const auto& t : status->tasks) {
      if (t.task_id == *id) return json_response(200, task_state_json(t));
    }
  }
  return error_response(404, fmt::format("No status found for task {}-{}", name, *id));
}

http::Response RestApi::restart_task(const Request& request) {
  auto id = task_id_of(request);
  if (!id) return error_response(id.error());
  if (auto st = control_.restart_task(name_of(request), *id); !st)
    return error_response(st.error());
  return empty(204);
}

// kconnect: every task flushes, commits and replaces its consumer (re-reading the TLS material).
// Asynchronous: 202 once the tasks were asked; 409 with the reason when the material is unusable.
http::Response RestApi::force_commit(const Request& request) {
  if (auto st = control_.force_commit(name_of(request)); !st) return error_response(st.error());
  return empty(202);
}

http::Response RestApi::restart_connector(const Request& request) {
  auto name = name_of(request);
  pipeline::RestartOptions options{.include_tasks = flag(request, "includeTasks"),
                                   .only_failed = flag(request, "onlyFailed")};
  if (!options.include_tasks && !options.only_failed) {
    // Kafka's legacy behaviour: the connector instance only, 204 without a body.
    if (auto st = control_.restart_connector(name); !st) return error_response(st.error());
    return empty(204);
  }
  auto status = control_.restart(name, options);
  if (!status) return error_response(status.error());
  return json_response(202, connector_status_json(*status));
}

http::Response RestApi::pause(const Request& request) {
  if (auto st = control_.pause(name_of(request)); !st) return error_response(st.error());
  return empty(202);
}

http::Response RestApi::resume(const Request& request) {
  if (auto st = control_.resume(name_of(request)); !st) return error_response(st.error());
  return empty(202);
}

http::Response RestApi::stop(const Request& request) {
  if (auto st = control_.stop(name_of(request)); !st) return error_response(st.error());
  return empty(204);
}

http::Response RestApi::get_topics(const Request& request) {
  if (!settings_.topic_tracking) return error_response(403, "Topic tracking is disabled.");
  auto name = name_of(request);
  Json topics = Json::array();
  for (const auto& t : control_.active_topics(name)) topics.push_back(t);
  return json_response(200, Json{{name, Json{{"topics", topics}}}});
}

http::Response RestApi::reset_topics(const Request& request) {
  if (!settings_.topic_tracking) return error_response(403, "Topic tracking is disabled.");
  if (!settings_.topic_tracking_reset)
    return error_response(403, "Topic tracking reset is disabled.");
  (void)control_.reset_active_topics(name_of(request));
  return empty(202);
}

http::Response RestApi::get_offsets(const Request& request) {
  auto offsets = control_.offsets(name_of(request));
  if (!offsets) return error_response(offsets.error());
  Json list = Json::array();
  for (const auto& [tp, offset] : *offsets) {
    list.push_back(
        Json{{"partition", Json{{"kafka_topic", tp.topic}, {"kafka_partition", tp.partition}}},
             {"offset", Json{{"kafka_offset", offset}}}});
  }
  return json_response(200, Json{{"offsets", list}});
}

namespace {

// SinkUtils.parseSinkConnectorOffsets: partitions {kafka_topic, kafka_partition}, offsets
// {kafka_offset} or null; numbers may be given as strings.
Result<std::vector<pipeline::OffsetUpdate>> parse_sink_offsets(const BodyJson& body) {
  auto bad = [](std::string message) { return make_error(Errc::kInvalidArgument, "{}", message); };
  if (!body.is_object() || !body.contains("offsets") || !body["offsets"].is_array() ||
      body["offsets"].empty()) {
    return bad("Partitions / offsets need to be provided for an alter offsets request");
  }
  auto text = [](const BodyJson& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  std::vector<pipeline::OffsetUpdate> out;
  for (const auto& entry : body["offsets"]) {
    if (!entry.is_object() || !entry.contains("partition") || entry["partition"].is_null())
      return bad("The partition for a sink connector offset cannot be null or missing");
    const auto& p = entry["partition"];
    if (!p.is_object() || !p.contains("kafka_topic") || !p.contains("kafka_partition")) {
      return bad(
          "The partition for a sink connector offset must contain the keys 'kafka_topic' "
          "and 'kafka_partition'");
    }
    if (p["kafka_topic"].is_null())
      return bad("Kafka topic names must be valid strings and may not be null");
    if (p["kafka_partition"].is_null())
      return bad("Kafka partitions must be valid numbers and may not be null");
    auto partition = strings::parse_int<int32_t>(text(p["kafka_partition"]));
    if (!partition) {
      return bad(
          fmt::format("Failed to parse the following Kafka partition value in the provided "
                      "offsets: '{}'. Partition values for sink connectors need to be "
                      "integers.",
                      text(p["kafka_partition"])));
    }
    pipeline::OffsetUpdate u{.partition = {text(p["kafka_topic"]), *partition}};
    if (entry.contains("offset") && !entry["offset"].is_null()) {
      const auto& o = entry["offset"];
      if (!o.is_object() || !o.contains("kafka_offset")) {
        return bad(
            "The offset for a sink connector should either be null or contain the key "
            "'kafka_offset'");
      }
      auto offset = strings::parse_int<int64_t>(text(o["kafka_offset"]));
      if (!offset) {
        return bad(
            fmt::format("Failed to parse the following Kafka offset value in the provided "
                        "offsets: '{}'. Offset values for sink connectors need to be "
                        "integers.",
                        text(o["kafka_offset"])));
      }
      u.offset = *offset;
    }
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace

http::Response RestApi::alter_offsets(const Request& request) {
  auto body = parse_body(request.body);
  if (!body) return error_response(body.error());
  auto updates = parse_sink_offsets(*body);
  if (!updates) return error_response(updates.error());
  auto message = control_.alter_offsets(name_of(request), *updates);
  if (!message) return error_response(message.error());
  return json_response(200, Json{{"message", *message}});
}

http::Response RestApi::reset_offsets(const Request& request) {
  auto message = control_.reset_offsets(name_of(request));
  if (!message) return error_response(message.error());
  return json_response(200, Json{{"message", *message}});
}

}  // namespace kc::rest
