#pragma once

// Kafka Connect's REST API (3.9) over the worker's control surface: the same paths, bodies,
// status codes and error bodies ({"error_code", "message"}), so existing tools and scripts work
// unchanged. The route table is routes.cc (one line per route); handlers live in
// connectors_resource.cc, plugins_resource.cc and admin_resource.cc. docs/rest-api.md lists every
// endpoint and what differs from Kafka.
//
// Guarantees
//  - Output never holds a secret: values of sensitive keys and values from config providers
//    show as [hidden].
//  - With `read_only`, every request that changes something gets 403 (operator-managed workers);
//    with a token file, every request but GET /health needs "Authorization: Bearer <token>", the
//    file being read again whenever it changes.
// Threading: handlers run on the HTTP server's connection threads, concurrently; RestApi holds
// no state of its own besides the logger modification times (guarded).

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "libs/http/router.h"
#include "libs/metrics/registry.h"
#include "runtime/pipeline/control.h"
#include "runtime/registry/builtin_plugins.h"
#include "runtime/rest/bearer_token.h"

namespace kc::rest {

struct RestSettings {
  bool read_only = false;            // rest.read.only
  std::string token_file;            // kconnect.rest.auth.token.file; empty: no authentication
  bool topic_tracking = true;        // topic.tracking.enable
  bool topic_tracking_reset = true;  // topic.tracking.allow.reset
  std::chrono::milliseconds health_timeout{10000};  // Kafka's health check timeout
  std::string kconnect_version = "0.0.0";
};

class RestApi {
 public:
  // `control`, `plugins` and `metrics` must outlive the RestApi and every router made from it.
  RestApi(pipeline::WorkerControl& control, const registry::Plugins& plugins,
          metrics::Registry& metrics, RestSettings settings);

  // A router with every route, the auth/read-only filter and Kafka's error body (one per
  // listener: a Router is moved into its Server).
  http::Router router();

  // The Kafka Connect REST API level served (GET / reports it as "version").
  static constexpr std::string_view kKafkaConnectVersion = "3.9.0";

 private:
  using Request = http::Request;
  using Response = http::Response;

  std::optional<Response> filter(const Request& request);

  // /
  Response server_info(const Request&);
  Response health(const Request&);
  Response metrics(const Request&);
  // /connectors
  Response list_connectors(const Request&);
  Response create_connector(const Request&);
  Response get_connector(const Request&);
  Response delete_connector(const Request&);
  Response get_config(const Request&);
  Response put_config(const Request&);
  Response patch_config(const Request&);
  Response get_status(const Request&);
  Response get_tasks(const Request&);
  Response get_task_status(const Request&);
  Response restart_task(const Request&);
  Response force_commit(const Request&);
  Response restart_connector(const Request&);
  Response pause(const Request&);
  Response resume(const Request&);
  Response stop(const Request&);
  Response get_topics(const Request&);
  Response reset_topics(const Request&);
  Response get_offsets(const Request&);
  Response alter_offsets(const Request&);
  Response reset_offsets(const Request&);
  // /connector-plugins
  Response list_plugins(const Request&);
  Response plugin_config(const Request&);
  Response validate_config(const Request&);
  // /admin/loggers
  Response list_loggers(const Request&);
  Response get_logger(const Request&);
  Response set_logger(const Request&);

  // GET /connectors/{name}: the ConnectorInfo entity; absolute Location for 201 answers.
  Response connector_info_response(int status, const pipeline::ConnectorInfo& info,
                                   const Request& request, bool created);

  pipeline::WorkerControl& control_;
  const registry::Plugins& plugins_;
  metrics::Registry& metrics_;
  RestSettings settings_;
  std::unique_ptr<BearerToken> token_;
  std::mutex loggers_mu_;
  std::map<std::string, int64_t> logger_modified_;  // ms since epoch, set through PUT
};

}  // namespace kc::rest
