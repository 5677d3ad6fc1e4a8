#include "libs/kube/client/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "libs/base/base64.h"
#include "libs/base/strings.h"
#include "libs/yaml/yaml.h"

namespace kc::kube {
namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::kNotFound, "cannot read {}", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The entry called `name` in a kubeconfig list ("clusters", "users", "contexts").
Result<nlohmann::json> named_entry(const nlohmann::json& config, const std::string& list,
                                   const std::string& name, const std::string& field) {
  if (config.contains(list) && config[list].is_array()) {
    for (const auto& entry : config[list]) {
      if (entry.value("name", "") == name && entry.contains(field) && entry[field].is_object()) {
        return entry[field];
      }
    }
  }
  return make_error(Errc::kInvalidConfig, "kubeconfig has no {} entry named '{}'", list, name);
}

std::string resolve(const std::filesystem::path& base, const std::string& file) {
  if (file.empty() || std::filesystem::path(file).is_absolute()) return file;
  return (base / file).string();
}

Result<std::string> decode_data(const nlohmann::json& entry, const std::string& key) {
  if (!entry.contains(key)) return std::string();
  auto decoded = base64::decode(entry.value(key, ""));
  if (!decoded) return make_error(Errc::kInvalidConfig, "kubeconfig {} is not valid base64", key);
  return *decoded;
}

}  // namespace

Result<Config> load_kubeconfig(const KubeconfigOptions& options) {
  std::string path = options.path;
  if (path.empty()) {
    if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
      path = std::string(strings::split(env, ':').front());
    } else if (const char* home = std::getenv("HOME"); home != nullptr) {
      path = std::string(home) + "/.kube/config";
    }
  }
  if (path.empty() || !std::filesystem::exists(path)) {
    return make_error(Errc::kNotFound, "no kubeconfig at '{}'", path);
  }
  KC_ASSIGN_OR_RETURN(auto text, read_file(path));
  KC_ASSIGN_OR_RETURN(auto doc, yaml::to_json(text));
  if (!doc.is_object()) return make_error(Errc::kInvalidConfig, "{}: not a kubeconfig", path);
  auto base = std::filesystem::path(path).parent_path();

  std::string context_name =
      options.context.empty() ? doc.value("current-context", "") : options.context;
  if (context_name.empty()) {
    return make_error(Errc::kInvalidConfig, "{}: no current-context and no context given", path);
  }
  KC_ASSIGN_OR_RETURN(auto context, named_entry(doc, "contexts", context_name, "context"));
  KC_ASSIGN_OR_RETURN(auto cluster,
                      named_entry(doc, "clusters", context.value("cluster", ""), "cluster"));
  nlohmann::json user = nlohmann::json::object();
  if (!context.value("user", "").empty()) {
    KC_ASSIGN_OR_RETURN(user, named_entry(doc, "users", context.value("user", ""), "user"));
  }

  Config config;
  config.server = cluster.value("server", "");
  if (config.server.empty()) {
    return make_error(Errc::kInvalidConfig, "{}: cluster '{}' has no server", path,
                      context.value("cluster", ""));
  }
  if (cluster.contains("proxy-url")) {
    return make_error(Errc::kUnsupported, "{}: clusters[].cluster.proxy-url is not supported",
                      path);
  }
  config.insecure_skip_tls_verify = cluster.value("insecure-skip-tls-verify", false);
  if (config.insecure_skip_tls_verify && !options.allow_insecure) {
    return make_error(Errc::kInvalidConfig,
                      "{}: cluster '{}' sets insecure-skip-tls-verify; refusing to connect without "
                      "verifying the server certificate (allow it explicitly to proceed)",
                      path, context.value("cluster", ""));
  }
  config.tls_server_name = cluster.value("tls-server-name", "");
  config.ca_file = resolve(base, cluster.value("certificate-authority", ""));
  KC_ASSIGN_OR_RETURN(config.ca_pem, decode_data(cluster, "certificate-authority-data"));

  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (user.contains(unsupported)) {
      return make_error(Errc::kUnsupported,
                        "{}: users[].user.{} is not supported (use a token, a token file or a "
                        "client certificate)",
                        path, unsupported);
    }
  }
  config.token = user.value("token", "");
  config.token_file = resolve(base, user.value("tokenFile", ""));
  config.client_cert_file = resolve(base, user.value("client-certificate", ""));
  config.client_key_file = resolve(base, user.value("client-key", ""));
  KC_ASSIGN_OR_RETURN(config.client_cert_pem, decode_data(user, "client-certificate-data"));
  KC_ASSIGN_OR_RETURN(config.client_key_pem, decode_data(user, "client-key-data"));
  bool has_cert = !config.client_cert_file.empty() || !config.client_cert_pem.empty();
  bool has_key = !config.client_key_file.empty() || !config.client_key_pem.empty();
  if (has_cert != has_key) {
    return make_error(Errc::kInvalidConfig,
                      "{}: user '{}' needs both client-certificate and client-key", path,
                      context.value("user", ""));
  }
  if (auto ns = context.value("namespace", ""); !ns.empty()) config.ns = ns;
  return config;
}

Result<Config> in_cluster_config(const InClusterOptions& options) {
  std::string host = options.host, port = options.port;
  if (host.empty()) {
    const char* env = std::getenv("KUBERNETES_SERVICE_HOST");
    host = env != nullptr ? env : "";
  }
  if (port.empty()) {
    const char* env = std::getenv("KUBERNETES_SERVICE_PORT");
    port = env != nullptr ? env : "";
  }
  if (host.empty() || port.empty()) {
    return make_error(Errc::kNotFound,
                      "not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  std::string token_file = options.service_account_dir + "/token";
  if (!std::filesystem::exists(token_file)) {
    return make_error(Errc::kNotFound, "not running in a cluster: no {}", token_file);
  }
  Config config;
  bool ipv6 = host.find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  config.token_file = token_file;
  config.ca_file = options.service_account_dir + "/ca.crt";
  if (auto ns = read_file(options.service_account_dir + "/namespace"); ns) {
    auto trimmed = strings::trim(*ns);
    if (!trimmed.empty()) config.ns = std::string(trimmed);
  }
  return config;
}

Result<Config> load_config(const KubeconfigOptions& options) {
  auto config = load_kubeconfig(options);
  if (config || config.error().code() != Errc::kNotFound) return config;
  if (!options.path.empty()) return config;
  return in_cluster_config();
}

TokenFile::TokenFile(std::string path) : path_(std::move(path)) {}

Result<std::string> TokenFile::token() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    return make_error(Errc::kUnavailable, "cannot stat token file {}", path_);
  }
  Stamp stamp{static_cast<unsigned long>(st.st_ino), static_cast<long long>(st.st_size),
              static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec};
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (stamp == stamp_ && now - read_at_ < std::chrono::minutes(1) && !token_.empty()) {
    return token_;
  }
  KC_ASSIGN_OR_RETURN(auto text, read_file(path_));
  token_ = std::string(strings::trim(text));
  stamp_ = stamp;
  read_at_ = now;
  return token_;
}

}  // namespace kc::kube
