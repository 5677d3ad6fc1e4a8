#include "libs/kube/client/config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "libs/base/base64.h"
#include "tests/support/files.h"

namespace kc::kube {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string kubeconfig(const std::string& cluster_extra, const std::string& user) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
         "clusters:\n- name: c1\n  cluster:\n    server: https://10.0.0.1:6443\n" +
         cluster_extra +
         "contexts:\n- name: dev\n  context:\n    cluster: c1\n    user: u1\n    namespace: team\n"
         "- name: other\n  context:\n    cluster: c1\n"
         "users:\n- name: u1\n  user:\n" +
         user;
}

TEST(KubeconfigTest, ReadsTokenCaDataAndNamespace) {
  testing::TempDir dir;
  write(dir.file("config"),
        kubeconfig("    certificate-authority-data: " + base64::encode("CA PEM") + "\n",
                   "    token: abc\n"));
  auto config = load_kubeconfig({.path = dir.file("config")});
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->server, "https://10.0.0.1:6443");
  EXPECT_EQ(config->ca_pem, "CA PEM");
  EXPECT_EQ(config->token, "abc");
  EXPECT_EQ(config->ns, "team");

  auto other = load_kubeconfig({.path = dir.file("config"), .context = "other"});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->ns, "default");
  EXPECT_TRUE(other->token.empty());
}

TEST(KubeconfigTest, ResolvesFilesRelativeToTheKubeconfig) {
  testing::TempDir dir;
  write(dir.file("config"),
        kubeconfig("    certificate-authority: ca.crt\n",
                   "    client-certificate: certs/me.crt\n    client-key: /abs/me.key\n"));
  auto config = load_kubeconfig({.path = dir.file("config")});
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->ca_file, dir.file("ca.crt"));
  EXPECT_EQ(config->client_cert_file, dir.file("certs/me.crt"));
  EXPECT_EQ(config->client_key_file, "/abs/me.key");
}

TEST(KubeconfigTest, RefusesInsecureSkipVerifyUnlessAllowed) {
  testing::TempDir dir;
  write(dir.file("config"), kubeconfig("    insecure-skip-tls-verify: true\n", "    token: t\n"));
  auto refused = load_kubeconfig({.path = dir.file("config")});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kInvalidConfig);
  EXPECT_NE(refused.error().message().find("insecure-skip-tls-verify"), std::string::npos);
  auto allowed = load_kubeconfig({.path = dir.file("config"), .allow_insecure = true});
  ASSERT_TRUE(allowed);
  EXPECT_TRUE(allowed->insecure_skip_tls_verify);
}

TEST(KubeconfigTest, RefusesExecPluginsAndHalfAClientCertificate) {
  testing::TempDir dir;
  write(dir.file("exec"), kubeconfig("", "    exec:\n      command: aws\n"));
  auto exec = load_kubeconfig({.path = dir.file("exec")});
  ASSERT_FALSE(exec);
  EXPECT_NE(exec.error().message().find("users[].user.exec is not supported"), std::string::npos);
  write(dir.file("half"), kubeconfig("", "    client-certificate: me.crt\n"));
  auto half = load_kubeconfig({.path = dir.file("half")});
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message().find("needs both client-certificate and client-key"),
            std::string::npos);
  auto missing = load_kubeconfig({.path = dir.file("nope")});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::kNotFound);
}

TEST(InClusterConfigTest, UsesTheServiceAccountAndRereadsARotatedToken) {
  testing::TempDir dir;
  write(dir.file("token"), "first-token\n");
  write(dir.file("ca.crt"), "CA");
  write(dir.file("namespace"), "kconnect");
  auto config =
      in_cluster_config({.service_account_dir = dir.path(), .host = "10.96.0.1", .port = "443"});
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->ca_file, dir.file("ca.crt"));
  EXPECT_EQ(config->ns, "kconnect");

  TokenFile token(config->token_file);
  EXPECT_EQ(*token.token(), "first-token");
  // Kubelet rotates by writing a new file and swapping it in: a new inode.
  write(dir.file("token.new"), "second-token");
  std::filesystem::rename(dir.file("token.new"), dir.file("token"));
  EXPECT_EQ(*token.token(), "second-token");

  auto outside =
      in_cluster_config({.service_account_dir = dir.file("none"), .host = "h", .port = "1"});
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code(), Errc::kNotFound);
}

}  // namespace
}  // namespace kc::kube
