// GET /, /health, /metrics (kconnect's own) and /admin/loggers: Kafka Connect's RootResource and
// LoggingResource.

#include <chrono>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/rest/json_io.h"
#include "runtime/rest/rest_api.h"

namespace kc::rest {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

http::Response RestApi::server_info(const Request&) {
  auto cluster = control_.kafka_cluster_id();
  return json_response(200,
                       Json{{"version", kKafkaConnectVersion},
                            {"commit", fmt::format("kconnect-{}", settings_.kconnect_version)},
                            {"kafka_cluster_id", cluster.empty() ? Json(nullptr) : Json(cluster)}});
}

http::Response RestApi::health(const Request&) {
  auto st = control_.health(settings_.health_timeout);
  if (st) {
    return json_response(200, Json{{"status", "healthy"},
                                   {"message",
                                    "Worker has completed startup and is ready to "
                                    "handle requests."}});
  }
  if (st.error().code() == Errc::kUnavailable)
    return json_response(503, Json{{"status", "starting"}, {"message", st.error().message()}});
  return json_response(500, Json{{"status", "unhealthy"}, {"message", st.error().message()}});
}

http::Response RestApi::metrics(const Request&) {
  http::Response r{
      200, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}}, metrics_.expose()};
  return r;
}

http::Response RestApi::list_loggers(const Request&) {
  auto levels = log::explicit_levels();
  std::lock_guard lock(loggers_mu_);
  auto entry = [&](const std::string& name, log::Level level) {
    auto it = logger_modified_.find(name);
    return Json{{"level", log::to_string(level)},
                {"last_modified", it == logger_modified_.end() ? Json(nullptr) : Json(it->second)}};
  };
  Json out = Json::object();
  if (!levels.count("root")) out["root"] = entry("root", log::effective_level("root"));
  for (const auto& [name, level] : levels) out[name] = entry(name, level);
  return json_response(200, out);
}

http::Response RestApi::get_logger(const Request& request) {
  std::string name(request.param("logger").value_or(""));
  std::lock_guard lock(loggers_mu_);
  auto it = logger_modified_.find(name);
  return json_response(
      200,
      Json{{"level", log::to_string(log::effective_level(name))},
           {"last_modified", it == logger_modified_.end() ? Json(nullptr) : Json(it->second)}});
}

http::Response RestApi::set_logger(const Request& request) {
  std::string name(request.param("logger").value_or(""));
  auto body = parse_body(request.body);
  if (!body) return error_response(body.error());
  if (!body->is_object() || !body->contains("level") || !(*body)["level"].is_string())
    return error_response(400, "Desired 'level' parameter was not specified in request.");
  auto text = (*body)["level"].get<std::string>();
  auto level = log::parse_level(text);
  if (!level) return error_response(404, fmt::format("invalid log level '{}'.", text));
  // As log4j does in Kafka: the logger and every descendant with a level of its own.
  std::vector<std::string> affected{name};
  for (const auto& [other, _] : log::explicit_levels()) {
    bool descendant = name == "root" ? other != "root" : other.starts_with(name + ".");
    if (descendant) affected.push_back(other);
  }
  auto when = now_ms();
  {
    std::lock_guard lock(loggers_mu_);
    for (const auto& n : affected) {
      log::set_level(n, *level);
      logger_modified_[n] = when;
    }
  }
  auto scope = request.query_value("scope").value_or("worker");
  if (strings::iequals(scope, "cluster"))
    return http::Response::empty(204);  // standalone: this worker
  Json out = Json::array();
  for (const auto& n : affected) out.push_back(n);
  return json_response(200, out);
}

}  // namespace kc::rest
