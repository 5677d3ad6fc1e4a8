#include "runtime/managed/secret_provider.h"

#include "libs/base/base64.h"
#include "libs/kube/core/resource.h"

namespace kc::managed {

config::ConfigProviders::Lookup secret_lookup(std::shared_ptr<kube::Client> client,
                                              std::string ns) {
  return [client = std::move(client), ns = std::move(ns)](
             const std::string& name, const std::string& key) -> Result<std::string> {
    if (name.empty())
      return make_error(Errc::kInvalidConfig, "a Secret name is required: ${{secret:<name>:{}}}",
                        key);
    if (!client)
      return make_error(Errc::kUnavailable,
                        "Secret {}: no Kubernetes API is configured (KC_POD_NAMESPACE and "
                        "KC_CONFIGMAP unset, or no in-cluster or $KUBECONFIG configuration)",
                        name);
    auto secret = client->get(kube::resources::secrets(), ns, name);
    if (!secret)
      return make_error(secret.error().code(), "Secret {}/{}: {}", ns, name,
                        secret.error().message());
    const auto* data = secret->contains("data") ? &(*secret)["data"] : nullptr;
    if (data == nullptr || !data->is_object() || !data->contains(key) || !(*data)[key].is_string())
      return make_error(Errc::kNotFound, "Secret {}/{} has no key {}", ns, name, key);
    auto value = base64::decode((*data)[key].get<std::string>());
    if (!value)
      return make_error(Errc::kProtocol, "Secret {}/{} key {} is not valid base64", ns, name, key);
    return std::move(*value);
  };
}

namespace {

// "<namespace>/<name>" or "<name>" against the worker's namespace.
Result<std::string> object_name(std::string_view kind, const std::string& path,
                                const std::string& ns) {
  auto slash = path.find('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string in = slash == std::string::npos ? ns : path.substr(0, slash);
  if (name.empty()) {
    return make_error(Errc::kInvalidConfig, "a {} name is required: <namespace>/<name>", kind);
  }
  if (in != ns) {
    return make_error(Errc::kPermissionDenied,
                      "{} {}/{}: only {}s in the worker's namespace {} can be read", kind, in, name,
                      kind, ns);
  }
  return name;
}

}  // namespace

config::ConfigProviders::Lookup strimzi_secret_lookup(std::shared_ptr<kube::Client> client,
                                                      std::string ns) {
  auto secret = secret_lookup(std::move(client), ns);
  return [secret = std::move(secret), ns = std::move(ns)](
             const std::string& path, const std::string& key) -> Result<std::string> {
    KC_ASSIGN_OR_RETURN(auto name, object_name("Secret", path, ns));
    return secret(name, key);
  };
}

config::ConfigProviders::Lookup strimzi_config_map_lookup(std::shared_ptr<kube::Client> client,
                                                          std::string ns) {
  return [client = std::move(client), ns = std::move(ns)](
             const std::string& path, const std::string& key) -> Result<std::string> {
    KC_ASSIGN_OR_RETURN(auto name, object_name("ConfigMap", path, ns));
    if (!client)
      return make_error(Errc::kUnavailable, "ConfigMap {}: no Kubernetes API is configured", name);
    auto cm = client->get(kube::resources::config_maps(), ns, name);
    if (!cm)
      return make_error(cm.error().code(), "ConfigMap {}/{}: {}", ns, name, cm.error().message());
    if (const auto* v = kube::find_path(*cm, "data");
        v && v->is_object() && v->contains(key) && (*v)[key].is_string()) {
      return (*v)[key].get<std::string>();
    }
    if (const auto* v = kube::find_path(*cm, "binaryData");
        v && v->is_object() && v->contains(key) && (*v)[key].is_string()) {
      auto value = base64::decode((*v)[key].get<std::string>());
      if (value) return std::move(*value);
    }
    return make_error(Errc::kNotFound, "ConfigMap {}/{} has no key {}", ns, name, key);
  };
}

}  // namespace kc::managed
