// The whole chain: kubectl applies a KafkaConnectCluster and a KafkaConnector, kconnect-operator
// renders them into the cluster's ConfigMap, a real `kconnect-runtime managed` process (standing
// in for the worker pod the Deployment would start) watches that ConfigMap through the test API
// server and consumes from librdkafka's mock cluster, and the operator reads the worker's status
// endpoint back into the KafkaConnector's status.

#include <csignal>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/kafka/embedded_cluster.h"
#include "tests/e2e/operator/operator_fixture.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc::testing {
namespace {

using namespace std::chrono_literals;

class ManagedRuntimeE2eTest : public OperatorTest {
 protected:
  void SetUp() override {
    OperatorTest::SetUp();
    start_api();
    install_crds();
  }
  void TearDown() override {
    if (runtime_ && HasFailure())
      std::fprintf(stderr, "---- runtime log ----\n%s\n", runtime_->err().c_str());
    OperatorTest::TearDown();
  }

  std::string connector_yaml(const std::string& file) const {
    return fmt::format(R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnector
metadata: {{name: orders-to-file}}
spec:
  clusterRef: {{name: main}}
  class: org.apache.kafka.connect.file.FileStreamSinkConnector
  tasksMax: 1
  topics: [orders]
  config:
    file: {}
    value.converter: org.apache.kafka.connect.json.JsonConverter
    value.converter.schemas.enable: "false"
)",
                       file);
  }

  std::unique_ptr<Process> runtime_;
};

TEST_F(ManagedRuntimeE2eTest, ConnectorAppliedWithKubectlRunsOnAManagedWorkerAndChangesLive) {
  auto started = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(started);
  auto kafka = std::move(*started);
  ASSERT_TRUE(kafka->create_topic("orders", 2));
  auto order = [](int i) { return fmt::format(R"({{"order":{}}})", i); };
  produce(kafka->bootstrap_servers(), "orders", 50, order);

  start_operator();
  apply(fmt::format(R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnectCluster
metadata: {{name: main}}
spec:
  replicas: 1
  bootstrapServers: {}
  config:
    offset.flush.interval.ms: "1000"
    consumer.session.timeout.ms: "6000"
    consumer.heartbeat.interval.ms: "500"
)",
                    kafka->bootstrap_servers()));
  ASSERT_TRUE(eventually_for([&] { return get("v1", "configmaps", "main-kconnect").has_value(); }));

  // The worker pod: the runtime in managed mode, configured as the Deployment configures it.
  runtime_ = std::make_unique<Process>(
      std::vector<std::string>{"env", "KUBECONFIG=" + dir_->file("kubeconfig"),
                               "KC_POD_NAME=main-kconnect-0", "KC_POD_NAMESPACE=default",
                               "KC_CONFIGMAP=main-kconnect", built_program("kconnect-runtime"),
                               "managed", "--config-dir", dir_->file("not-mounted"), "--listeners",
                               "http://127.0.0.1:0"},
      dir_->file("runtime"));
  std::optional<uint16_t> port;
  ASSERT_TRUE(eventually([&] { return (port = logged_rest_port(*runtime_)).has_value(); }, 20s));
  const pid_t pid = runtime_->pid();

  // kubectl apply of a connector: records reach the file within seconds.
  const std::string first = dir_->file("orders.jsonl");
  apply(connector_yaml(first));
  ASSERT_TRUE(eventually([&] { return read_lines(first).size() == 50; }, 30s))
      << read_lines(first).size() << " lines";

  // The operator reads the worker's status endpoint: Ready, one RUNNING task on the pod.
  make_workers_ready("main", 1);
  publish_endpoints("main", {{"main-kconnect-0", *port}});
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("orders-to-file");
    return c && condition(*c, "Ready") == "True";
  }));
  auto status = (*connector("orders-to-file"))["status"];
  EXPECT_EQ(status["state"], "RUNNING");
  ASSERT_EQ(status["tasks"].size(), 1u);
  EXPECT_EQ(status["tasks"][0]["state"], "RUNNING");
  EXPECT_EQ(status["tasks"][0]["workerId"].get<std::string>().rfind("main-kconnect-0", 0), 0u)
      << status.dump();

  // A changed connector: applied by the same process, from the committed offsets.
  const std::string second = dir_->file("orders-2.jsonl");
  apply(connector_yaml(second));
  // Produced once the worker runs the new configuration (before that, the old task would take
  // them into the first file, correctly).
  ASSERT_TRUE(eventually(
      [&] { return runtime_->err().find("connector configuration replaced") != std::string::npos; },
      20s))
      << runtime_->err();
  produce(kafka->bootstrap_servers(), "orders", 10, [&](int i) { return order(50 + i); });
  ASSERT_TRUE(eventually([&] { return read_lines(second).size() == 10; }, 30s))
      << read_lines(second).size() << " lines; first has " << read_lines(first).size() << "\n"
      << connectors_json("main").dump() << "\n"
      << connector("orders-to-file").value_or(kube::Object()).dump();
  EXPECT_EQ(read_lines(first).size(), 50u);  // nothing consumed twice
  EXPECT_EQ(runtime_->pid(), pid);
  EXPECT_TRUE(runtime_->running());

  // Deleted with kubectl: the finalizer removes it from the ConfigMap and the worker stops it.
  auto r = kubectl({"delete", "kctr", "orders-to-file", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(eventually(
      [&] { return runtime_->err().find("connector deleted") != std::string::npos; }, 20s))
      << runtime_->err();
  produce(kafka->bootstrap_servers(), "orders", 5, [&](int i) { return order(60 + i); });
  std::this_thread::sleep_for(2s);  // a stopped connector: nothing may arrive (no condition)
  EXPECT_EQ(read_lines(second).size(), 10u);
  runtime_->signal(SIGTERM);
  EXPECT_EQ(runtime_->wait(20s), 0);
}

}  // namespace
}  // namespace kc::testing
