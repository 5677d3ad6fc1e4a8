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

}  // namespace kc::managed
