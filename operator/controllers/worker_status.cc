#include "operator/controllers/worker_status.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/http/url.h"
#include "operator/model/names.h"

namespace kc::operator_controllers {

std::string endpoints_cluster(const kube::Object& object, bool slices) {
  std::string cluster = kube::label_of(object, "kconnect.dev/cluster");
  if (!cluster.empty()) return cluster;
  std::string service =
      slices ? kube::label_of(object, "kubernetes.io/service-name") : kube::name_of(object);
  const std::string suffix = "-kconnect";
  if (service.size() > suffix.size() &&
      service.compare(service.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return service.substr(0, service.size() - suffix.size());
  }
  return "";
}

std::vector<WorkerEndpoint> ready_workers(const Cache& cache, bool slices, const std::string& ns,
                                          const std::string& cluster) {
  std::vector<WorkerEndpoint> out;
  const std::string service = operator_model::resource_name(cluster);
  auto rest_port = [](const kube::Object& ports) {
    int port = 0;
    if (!ports.is_array()) return port;
    for (const auto& p : ports) {
      if (p.value("name", "") == operator_model::kRestPortName || port == 0) {
        port = p.value("port", 0);
      }
    }
    return port;
  };
  if (slices) {
    for (const auto& slice : cache.list(ns)) {
      if (kube::label_of(*slice, "kubernetes.io/service-name") != service) continue;
      int port = rest_port(slice->value("ports", kube::Object::array()));
      for (const auto& e : slice->value("endpoints", kube::Object::array())) {
        const auto conditions = e.value("conditions", kube::Object::object());
        if (!conditions.value("ready", true)) continue;
        std::string pod = e.value("targetRef", kube::Object::object()).value("name", "");
        for (const auto& a : e.value("addresses", kube::Object::array())) {
          if (!a.is_string()) continue;
          std::string address = a.get<std::string>();
          out.push_back({pod.empty() ? address : pod, address, port});
          break;  // one address per endpoint (a pod)
        }
      }
    }
  } else if (auto endpoints = cache.get({ns, service})) {
    for (const auto& subset : endpoints->value("subsets", kube::Object::array())) {
      int port = rest_port(subset.value("ports", kube::Object::array()));
      for (const auto& a : subset.value("addresses", kube::Object::array())) {
        std::string address = a.value("ip", "");
        std::string pod = a.value("targetRef", kube::Object::object()).value("name", "");
        if (!address.empty()) out.push_back({pod.empty() ? address : pod, address, port});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const WorkerEndpoint& a, const WorkerEndpoint& b) {
    return std::tie(a.pod, a.address, a.port) < std::tie(b.pod, b.address, b.port);
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::shared_ptr<http::Client> WorkerStatusClient::client_for(const std::string& base_url) {
  std::lock_guard lock(mu_);
  auto it = clients_.find(base_url);
  if (it != clients_.end()) return it->second;
  if (clients_.size() > 1024) clients_.clear();  // pods come and go; keep the pool bounded
  auto client = http::Client::create({.base_url = base_url,
                                      .connect_timeout = options_.connect_timeout,
                                      .request_timeout = options_.request_timeout,
                                      .max_idle_connections = 1,
                                      .max_response_bytes = size_t{4} * 1024 * 1024,
                                      .user_agent = "kconnect-operator"});
  if (!client) return nullptr;
  return clients_[base_url] = std::move(*client);
}

operator_model::WorkerReport WorkerStatusClient::fetch(const WorkerEndpoint& worker,
                                                       const std::string& connector,
                                                       const std::stop_token& stop) {
  using Result = operator_model::WorkerReport::Result;
  operator_model::WorkerReport report{worker.pod, Result::kError, nullptr, ""};
  bool v6 = worker.address.find(':') != std::string::npos;
  std::string base = v6 ? fmt::format("http://[{}]:{}", worker.address, worker.port)
                        : fmt::format("http://{}:{}", worker.address, worker.port);
  std::shared_ptr<http::Client> client = client_for(base);  // alive even if the pool is cleared
  if (client == nullptr) {
    report.error = "bad worker address " + base;
    ++failures_;
    return report;
  }
  auto response = client->request(
      http::Method::kGet, fmt::format("/connectors/{}/status", http::percent_encode(connector)), {},
      {{"Accept", "application/json"}}, stop);
  if (!response) {
    report.error = response.error().to_string();
    ++failures_;
    return report;
  }
  if (response->status == 404) {
    report.result = Result::kNotFound;
    return report;
  }
  if (!response->ok()) {
    report.error = fmt::format("HTTP {} from {}", response->status, worker.pod);
    ++failures_;
    return report;
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    report.error = fmt::format("malformed status from {}", worker.pod);
    ++failures_;
    return report;
  }
  report.result = Result::kOk;
  report.body = std::move(body);
  return report;
}

}  // namespace kc::operator_controllers
