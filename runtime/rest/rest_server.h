#pragma once

// Serves a RestApi on each of the worker's `listeners` (default http://:8083).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/server.h"
#include "runtime/rest/rest_api.h"

namespace kc::rest {

struct Listener {
  std::string address;  // "0.0.0.0" for an empty host, as Kafka listens on every interface
  uint16_t port = 8083;
};
// "http://host:port"; kInvalidConfig naming the listener otherwise (https is not served yet).
Result<Listener> parse_listener(std::string_view listener);

class RestServer {
 public:
  // Binds every listener; `api` must outlive the server. Errors name the listener.
  static Result<std::unique_ptr<RestServer>> start(const std::vector<std::string>& listeners,
                                                   RestApi& api);
  ~RestServer();
  // Bound ports in listener order (the real ones for port 0).
  std::vector<uint16_t> ports() const;
  // Closes the listeners and waits for running requests. Idempotent.
  void stop();

 private:
  std::vector<std::unique_ptr<http::Server>> servers_;
};

}  // namespace kc::rest
