#include "operator/model/names.h"

#include <fmt/format.h>

namespace kc::operator_model {

std::string resource_name(std::string_view cluster) { return fmt::format("{}-kconnect", cluster); }

std::string rack_binding_name(std::string_view ns, std::string_view cluster) {
  return fmt::format("kconnect-rack-{}-{}", ns, cluster);
}

std::string secret_dir(std::string_view secret) {
  return fmt::format("{}/{}", kSecretsDir, secret);
}

std::map<std::string, std::string> labels(std::string_view cluster) {
  return {{"app.kubernetes.io/name", "kconnect"},
          {"app.kubernetes.io/instance", std::string(cluster)},
          {"app.kubernetes.io/managed-by", std::string(kManagedBy)},
          {"kconnect.dev/cluster", std::string(cluster)}};
}

std::map<std::string, std::string> selector_labels(std::string_view cluster) {
  return {{"app.kubernetes.io/name", "kconnect"}, {"kconnect.dev/cluster", std::string(cluster)}};
}

std::string selector_string(std::string_view cluster) {
  return fmt::format("app.kubernetes.io/name=kconnect,kconnect.dev/cluster={}", cluster);
}

std::string managed_selector() {
  return fmt::format("app.kubernetes.io/managed-by={}", kManagedBy);
}

}  // namespace kc::operator_model
