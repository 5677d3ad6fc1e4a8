#pragma once

// A test API server and a libs/kube Client talking to it over real HTTP.

#include <memory>

#include <gtest/gtest.h>

#include "libs/kube/client/client.h"
#include "libs/yaml/yaml.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/support/files.h"
#include "tests/support/kube/kubectl.h"

namespace kc::kube::testing {

class KubeTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(fakes::kube::FakeApiServerOptions options) {
    auto api = fakes::kube::FakeApiServer::start(std::move(options));
    ASSERT_TRUE(api) << api.error().to_string();
    api_ = std::move(*api);
    client_ = make_client("kconnect-test");
  }

  std::unique_ptr<Client> make_client(const std::string& manager) {
    Config config;
    config.server = api_->url();
    auto client = Client::create(config, {.field_manager = manager, .user_agent = manager});
    EXPECT_TRUE(client) << client.error().to_string();
    return client ? std::move(*client) : nullptr;
  }

  // Applies both CRDs from crds/ through the client.
  void install_crds() {
    for (const char* file :
         {"kafkaconnectclusters.kconnect.dev.yaml", "kafkaconnectors.kconnect.dev.yaml"}) {
      auto crd = yaml::to_json(
          kc::testing::read_text(kc::testing::source_path(std::string("crds/") + file)));
      ASSERT_TRUE(crd);
      auto applied = client_->apply(resources::custom_resource_definitions(), *crd);
      ASSERT_TRUE(applied) << applied.error().to_string();
    }
  }

  static Object config_map(const std::string& name, const std::string& value,
                           const std::string& ns = "default") {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", ns}}},
            {"data", {{"value", value}}}};
  }

  std::unique_ptr<fakes::kube::FakeApiServer> api_;
  std::unique_ptr<Client> client_;
};

}  // namespace kc::kube::testing
