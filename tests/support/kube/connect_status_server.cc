#include "tests/support/kube/connect_status_server.h"

#include <thread>

#include <nlohmann/json.hpp>

namespace kc::testing {

ConnectStatusServer::ConnectStatusServer(std::string worker_id) : worker_id_(std::move(worker_id)) {
  http::Router router;
  router.add(http::Method::kGet, "/connectors/{name}/status", [this](const http::Request& req) {
    std::string name(req.param("name").value_or(""));
    Entry entry;
    {
      std::lock_guard lock(mu_);
      auto it = connectors_.find(name);
      if (it == connectors_.end() || it->second.state.empty()) {
        if (it != connectors_.end()) ++it->second.requests;
        nlohmann::json body = {{"error_code", 404},
                               {"message", "No status found for connector " + name}};
        return http::Response::json(404, body.dump());
      }
      ++it->second.requests;
      entry = it->second;
    }
    if (entry.delay.count() > 0) std::this_thread::sleep_for(entry.delay);
    if (entry.failure != 0) {
      nlohmann::json body = {{"error_code", entry.failure}, {"message", "injected failure"}};
      return http::Response::json(entry.failure, body.dump());
    }
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& t : entry.tasks) {
      nlohmann::json task = {{"id", t.id}, {"state", t.state}, {"worker_id", worker_id_}};
      if (!t.trace.empty()) task["trace"] = t.trace;
      tasks.push_back(task);
    }
    nlohmann::json body = {{"name", name},
                           {"connector", {{"state", entry.state}, {"worker_id", worker_id_}}},
                           {"tasks", tasks},
                           {"type", "sink"}};
    return http::Response::json(200, body.dump());
  });
  auto server = http::Server::start({.address = "127.0.0.1", .port = 0, .name = "connect-status"},
                                    std::move(router));
  if (server) server_ = std::move(*server);
}

ConnectStatusServer::~ConnectStatusServer() {
  if (server_) server_->stop();
}

uint16_t ConnectStatusServer::port() const { return server_ ? server_->port() : 0; }

void ConnectStatusServer::set(const std::string& connector, const std::string& state,
                              std::vector<Task> tasks) {
  std::lock_guard lock(mu_);
  auto& e = connectors_[connector];
  e.state = state;
  e.tasks = std::move(tasks);
}

void ConnectStatusServer::remove(const std::string& connector) {
  std::lock_guard lock(mu_);
  connectors_[connector].state.clear();
}

void ConnectStatusServer::set_delay(const std::string& connector, std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  connectors_[connector].delay = delay;
}

void ConnectStatusServer::set_failure(const std::string& connector, int status) {
  std::lock_guard lock(mu_);
  connectors_[connector].failure = status;
}

int ConnectStatusServer::requests(const std::string& connector) const {
  std::lock_guard lock(mu_);
  auto it = connectors_.find(connector);
  return it == connectors_.end() ? 0 : it->second.requests;
}

}  // namespace kc::testing
