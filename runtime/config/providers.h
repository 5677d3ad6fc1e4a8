#pragma once

// Kafka's config providers (KIP-297, KIP-632, KIP-887): configuration values may refer to secrets
// kept elsewhere, as ${provider:[path:]key}, resolved when a connector starts:
//
//   config.providers=file,directory,env
//   config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
//   config.providers.file.param.allowed.paths=/etc/kconnect/secrets
//
//   ${file:/etc/kconnect/secrets/db.properties:password}   a key of a Java .properties file
//   ${directory:/var/run/secrets/db:password}              the contents of a file in a directory
//   ${env:DB_PASSWORD}                                      an environment variable
//
// Strimzi's io.strimzi.kafka.KubernetesSecretConfigProvider and KubernetesConfigMapConfigProvider
// are accepted under any alias (${secrets:<namespace>/<name>:<key>}, ${configmaps:...}); they read
// through the Kubernetes API, so only `kconnect-runtime managed` can resolve them
// (bind_kubernetes); anywhere else a reference to them is an error saying so.
//
// Kafka's rules: the reference syntax is ConfigTransformer's (${provider:path:key}, the path being
// what lies between the first and the second ':'); a reference to a provider that is not
// configured is left as it is (a warning here); `allowed.paths` (file, directory) limits the
// files that may be read and `allowlist.pattern` (env) the variables. Stricter than Kafka: a
// reference that cannot be resolved (missing file, key or variable) is an error naming the key,
// where Kafka would pass the reference on unchanged.
//
// Values that came from a provider are secrets: REST output and logs show them as [hidden].
// Threading: immutable after from_worker(); resolve() may be called from any thread.

#include <functional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"

namespace kc::config {

class ConfigProviders {
 public:
  // Reads config.providers, config.providers.<alias>.class and config.providers.<alias>.param.*
  // from a worker configuration, appending problems (unknown class, bad parameter) to `issues`.
  static ConfigProviders from_worker(const api::RawConfig& worker,
                                     std::vector<api::ConfigIssue>& issues);

  struct Resolved {
    api::RawConfig values;
    std::set<std::string> from_provider;  // keys whose value contained a resolved reference
  };
  // Replaces every resolvable reference in `raw`'s values. Problems become issues on the key.
  Resolved resolve(const api::RawConfig& raw, std::vector<api::ConfigIssue>& issues) const;

  // A provider the program implements itself (managed mode's `secret`, backed by the Kubernetes
  // API): ${alias:path:key} calls `lookup(path, key)`. Its error message is the reason shown on
  // the key, so it must not contain the value. Replaces an earlier provider with the same alias.
  // Call before the providers are shared between threads.
  using Lookup =
      std::function<Result<std::string>(const std::string& path, const std::string& key)>;
  void add(std::string alias, Lookup lookup);

  // Binds the Kubernetes-backed providers (Strimzi's classes): `secrets` and `config_maps` are
  // called with the reference's path ("<namespace>/<name>" or "<name>") and key. Call before the
  // providers are shared between threads.
  void bind_kubernetes(const Lookup& secrets, const Lookup& config_maps);
  // Aliases configured with Strimzi's KubernetesSecretConfigProvider (secrets true) or
  // KubernetesConfigMapConfigProvider (false).
  std::vector<std::string> kubernetes_aliases(bool secrets) const;

  bool empty() const { return providers_.empty(); }
  // Class names kconnect implements, for messages and docs.
  static std::vector<std::string> supported_classes();

 private:
  enum class Kind { kFile, kDirectory, kEnv, kCustom, kKubernetesSecret, kKubernetesConfigMap };
  struct Provider {
    std::string alias;
    Kind kind = Kind::kFile;
    std::vector<std::string> allowed_paths;  // normalized, absolute; empty: any
    std::regex allowlist{".*"};
    Lookup custom;  // kCustom; kKubernetes* once bound
  };
  const Provider* find(std::string_view alias) const;
  // Resolves one reference; returns the reason when it cannot.
  std::string lookup(const Provider& provider, const std::string& path, const std::string& key,
                     std::string& reason) const;

  std::vector<Provider> providers_;
};

// True when `value` contains a ${provider:[path:]key} reference (whether or not it resolves).
bool has_provider_reference(std::string_view value);

// Strimzi's class names for the Kubernetes-backed providers.
inline constexpr std::string_view kStrimziSecretProvider =
    "io.strimzi.kafka.KubernetesSecretConfigProvider";
inline constexpr std::string_view kStrimziConfigMapProvider =
    "io.strimzi.kafka.KubernetesConfigMapConfigProvider";

// One ${provider:[path:]key} reference in a value, as ConfigTransformer splits it.
struct ProviderReference {
  std::string provider, path, key;
};
std::vector<ProviderReference> provider_references(std::string_view value);

}  // namespace kc::config
