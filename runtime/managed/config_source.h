#pragma once

// Where managed mode reads its cluster's ConfigMap (`worker.properties`, `connectors.json`):
// through the Kubernetes API (an Informer on that one ConfigMap, so changes arrive within
// seconds), or from the mounted ConfigMap directory (the fallback when no API is configured or
// reachable; the kubelet refreshes it within about a minute).
//
// Threading: current() from one thread at a time; the API source's Informer runs its own thread.

#include <memory>
#include <optional>
#include <string>

#include "libs/kube/client/client.h"
#include "libs/kube/runtime/informer.h"

namespace kc::managed {

struct ConfigSnapshot {
  std::string worker_properties;
  std::string connectors_json;
  std::string origin;  // "ConfigMap <ns>/<name>" or the directory, for logs
  friend bool operator==(const ConfigSnapshot&, const ConfigSnapshot&) = default;
};

// Reads `<dir>/worker.properties` and `<dir>/connectors.json` (absent connectors.json: no
// connectors). nullopt when worker.properties cannot be read.
std::optional<ConfigSnapshot> read_config_dir(const std::string& dir);

// The ConfigMap `name` in `ns`, watched through the API.
class ConfigMapSource {
 public:
  // `client` must outlive the source. Starts watching.
  ConfigMapSource(kube::Client& client, std::string ns, std::string name);
  ~ConfigMapSource();
  ConfigMapSource(const ConfigMapSource&) = delete;
  ConfigMapSource& operator=(const ConfigMapSource&) = delete;

  // Blocks until the first list completed or `timeout` passed; returns whether it completed.
  bool wait_until_ready(std::chrono::milliseconds timeout);
  // The ConfigMap's keys as last seen; nullopt before the first list or while the ConfigMap
  // does not exist or has no worker.properties.
  std::optional<ConfigSnapshot> current() const;

 private:
  std::string ns_;
  std::string name_;
  std::unique_ptr<kube::runtime::Informer> informer_;
};

}  // namespace kc::managed
