// The real kubectl (v1.32) against the test API server: the CRDs install, custom resources apply
// client-side and server-side, print their columns, watch, scale, wait on finalizers, and are
// refused with kubectl showing the reason.

#include "tests/support/kube/kubectl.h"

#include <gtest/gtest.h>

#include "libs/kube/core/object.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/support/test_certs.h"

namespace kc::testing {
namespace {

using namespace std::chrono_literals;
using fakes::kube::FakeApiServer;

constexpr const char* kCluster = R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnectCluster
metadata:
  name: main
spec:
  bootstrapServers: kafka-0.kafka:9092,kafka-1.kafka:9092
  replicas: 2
)";

constexpr const char* kConnector = R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnector
metadata:
  name: orders-to-files
spec:
  clusterRef:
    name: main
  class: file
  tasksMax: 2
  topics: [orders]
  config:
    file: /data/orders.jsonl
    batch.max.records: 500
    flush.sync: true
)";

class KubectlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = FakeApiServer::start();
    ASSERT_TRUE(started) << started.error().to_string();
    api_ = std::move(*started);
    kubectl_ = std::make_unique<Kubectl>(api_->kubeconfig());
  }

  KubectlResult kubectl(const std::vector<std::string>& args, const std::string& in = {}) {
    return kubectl_->run(args, in);
  }

  void install_crds() {
    auto r = kubectl({"apply", "-f", source_path("crds/")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("customresourcedefinition.apiextensions.k8s.io/"
                         "kafkaconnectclusters.kconnect.dev created"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("kafkaconnectors.kconnect.dev created"), std::string::npos) << r.out;
  }

  void apply_both() {
    auto r = kubectl({"apply", "-f", "-"}, std::string(kCluster) + "---\n" + kConnector);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::unique_ptr<FakeApiServer> api_;
  std::unique_ptr<Kubectl> kubectl_;
};

TEST_F(KubectlTest, AppliesClientSideThenServerSideAndPrintsColumns) {
  install_crds();
  auto r = kubectl({"apply", "-f", "-"}, std::string(kCluster) + "---\n" + kConnector);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kafkaconnectcluster.kconnect.dev/main created"), std::string::npos);
  EXPECT_NE(r.out.find("kafkaconnector.kconnect.dev/orders-to-files created"), std::string::npos);

  r = kubectl({"apply", "-f", "-"}, kConnector);
  EXPECT_NE(r.out.find("orders-to-files unchanged"), std::string::npos) << r.out << r.err;

  r = kubectl({"get", "kcc"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("NAME   READY   REPLICAS   AGE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("main           2"), std::string::npos) << r.out;
  r = kubectl({"get", "kctr"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CLUSTER   CLASS   TASKS   STATE   READY   AGE"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("orders-to-files   main      file    2"), std::string::npos) << r.out;

  // Defaults from the schema and integer/boolean config values survive.
  auto stored = api_->get("kconnect.dev/v1alpha1", "kafkaconnectors", "default", "orders-to-files");
  ASSERT_TRUE(stored);
  EXPECT_EQ((*stored)["spec"]["state"], "running");
  EXPECT_EQ((*stored)["spec"]["config"]["batch.max.records"], 500);
  EXPECT_EQ((*stored)["spec"]["config"]["flush.sync"], true);

  // The same manifests server-side: kubectl takes over the fields from client-side apply.
  r = kubectl({"apply", "--server-side", "-f", "-"}, std::string(kCluster) + "---\n" + kConnector);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kafkaconnectcluster.kconnect.dev/main serverside-applied"),
            std::string::npos);
  r = kubectl(
      {"get", "kctr", "orders-to-files", "--show-managed-fields", "-o",
       "jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}"});
  EXPECT_NE(r.out.find("kubectl"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Apply"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("kubectl-client-side-apply"), std::string::npos) << r.out;

  // A changed value now applies server-side as the sole owner.
  std::string changed = kConnector;
  changed.replace(changed.find("tasksMax: 2"), 11, "tasksMax: 4");
  r = kubectl({"apply", "--server-side", "-f", "-"}, changed);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "kctr", "orders-to-files", "-o", "jsonpath={.spec.tasksMax}"});
  EXPECT_EQ(r.out, "4");

  r = kubectl({"get", "kconnect"});  // the category lists both kinds
  EXPECT_NE(r.out.find("kafkaconnectcluster.kconnect.dev/main"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kafkaconnector.kconnect.dev/orders-to-files"), std::string::npos);
}

TEST_F(KubectlTest, ServerSideApplyConflictsWithAnotherManagerUnlessForced) {
  install_crds();
  auto r = kubectl({"apply", "--server-side", "--field-manager=gitops", "-f", "-"}, kCluster);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string other = kCluster;
  other.replace(other.find("replicas: 2"), 11, "replicas: 7");
  r = kubectl({"apply", "--server-side", "--field-manager=someone-else", "-f", "-"}, other);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("conflict with \"gitops\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(".spec.replicas"), std::string::npos) << r.err;
  r = kubectl(
      {"apply", "--server-side", "--field-manager=someone-else", "--force-conflicts", "-f", "-"},
      other);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "kcc", "main", "-o", "jsonpath={.spec.replicas}"});
  EXPECT_EQ(r.out, "7");
}

TEST_F(KubectlTest, GetWatchSeesChangesAndScaleUsesTheSubresource) {
  install_crds();
  apply_both();
  auto watch = kubectl_->start({"get", "kcc", "-w"});
  ASSERT_TRUE(watch->wait_for_output("main", 20s)) << watch->output();

  auto r = kubectl({"scale", "kcc", "main", "--replicas=5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("scaled"), std::string::npos);
  EXPECT_TRUE(watch->wait_for_output("5  ", 20s)) << watch->output();

  r = kubectl({"scale", "kctr", "orders-to-files", "--replicas=3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "kctr", "orders-to-files", "-o", "jsonpath={.spec.tasksMax}"});
  EXPECT_EQ(r.out, "3");
  auto stored = api_->get("kconnect.dev/v1alpha1", "kafkaconnectors", "default", "orders-to-files");
  EXPECT_EQ(kube::generation_of(*stored), 2);  // spec changed once

  // Scaling below the schema's minimum is refused.
  r = kubectl({"scale", "kctr", "orders-to-files", "--replicas=0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("spec.tasksMax"), std::string::npos) << r.err;
}

TEST_F(KubectlTest, DeleteWaitsForFinalizers) {
  install_crds();
  apply_both();
  auto r = kubectl({"patch", "kcc", "main", "--type=merge", "-p",
                    R"({"metadata":{"finalizers":["kconnect.dev/cleanup"]}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto deleting = kubectl_->start({"delete", "kcc", "main", "--timeout=60s"});
  ASSERT_TRUE(eventually(
      [&] {
        auto obj = api_->get("kconnect.dev/v1alpha1", "kafkaconnectclusters", "default", "main");
        return obj && kube::is_being_deleted(*obj);
      },
      20s));
  EXPECT_TRUE(deleting->wait_for_output("deleted", 20s));
  EXPECT_EQ(deleting->wait(200ms), std::nullopt)
      << "delete returned while the finalizer was still there";

  r = kubectl({"patch", "kcc", "main", "--type=json", "-p",
               R"([{"op":"remove","path":"/metadata/finalizers"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(deleting->wait(20s), 0) << deleting->output();
  r = kubectl({"get", "kcc", "main"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("NotFound"), std::string::npos) << r.err;
}

TEST_F(KubectlTest, InvalidResourceIsRefusedWithTheReason) {
  install_crds();
  const char* bad = R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnector
metadata:
  name: bad
spec:
  clusterRef: {name: main}
  state: fast
  topics: [orders]
)";
  auto r = kubectl({"apply", "-f", "-"}, bad);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("The KafkaConnector \"bad\" is invalid"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("spec.class: Required value"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("spec.state: Unsupported value: \"fast\": supported values: \"running\", "
                       "\"paused\", \"stopped\""),
            std::string::npos)
      << r.err;
  r = kubectl({"apply", "--server-side", "-f", "-"}, bad);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("spec.state: Unsupported value"), std::string::npos) << r.err;

  // An unknown field is refused by kubectl's default strict validation, on the server.
  std::string unknown = std::string(kCluster) + "  replicaz: 3\n";
  r = kubectl({"apply", "-f", "-"}, unknown);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown field \"spec.replicaz\""), std::string::npos) << r.err;
  EXPECT_FALSE(api_->get("kconnect.dev/v1alpha1", "kafkaconnectors", "default", "bad"));
}

// Issue 17: Strimzi's documented manifests apply with kubectl's default (strict) validation, the
// only edits being the apiVersion line and KafkaConnect's kind; nothing is pruned or refused.
TEST_F(KubectlTest, StrimziManifestsApplyAfterTheApiVersionEdit) {
  install_crds();
  for (const char* file :
       {"kafka-connect-v1beta2.yaml", "kafka-connect-v1.yaml", "kafka-connector-v1beta2.yaml"}) {
    SCOPED_TRACE(file);
    std::string text = read_text(source_path(std::string("tests/testdata/strimzi/") + file));
    auto at = text.find("apiVersion: kafka.strimzi.io/");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, text.find('\n', at) - at, "apiVersion: kconnect.dev/v1alpha1");
    if (auto kind = text.find("kind: KafkaConnect\n"); kind != std::string::npos) {
      text.replace(kind, 19, "kind: KafkaConnectCluster\n");
    }
    auto name_at = text.find("  name: ") + 8;
    std::string name = text.substr(name_at, text.find('\n', name_at) - name_at);
    text.replace(text.find("  namespace: prod\n"), 18, "");  // applied to the default namespace
    for (bool server_side : {false, true}) {
      std::vector<std::string> args = {"apply", "-f", "-"};
      if (server_side) args.insert(args.begin() + 1, "--server-side");
      auto r = kubectl(args, text);
      EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
      EXPECT_EQ(r.err.find("Warning"), std::string::npos) << r.err;  // nothing pruned
    }
    bool connector = std::string(file).find("connector") != std::string::npos;
    auto stored =
        api_->get("kconnect.dev/v1alpha1", connector ? "kafkaconnectors" : "kafkaconnectclusters",
                  "default", name);
    ASSERT_TRUE(stored);
    if (connector) {
      EXPECT_EQ((*stored)["spec"]["config"]["topics"], "my-topic,other-topic");
    } else if (std::string(file) == "kafka-connect-v1.yaml") {
      EXPECT_EQ((*stored)["spec"]["groupId"], "my-connect-cluster");
    } else {
      EXPECT_EQ((*stored)["spec"]["authentication"]["clientId"], "kafka-connect");
    }
  }
}

TEST(KubectlTlsTest, DrivesTheServerOverTlsWithABearerToken) {
  auto ca = TestCa::create("kube-ca");
  auto leaf = ca.issue({.common_name = "kube-apiserver", .ip_sans = {"127.0.0.1"}});
  auto api = FakeApiServer::start(
      {.tls = http::ServerTlsOptions{.cert_pem = leaf.cert_pem, .key_pem = leaf.key_pem},
       .bearer_token = "s3cret-token"});
  ASSERT_TRUE(api) << api.error().to_string();
  Kubectl kubectl((*api)->kubeconfig(ca.cert_pem()));
  auto r = kubectl.run({"get", "namespaces"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kube-system"), std::string::npos) << r.out;

  Kubectl wrong_token([&] {
    std::string config = (*api)->kubeconfig(ca.cert_pem());
    config.replace(config.find("s3cret-token"), 12, "wrong-token!");
    return config;
  }());
  r = wrong_token.run({"get", "namespaces"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("You must be logged in to the server"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kc::testing
