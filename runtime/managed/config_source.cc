#include "runtime/managed/config_source.h"

#include <filesystem>

#include "libs/kube/core/resource.h"
#include "runtime/config/config_file.h"

namespace kc::managed {

std::optional<ConfigSnapshot> read_config_dir(const std::string& dir) {
  auto worker = config::read_file(dir + "/worker.properties");
  if (!worker) return std::nullopt;
  ConfigSnapshot out{.worker_properties = std::move(*worker), .origin = dir};
  auto path = dir + "/connectors.json";
  if (std::filesystem::exists(path)) {
    auto connectors = config::read_file(path);
    if (!connectors) return std::nullopt;  // exists but unreadable (mid-update): try again
    out.connectors_json = std::move(*connectors);
  }
  return out;
}

ConfigMapSource::ConfigMapSource(kube::Client& client, std::string ns, std::string name)
    : ns_(std::move(ns)), name_(std::move(name)) {
  informer_ = std::make_unique<kube::runtime::Informer>(
      client, kube::resources::config_maps(),
      kube::runtime::ListWatchOptions{.ns = ns_, .field_selector = "metadata.name=" + name_});
  informer_->start();
}

ConfigMapSource::~ConfigMapSource() { informer_->stop(); }

bool ConfigMapSource::wait_until_ready(std::chrono::milliseconds timeout) {
  return informer_->store().wait_until_ready(timeout);
}

std::optional<ConfigSnapshot> ConfigMapSource::current() const {
  auto object = informer_->store().get(kube::ObjectKey{.ns = ns_, .name = name_});
  if (!object || !object->contains("data") || !(*object)["data"].is_object()) return std::nullopt;
  const auto& data = (*object)["data"];
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!data.contains(key) || !data[key].is_string()) return std::nullopt;
    return data[key].get<std::string>();
  };
  auto worker = text("worker.properties");
  if (!worker) return std::nullopt;
  return ConfigSnapshot{.worker_properties = std::move(*worker),
                        .connectors_json = text("connectors.json").value_or(""),
                        .origin = "ConfigMap " + ns_ + "/" + name_};
}

}  // namespace kc::managed
