// The Helm chart (charts/kconnect-operator) and the plain-kubectl install (manifests/install.yaml):
// the chart is rendered with kc-helm-render (Go text/template + sprig, tests/helm/render.go; built
// only when Go and Debian's sprig are installed, otherwise these tests are skipped), its values
// are checked against values.schema.json, the rendered output is applied to the test API server
// with kubectl, and manifests/install.yaml must equal Namespace + CRDs + the default rendering
// (KC_UPDATE_GOLDEN=1 regenerates it).

#include <filesystem>

#include <gtest/gtest.h>

#include "libs/yaml/yaml.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/support/files.h"
#include "tests/support/kube/kubectl.h"
#include "tests/support/process.h"

namespace kc::testing {
namespace {

using namespace std::chrono_literals;

class HelmChartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    renderer_ = built_program("kc-helm-render");
    if (!std::filesystem::exists(renderer_)) {
      // ./dev deps installs both; a missing renderer is a broken set-up, not a reason to pass.
      FAIL() << "kc-helm-render not built (needs golang-1.19-go and "
                "golang-github-masterminds-sprig-dev: run ./dev deps)";
    }
  }

  std::string render(const kube::Object& values) {
    write_text(dir_.file("values.json"), values.dump());
    Process p({renderer_, source_path("charts/kconnect-operator"), dir_.file("values.json"),
               "kconnect", "kconnect"},
              dir_.file("render." + std::to_string(++runs_)));
    EXPECT_EQ(p.wait(60s), 0) << p.err();
    return p.out();
  }

  kube::Object default_values() {
    auto v = yaml::to_json(read_text(source_path("charts/kconnect-operator/values.yaml")));
    EXPECT_TRUE(v) << v.error().to_string();
    return v ? *v : kube::Object::object();
  }

  std::string renderer_;
  TempDir dir_;
  int runs_ = 0;
};

TEST_F(HelmChartTest, ValuesMatchTheirSchemaAndChartCrdsMatchCrds) {
  auto schema = kube::Object::parse(
      read_text(source_path("charts/kconnect-operator/values.schema.json")), nullptr, false);
  ASSERT_FALSE(schema.is_discarded());
  EXPECT_EQ(schema["additionalProperties"], false);
  const kube::Object values = default_values();
  for (const auto& [key, value] : values.items()) {
    ASSERT_TRUE(schema["properties"].contains(key)) << key << " is not in values.schema.json";
    std::string type = schema["properties"][key].value("type", "");
    std::string actual = value.is_object()           ? "object"
                         : value.is_array()          ? "array"
                         : value.is_boolean()        ? "boolean"
                         : value.is_number_integer() ? "integer"
                                                     : "string";
    EXPECT_EQ(type, actual) << key;
  }
  for (const char* crd :
       {"kafkaconnectclusters.kconnect.dev.yaml", "kafkaconnectors.kconnect.dev.yaml"}) {
    EXPECT_EQ(read_text(source_path(std::string("charts/kconnect-operator/crds/") + crd)),
              read_text(source_path(std::string("crds/") + crd)))
        << crd << ": copy crds/ into the chart";
  }
}

TEST_F(HelmChartTest, InstallYamlIsTheDefaultRenderingAndAppliesWithKubectl) {
  std::string install =
      "# kconnect-operator: kubectl apply --server-side -f manifests/install.yaml\n"
      "# Generated from charts/kconnect-operator (release kconnect, namespace\n"
      "# kconnect, default values) by tests/e2e/operator/helm_chart_test.cc;\n"
      "# regenerate with KC_UPDATE_GOLDEN=1.\n"
      "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: kconnect\n";
  for (const char* crd :
       {"kafkaconnectclusters.kconnect.dev.yaml", "kafkaconnectors.kconnect.dev.yaml"}) {
    install += "---\n" + read_text(source_path(std::string("crds/") + crd));
  }
  install += render(default_values());
  std::string path = source_path("manifests/install.yaml");
  const char* update = std::getenv("KC_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") write_text(path, install);
  EXPECT_EQ(read_text(path), install) << "manifests/install.yaml is stale: KC_UPDATE_GOLDEN=1";

  auto api = fakes::kube::FakeApiServer::start();
  ASSERT_TRUE(api);
  Kubectl kubectl((*api)->kubeconfig());
  auto r = kubectl.run({"apply", "--server-side", "-f", path});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  for (const char* expected :
       {"namespace/kconnect serverside-applied",
        "deployment.apps/kconnect-operator serverside-applied",
        "clusterrole.rbac.authorization.k8s.io/kconnect-worker-rack serverside-applied",
        "customresourcedefinition.apiextensions.k8s.io/kafkaconnectors.kconnect.dev "
        "serverside-applied"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
  auto d = (*api)->get("apps/v1", "deployments", "kconnect", "kconnect-operator");
  ASSERT_TRUE(d);
  const auto& c = (*d)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"], "/readyz");
}

TEST_F(HelmChartTest, ValuesChangeTheRendering) {
  auto values = default_values();
  values["watchNamespaces"] = {"team-a", "team-b"};
  values["leaderElection"]["enabled"] = false;
  values["rbac"]["create"] = false;
  values["metrics"]["service"] = false;
  values["image"]["tag"] = "1.2.3";
  std::string out = render(values);
  EXPECT_NE(out.find("- --namespaces=team-a,team-b"), std::string::npos) << out;
  EXPECT_NE(out.find("- --leader-elect=false"), std::string::npos);
  EXPECT_NE(out.find("kconnect-operator:1.2.3"), std::string::npos);
  EXPECT_EQ(out.find("kind: ClusterRole"), std::string::npos);
  EXPECT_EQ(out.find("kconnect-operator-metrics"), std::string::npos);
  auto docs = yaml::documents_to_json(out);
  ASSERT_TRUE(docs) << docs.error().to_string();
}

}  // namespace
}  // namespace kc::testing
