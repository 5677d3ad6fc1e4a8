// The REST route table: every endpoint of Kafka Connect's REST API that kconnect serves, one line
// each (docs/rest-api.md documents them). Adding an endpoint is one line here plus its handler.

#include "runtime/rest/json_io.h"
#include "runtime/rest/rest_api.h"

namespace kc::rest {

http::Router RestApi::router() {
  using http::Method;
  auto h = [this](Response (RestApi::*handler)(const Request&)) {
    return [this, handler](const Request& request) { return (this->*handler)(request); };
  };
  http::Router r;
  r.add(Method::kGet, "/", h(&RestApi::server_info))
      .add(Method::kGet, "/health", h(&RestApi::health))
      .add(Method::kGet, "/metrics", h(&RestApi::metrics))
      .add(Method::kGet, "/connectors", h(&RestApi::list_connectors))
      .add(Method::kPost, "/connectors", h(&RestApi::create_connector))
      .add(Method::kGet, "/connectors/{name}", h(&RestApi::get_connector))
      .add(Method::kDelete, "/connectors/{name}", h(&RestApi::delete_connector))
      .add(Method::kGet, "/connectors/{name}/config", h(&RestApi::get_config))
      .add(Method::kPut, "/connectors/{name}/config", h(&RestApi::put_config))
      .add(Method::kPatch, "/connectors/{name}/config", h(&RestApi::patch_config))
      .add(Method::kGet, "/connectors/{name}/status", h(&RestApi::get_status))
      .add(Method::kGet, "/connectors/{name}/tasks", h(&RestApi::get_tasks))
      .add(Method::kGet, "/connectors/{name}/tasks/{task}/status", h(&RestApi::get_task_status))
      .add(Method::kPost, "/connectors/{name}/tasks/{task}/restart", h(&RestApi::restart_task))
      .add(Method::kPost, "/connectors/{name}/restart", h(&RestApi::restart_connector))
      .add(Method::kPost, "/connectors/{name}/force-commit", h(&RestApi::force_commit))
      .add(Method::kPut, "/connectors/{name}/pause", h(&RestApi::pause))
      .add(Method::kPut, "/connectors/{name}/resume", h(&RestApi::resume))
      .add(Method::kPut, "/connectors/{name}/stop", h(&RestApi::stop))
      .add(Method::kGet, "/connectors/{name}/topics", h(&RestApi::get_topics))
      .add(Method::kPut, "/connectors/{name}/topics/reset", h(&RestApi::reset_topics))
      .add(Method::kGet, "/connectors/{name}/offsets", h(&RestApi::get_offsets))
      .add(Method::kPatch, "/connectors/{name}/offsets", h(&RestApi::alter_offsets))
      .add(Method::kDelete, "/connectors/{name}/offsets", h(&RestApi::reset_offsets))
      .add(Method::kGet, "/connector-plugins", h(&RestApi::list_plugins))
      .add(Method::kGet, "/connector-plugins/{plugin}/config", h(&RestApi::plugin_config))
      .add(Method::kPut, "/connector-plugins/{plugin}/config/validate",
           h(&RestApi::validate_config))
      .add(Method::kGet, "/admin/loggers", h(&RestApi::list_loggers))
      .add(Method::kGet, "/admin/loggers/{logger}", h(&RestApi::get_logger))
      .add(Method::kPut, "/admin/loggers/{logger}", h(&RestApi::set_logger));
  r.set_filter([this](const Request& request) { return filter(request); });
  r.set_error_renderer([](const Request&, int status, std::string_view message) {
    return error_response(status, message);
  });
  return r;
}

}  // namespace kc::rest
