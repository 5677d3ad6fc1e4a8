#include "runtime/rest/rest_api.h"

#include "libs/base/strings.h"
#include "libs/http/url.h"
#include "runtime/rest/json_io.h"

namespace kc::rest {

RestApi::RestApi(pipeline::WorkerControl& control, const registry::Plugins& plugins,
                 metrics::Registry& metrics, RestSettings settings)
    : control_(control), plugins_(plugins), metrics_(metrics), settings_(std::move(settings)) {
  if (!settings_.token_file.empty()) token_ = std::make_unique<BearerToken>(settings_.token_file);
}

namespace {

// "application/json", in any case, optionally with parameters ("; charset=utf-8").
bool is_json_media_type(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  auto type = strings::trim(content_type->substr(0, content_type->find(';')));
  return strings::iequals(type, "application/json");
}

// The filter sees the head only (the body is not read yet): whether one is coming.
bool has_body(const http::Request& request) {
  if (!request.body.empty() || request.headers.get("Transfer-Encoding")) return true;
  auto length = request.headers.get("Content-Length");
  return length && strings::trim(*length) != "0";
}

}  // namespace

std::optional<http::Response> RestApi::filter(const Request& request) {
  using http::Method;
  bool health = request.method == Method::kGet && request.path == "/health";
  if (token_ && !health && !token_->accepts(request.headers.get("Authorization"))) {
    auto r = error_response(401,
                            "Authentication required: send \"Authorization: Bearer <token>\" "
                            "with the token from kconnect.rest.auth.token.file");
    r.headers.set("WWW-Authenticate", "Bearer realm=\"kconnect\"");
    return r;
  }
  // Like Kafka Connect's @Consumes(APPLICATION_JSON): a body must say it is JSON. This also
  // keeps browsers from sending one cross-site without a CORS preflight (text/plain, forms and
  // typeless Blobs are "simple" requests), which could create a connector on a worker without a
  // token.
  if (has_body(request) && !is_json_media_type(request.headers.get("Content-Type"))) {
    return error_response(415,
                          "Unsupported Media Type: a request body must be sent with "
                          "\"Content-Type: application/json\"");
  }
  bool reads = request.method == Method::kGet || request.method == Method::kHead ||
               request.method == Method::kOptions;
  // Validation changes nothing, although Kafka made it a PUT.
  bool validation = request.method == Method::kPut &&
                    request.path.starts_with("/connector-plugins/") &&
                    request.path.ends_with("/config/validate");
  if (settings_.read_only && !reads && !validation) {
    return error_response(403,
                          "This worker is managed (rest.read.only=true): connectors "
                          "change through its configuration, not through the REST API");
  }
  return std::nullopt;
}

http::Response RestApi::connector_info_response(int status, const pipeline::ConnectorInfo& info,
                                                const Request& request, bool created) {
  auto response = json_response(status, connector_info_json(info));
  if (created) {
    auto path = "/connectors/" + http::percent_encode(info.name);
    auto host = request.headers.get("Host");
    response.headers.set("Location", host ? "http://" + std::string(*host) + path : path);
  }
  return response;
}

}  // namespace kc::rest
