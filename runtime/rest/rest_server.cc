#include "runtime/rest/rest_server.h"

#include "libs/base/log.h"
#include "libs/base/strings.h"

namespace kc::rest {

Result<Listener> parse_listener(std::string_view text) {
  auto item = strings::trim(text);
  auto bad = [&](std::string_view why) {
    return make_error(Errc::kInvalidConfig, "listener {}: {}", item, why);
  };
  if (!strings::starts_with(item, "http://"))
    return bad("only http://host:port listeners are served");
  auto rest = item.substr(7);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return bad("expected http://host:port");
  auto port = strings::parse_int<uint16_t>(rest.substr(colon + 1));
  if (!port) return bad("the port must be a number in [0,...,65535]");
  auto host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return Listener{host.empty() ? "0.0.0.0" : std::string(host), *port};
}

Result<std::unique_ptr<RestServer>> RestServer::start(const std::vector<std::string>& listeners,
                                                      RestApi& api) {
  auto server = std::make_unique<RestServer>();
  for (const auto& l : listeners) {
    KC_ASSIGN_OR_RETURN(auto listener, parse_listener(l));
    auto started = http::Server::start(
        {.address = listener.address,
         .port = listener.port,
         .reserved_paths = {"/health"},  // the liveness probe gets an answer during floods
         .name = "rest"},
        api.router());
    if (!started) return tl::unexpected(std::move(started).error().with_context("listener " + l));
    kc::log::get("kc.rest").info(
        "REST API listening",
        {{"listener", l}, {"address", listener.address}, {"port", (*started)->port()}});
    server->servers_.push_back(std::move(*started));
  }
  return server;
}

RestServer::~RestServer() { stop(); }

std::vector<uint16_t> RestServer::ports() const {
  std::vector<uint16_t> out;
  for (const auto& s : servers_) out.push_back(s->port());
  return out;
}

void RestServer::stop() {
  for (auto& s : servers_) s->stop();
}

}  // namespace kc::rest
