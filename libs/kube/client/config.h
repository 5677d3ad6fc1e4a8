#pragma once

// Where the API server is and how to authenticate to it: from a kubeconfig file, or from the
// service account a pod runs as (in-cluster).
//
//   KC_ASSIGN_OR_RETURN(auto config, kube::load_config({}));   // $KUBECONFIG, ~/.kube/config,
//                                                               // then in-cluster
//   KC_ASSIGN_OR_RETURN(auto client, kube::Client::create(config));
//
// Supported kubeconfig features: clusters (server, certificate-authority[-data], tls-server-name,
// insecure-skip-tls-verify), users (token, tokenFile, client-certificate[-data],
// client-key[-data]), contexts with a namespace, current-context. Not supported, refused with a
// clear error: exec credential plugins, auth-provider, username/password, proxy-url.
//
// Guarantees:
// - insecure-skip-tls-verify is refused (kInvalidConfig) unless the caller passes
//   allow_insecure = true; a Config never turns verification off silently.
// - A token file (in-cluster, or tokenFile) is re-read whenever it changes on disk (kubelet
//   rotates projected service-account tokens by swapping a symlink), so requests always carry the
//   current token. Tokens never appear in logs or error messages.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "libs/base/error.h"

namespace kc::kube {

struct Config {
  std::string server;  // "https://10.96.0.1:443"
  // Trusted CAs: a file or inline PEM; neither means the system trust store.
  std::string ca_file;
  std::string ca_pem;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  // Client certificate authentication: files or inline PEM.
  std::string client_cert_file;
  std::string client_cert_pem;
  std::string client_key_file;
  std::string client_key_pem;
  // Bearer token: a fixed value, or a file re-read when it changes.
  std::string token;
  std::string token_file;
  std::string ns = "default";  // the context's namespace
};

struct KubeconfigOptions {
  std::string path;     // empty: $KUBECONFIG (first entry), else ~/.kube/config
  std::string context;  // empty: current-context
  bool allow_insecure = false;
};

// Errors: kNotFound (no file), kInvalidConfig naming the entry and what is wrong.
Result<Config> load_kubeconfig(const KubeconfigOptions& options);

struct InClusterOptions {
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  // Empty: $KUBERNETES_SERVICE_HOST / $KUBERNETES_SERVICE_PORT.
  std::string host;
  std::string port;
};

// Errors: kNotFound when not running in a pod (no env or no token file).
Result<Config> in_cluster_config(const InClusterOptions& options = {});

// A kubeconfig when one is found (options.path, $KUBECONFIG, ~/.kube/config), else in-cluster.
Result<Config> load_config(const KubeconfigOptions& options = {});

// Reads a token file and re-reads it when it changed (inode, size or mtime) or every minute.
// Thread-safe. The token is trimmed of surrounding whitespace.
class TokenFile {
 public:
  explicit TokenFile(std::string path);
  Result<std::string> token();

 private:
  std::string path_;
  std::mutex mu_;
  std::string token_;
  struct Stamp {
    unsigned long inode = 0;
    long long size = -1;
    long long mtime_ns = 0;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  } stamp_;
  std::chrono::steady_clock::time_point read_at_{};
};

}  // namespace kc::kube
