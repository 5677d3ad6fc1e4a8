#pragma once

// Routes requests to handlers by method and path pattern.
//
//   Router router;
//   router.add(Method::kGet, "/connectors/{name}/tasks/{id}/status", get_task_status)
//       .add_stream(Method::kGet, "/api/v1/{rest...}", watch)
//       .set_error_renderer(kafka_connect_error);  // {"error_code":404,"message":"..."}
//
// Patterns are '/'-separated segments: literals, "{name}" (exactly one segment) or, as the last
// segment only, "{name...}" (the rest of the path, possibly empty, '/' included). Captures are
// percent-decoded per segment, so "/connectors/a%2Fb" gives name = "a/b". A single trailing slash
// of the request path is ignored ("/connectors/" matches "/connectors").
//
// Resolution: among the routes whose pattern matches the path and whose method is the request's,
// the most specific wins (compared segment by segment: literal > {name} > {name...}). A HEAD
// request without a HEAD route uses the GET route (the server sends no body). When patterns match
// but no method does: 405 with an Allow header. When no pattern matches: the fallback handler if
// set, else 404.
//
// Build a Router on one thread, then hand it to Server::start; after that it is read-only and
// used from every connection thread, so handlers must be thread-safe.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/response_stream.h"
#include "libs/http/types.h"

namespace kc::http {

// A plain handler: returns the whole response. Exceptions it throws become a 500.
using Handler = std::function<Response(const Request&)>;
// A streaming handler: writes to the stream (see ResponseStream); returns when done.
using StreamHandler = std::function<void(const Request&, ResponseStream&)>;
// Runs for every request once its head has arrived, before its body is read (Request::body is
// empty) and before routing; a returned response is sent instead, the body is never read and the
// connection closes if one was coming (authentication, read-only mode).
using Filter = std::function<std::optional<Response>(const Request&)>;
// Renders the errors the server itself produces (400, 404, 405, 413, 431, 500, 501, 503).
// For 405 the server adds the Allow header afterwards.
using ErrorRenderer = std::function<Response(const Request&, int status, std::string_view message)>;

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  Router& add(Method method, std::string_view pattern, Handler handler);
  Router& add_stream(Method method, std::string_view pattern, StreamHandler handler);
  // Handles requests whose path matches no pattern (instead of 404).
  Router& set_fallback(StreamHandler handler);
  Router& set_filter(Filter filter);
  Router& set_error_renderer(ErrorRenderer renderer);

  // The first malformed pattern or duplicate (method, pattern) added, if any. Server::start
  // refuses a router that does not validate.
  Status validate() const;

  // Result of routing one request; used by the server and tests.
  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
    Kind kind = Kind::kNotFound;
    const StreamHandler* handler =
        nullptr;  // kFound (or the fallback on kNotFound); owned by router
    std::map<std::string, std::string, std::less<>> params;
    std::string allow;  // kMethodNotAllowed: "GET, HEAD, PUT"
  };
  // `raw_path` is the request path still percent-encoded, without the query.
  Match resolve(Method method, std::string_view raw_path) const;

  const Filter& filter() const;
  // Renders with the configured renderer, or a text/plain default.
  Response render_error(const Request& request, int status, std::string_view message) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::http
