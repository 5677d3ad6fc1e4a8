// kconnect-operator end to end: the built binary against the test API server, with the real
// kubectl applying the CRDs, the examples in manifests/examples/ and every change. Workers are
// stood in for by ConnectStatusServer (the runtime's status endpoint) and by writing the
// Deployment status and EndpointSlices a real cluster's controllers would write.

#include <gtest/gtest.h>

#include "tests/e2e/operator/operator_fixture.h"
#include "tests/support/process.h"
#include "tests/support/test_certs.h"

namespace kc::testing {
namespace {

using namespace std::chrono_literals;

std::string example(const std::string& name) {
  return read_text(source_path("manifests/examples/" + name));
}

std::string with_connector_spec(const std::string& name, const std::string& spec_extra) {
  return "apiVersion: kconnect.dev/v1alpha1\nkind: KafkaConnector\nmetadata:\n  name: " + name +
         "\nspec:\n  clusterRef: {name: main}\n  class: file\n  topics: [orders]\n" + spec_extra;
}

// An object's status, {} while it has none (a status-less object in an eventually() poll).
kube::Object status_of(const kube::Object& o) {
  return o.contains("status") && o["status"].is_object() ? o["status"] : kube::Object::object();
}

class OperatorE2eTest : public OperatorTest {
 protected:
  void SetUp() override {
    OperatorTest::SetUp();
    start_api();
    install_crds();
  }

  std::string template_hash() {
    auto d = get("apps/v1", "deployments", "main-kconnect");
    if (!d) return "";
    return (*d)["spec"]["template"]["metadata"]["annotations"].value(
        "kconnect.dev/worker-config-hash", "");
  }

  // A barrier: patches the connector's spec (a change the connector controller must reconcile, as
  // every change of a connector enqueues its key) and waits until the operator's status answers
  // the new generation with a Ready condition whose reason is `reason` and whose observedGeneration
  // is that generation. The watch stream delivers changes of one resource in order and one key is
  // reconciled at a time, so from then on every earlier change of this connector has been
  // reconciled in full: its status write is the reconcile's last step.
  bool connector_barrier(const std::string& name, const std::string& spec_patch,
                         const std::string& reason) {
    auto r =
        kubectl({"patch", "kctr", name, "--type=merge", "-p", R"({"spec":)" + spec_patch + "}"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    int64_t generation = kube::generation_of(*connector(name));
    return eventually_for([&] {
      auto c = connector(name);
      if (!c || status_of(*c).value("observedGeneration", 0) != generation) return false;
      for (const auto& cond : status_of(*c).value("conditions", kube::Object::array())) {
        if (cond.value("type", "") == "Ready") {
          return cond.value("reason", "") == reason &&
                 cond.value("observedGeneration", 0) == generation;
        }
      }
      return false;
    });
  }

  bool connector_ready(const std::string& name) {
    auto c = connector(name);
    return c && condition(*c, "Ready") == "True" &&
           status_of(*c).value("observedGeneration", 0) == kube::generation_of(*c);
  }
};

TEST_F(OperatorE2eTest, ReconcilesClusterAndConnectorIntoWorkersAndStatus) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(example("file-sink-connector.yaml"));

  // Every object of the contract, owned by the cluster, labelled.
  for (auto [version, plural] : std::vector<std::pair<std::string, std::string>>{
           {"apps/v1", "deployments"},
           {"v1", "configmaps"},
           {"v1", "services"},
           {"v1", "serviceaccounts"},
           {"rbac.authorization.k8s.io/v1", "roles"},
           {"rbac.authorization.k8s.io/v1", "rolebindings"},
           {"policy/v1", "poddisruptionbudgets"}}) {
    ASSERT_TRUE(eventually_for([&, v = version, p = plural] {
      return get(v, p, "main-kconnect").has_value();
    })) << plural;
    auto obj = *get(version, plural, "main-kconnect");
    EXPECT_EQ(obj["metadata"]["ownerReferences"][0]["kind"], "KafkaConnectCluster") << plural;
    EXPECT_EQ(kube::label_of(obj, "app.kubernetes.io/managed-by"), "kconnect-operator");
    EXPECT_EQ(kube::label_of(obj, "kconnect.dev/cluster"), "main");
  }
  auto d = *get("apps/v1", "deployments", "main-kconnect");
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["command"][1], "managed");
  auto role = *get("rbac.authorization.k8s.io/v1", "roles", "main-kconnect");
  EXPECT_EQ(role["rules"][0]["resourceNames"][0], "main-kconnect");
  ASSERT_TRUE(eventually_for(
      [&] { return connectors_json("main")["connectors"].contains("orders-to-file"); }));
  auto entry = connectors_json("main")["connectors"]["orders-to-file"];
  EXPECT_EQ(entry["config"]["tasks.max"], "2");
  EXPECT_EQ(entry["config"]["value.converter.schemas.enable"], "false");
  EXPECT_EQ(connectors_json("main")["workers"], 2);

  // No workers yet: the cluster is rolling out, the connector has none to run on.
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("main");
    return c && condition(*c, "Reconciling") == "True";
  }));
  EXPECT_EQ((*cluster("main"))["status"]["labelSelector"],
            "app.kubernetes.io/name=kconnect,kconnect.dev/cluster=main");
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("orders-to-file");
    return c && condition(*c, "Ready", "reason") == "NoReadyWorkers";
  }));

  // Workers become ready and report the connector's tasks.
  make_workers_ready("main", 2);
  ConnectStatusServer w0("main-kconnect-0"), w1("main-kconnect-1");
  w0.set("orders-to-file", "RUNNING", {{0, "RUNNING", ""}});
  w1.set("orders-to-file", "RUNNING", {{1, "RUNNING", ""}});
  publish_workers("main", {&w0, &w1});
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("main");
    return c && condition(*c, "Ready") == "True" && status_of(*c).value("readyReplicas", 0) == 2;
  }));
  ASSERT_TRUE(eventually_for([&] { return connector_ready("orders-to-file"); }))
      << connector("orders-to-file")->dump(2);
  auto status = (*connector("orders-to-file"))["status"];
  EXPECT_EQ(status["state"], "RUNNING");
  ASSERT_EQ(status["tasks"].size(), 2u);
  EXPECT_EQ(status["tasks"][1]["workerId"], "main-kconnect-1");
  auto columns = kubectl({"get", "kctr", "orders-to-file"});
  EXPECT_NE(columns.out.find("RUNNING"), std::string::npos) << columns.out;

  // A connector change reaches the ConfigMap and leaves the pod template alone.
  std::string hash = template_hash();
  int64_t deployment_generation =
      kube::generation_of(*get("apps/v1", "deployments", "main-kconnect"));
  ASSERT_EQ(kubectl({"patch", "kctr", "orders-to-file", "--type=merge", "-p",
                     R"({"spec":{"tasksMax":4}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually_for([&] {
    return connectors_json("main")["connectors"]["orders-to-file"]["config"]["tasks.max"] == "4";
  }));
  EXPECT_EQ(template_hash(), hash);
  EXPECT_EQ(kube::generation_of(*get("apps/v1", "deployments", "main-kconnect")),
            deployment_generation);

  // A worker-level change rolls the pods (new hash).
  ASSERT_EQ(kubectl({"patch", "kcc", "main", "--type=merge", "-p",
                     R"({"spec":{"config":{"offset.flush.interval.ms":5000}}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually_for([&] { return !template_hash().empty() && template_hash() != hash; }));
  auto cm = *get("v1", "configmaps", "main-kconnect");
  EXPECT_NE(
      cm["data"]["worker.properties"].get<std::string>().find("offset.flush.interval.ms=5000"),
      std::string::npos);
  // A logging change is live: connectors.json, no roll.
  std::string rolled = template_hash();
  ASSERT_EQ(kubectl({"patch", "kcc", "main", "--type=merge", "-p",
                     R"({"spec":{"logging":{"level":"DEBUG"}}})"})
                .exit_code,
            0);
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["logging"]["level"] == "DEBUG"; }));
  EXPECT_EQ(template_hash(), rolled);
}

TEST_F(OperatorE2eTest, StateChangesAndOneShotTokensAreActedOnOnce) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(with_connector_spec("sink", ""));
  make_workers_ready("main", 1);
  ConnectStatusServer w0("main-kconnect-0");
  w0.set("sink", "RUNNING", {{0, "RUNNING", ""}});
  ASSERT_TRUE(
      eventually_for([&] { return get("apps/v1", "deployments", "main-kconnect").has_value(); }));
  publish_workers("main", {&w0});
  ASSERT_TRUE(eventually_for([&] { return connector_ready("sink"); }));

  // pause, stop, resume: the requested state reaches the workers; Ready follows what they report.
  for (const std::string state : {"paused", "stopped", "running"}) {
    ASSERT_EQ(kubectl({"patch", "kctr", "sink", "--type=merge", "-p",
                       R"({"spec":{"state":")" + state + R"("}})"})
                  .exit_code,
              0);
    ASSERT_TRUE(eventually_for([&] {
      return connectors_json("main")["connectors"]["sink"]["state"] == state;
    })) << state;
    std::string reported = state == "paused"    ? "PAUSED"
                           : state == "stopped" ? "STOPPED"
                                                : "RUNNING";
    w0.set("sink", reported,
           state == "stopped" ? std::vector<ConnectStatusServer::Task>{}
                              : std::vector<ConnectStatusServer::Task>{{0, reported, ""}});
    ASSERT_TRUE(eventually_for([&] { return connector_ready("sink"); })) << state;
    EXPECT_EQ((*connector("sink"))["status"]["state"], reported);
  }

  // restartRequest and forceCommitRequest: passed to the workers once, recorded as handled; the
  // spec and the user's annotations stay as written (GitOps sees no drift).
  apply(with_connector_spec("sink", "  restartRequest: r1\n  forceCommitRequest: f1\n") + "");
  ASSERT_EQ(kubectl({"annotate", "kctr", "sink", "example.com/note=mine"}).exit_code, 0);
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("sink");
    return c && status_of(*c).value("handledRestartRequest", "") == "r1" &&
           status_of(*c).value("handledForceCommitRequest", "") == "f1";
  }));
  auto entry = connectors_json("main")["connectors"]["sink"];
  EXPECT_EQ(entry["restartToken"], "r1");
  EXPECT_EQ(entry["forceCommitToken"], "f1");
  auto c = *connector("sink");
  EXPECT_EQ(c["spec"]["restartRequest"], "r1");
  EXPECT_EQ(kube::label_of(c, "x"), "");
  EXPECT_EQ(c["metadata"]["annotations"]["example.com/note"], "mine");
  // Applying the same manifest again changes nothing: the token was handled. kubectl sends no
  // change for an identical manifest, so a barrier makes the operator reconcile the connector (and,
  // as its spec changed, the cluster that renders its ConfigMap entry) again; a token acted on
  // twice would reach the workers as a new restartToken/forceCommitToken in that entry.
  auto entry_before = connectors_json("main")["connectors"]["sink"];
  apply(with_connector_spec("sink", "  restartRequest: r1\n  forceCommitRequest: f1\n"));
  ASSERT_TRUE(connector_barrier("sink", R"({"autoRestart":{"maxRestarts":10}})", "Running"))
      << connector("sink")->dump(2);
  auto entry_after = connectors_json("main")["connectors"]["sink"];
  EXPECT_GT(entry_after.value("generation", 0), entry_before.value("generation", 0));
  entry_before.erase("generation");
  entry_after.erase("generation");
  EXPECT_EQ(entry_after, entry_before);
  EXPECT_EQ(status_of(*connector("sink")).value("handledRestartRequest", ""), "r1");
  EXPECT_EQ(status_of(*connector("sink")).value("handledForceCommitRequest", ""), "f1");
  auto events = kubectl({"get", "events", "-o", "json"});
  auto list = kube::Object::parse(events.out, nullptr, false);
  ASSERT_FALSE(list.is_discarded()) << events.err;
  int restart_events = 0;
  for (const auto& e : list["items"]) {
    if (e["reason"] == "RestartRequested") restart_events += e.value("count", 1);
  }
  EXPECT_EQ(restart_events, 1);
}

TEST_F(OperatorE2eTest, AutoRestartGoesThroughTheRestartToken) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(with_connector_spec("flaky", ""));
  ASSERT_TRUE(
      eventually_for([&] { return get("apps/v1", "deployments", "main-kconnect").has_value(); }));
  make_workers_ready("main", 1);
  ConnectStatusServer w0("main-kconnect-0");
  w0.set("flaky", "RUNNING", {{0, "FAILED", "org.example.Boom: disk full\n\tat x"}});
  publish_workers("main", {&w0});
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("flaky");
    return c && status_of(*c).value("restartCount", 0) == 1;
  }));
  auto status = (*connector("flaky"))["status"];
  EXPECT_FALSE(status.value("lastAutoRestartTime", "").empty());
  ASSERT_TRUE(eventually_for([&] {
    std::string token = connectors_json("main")["connectors"]["flaky"].value("restartToken", "");
    return token.find("+auto:") != std::string::npos;
  }));
  // The next restart waits for its backoff (2 minutes): still one after the operator has
  // reconciled the failed connector again (a barrier: a spec change it must reconcile, answered
  // with the TaskFailed status an immediate restart would have counted as the second).
  ASSERT_TRUE(connector_barrier("flaky", R"({"autoRestart":{"maxRestarts":10}})", "TaskFailed"))
      << connector("flaky")->dump(2);
  auto c = *connector("flaky");
  EXPECT_EQ(c["status"]["restartCount"], 1);
  EXPECT_EQ(condition(c, "Ready", "reason"), "TaskFailed");
  EXPECT_NE(c["status"]["tasks"][0].value("trace", "").find("disk full"), std::string::npos);
}

TEST_F(OperatorE2eTest, DeleteRunsTheFinalizerAndCollectsChildren) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(example("file-sink-connector.yaml"));
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("orders-to-file");
    return c && kube::has_finalizer(*c, "kconnect.dev/connector") &&
           connectors_json("main")["connectors"].contains("orders-to-file");
  }));
  auto r = kubectl({"delete", "kctr", "orders-to-file", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(connector("orders-to-file").has_value());
  EXPECT_FALSE(connectors_json("main")["connectors"].contains("orders-to-file"));

  r = kubectl({"delete", "kcc", "main", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (auto [version, plural] :
       std::vector<std::pair<std::string, std::string>>{{"apps/v1", "deployments"},
                                                        {"v1", "configmaps"},
                                                        {"v1", "services"},
                                                        {"rbac.authorization.k8s.io/v1", "roles"},
                                                        {"policy/v1", "poddisruptionbudgets"}}) {
    EXPECT_TRUE(eventually_for([&, v = version, p = plural] {
      return !get(v, p, "main-kconnect").has_value();
    })) << plural;
  }
}

TEST_F(OperatorE2eTest, InvalidSpecsAreReportedWithPathsWithoutHotLoopsAndOthersProceed) {
  size_t op = start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(with_connector_spec("good", ""));
  // Accepted by the CRD schema, refused by the runtime's validator.
  apply(with_connector_spec("bad", "  config:\n    consumer.override.fetch.wait.max.ms: soon\n"));
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("bad");
    return c && condition(*c, "Ready", "reason") == "InvalidSpec";
  }));
  auto bad = *connector("bad");
  EXPECT_NE(condition(bad, "Ready", "message")
                .find("spec.config[\"consumer.override.fetch.wait.max.ms\"]"),
            std::string::npos)
      << condition(bad, "Ready", "message");
  EXPECT_EQ(condition(bad, "Stalled"), "True");
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["connectors"].contains("good"); }));
  EXPECT_FALSE(connectors_json("main")["connectors"].contains("bad"));
  // No retry loop: once both connectors are in their final state (the good one applied and waiting
  // for workers, which needs no requeue), a reconcile of the invalid connector ends without an
  // error and without a requeue. A barrier (a spec change it must reconcile; still invalid) proves
  // the operator reconciled it again; only the success count may grow meanwhile.
  ASSERT_TRUE(eventually_for([&] {
    auto g = connector("good");
    return g && condition(*g, "Ready", "reason") == "NoReadyWorkers" &&
           status_of(*g).value("observedGeneration", 0) == kube::generation_of(*g);
  })) << connector("good")->dump(2);
  auto reconciles = [&](const std::string& result) {
    return metric(op, R"(kconnect_operator_reconcile_total{controller="kafkaconnector",result=")" +
                          result + R"("})");
  };
  double successes = reconciles("success"), errors = reconciles("error"),
         requeues = reconciles("requeue");
  ASSERT_TRUE(connector_barrier("bad", R"({"tasksMax":2})", "InvalidSpec"))
      << connector("bad")->dump(2);
  EXPECT_GT(reconciles("success"), successes);
  EXPECT_EQ(reconciles("error"), errors);
  EXPECT_EQ(reconciles("requeue"), requeues);
  // Fixing it applies it.
  apply(with_connector_spec("bad", "  config:\n    consumer.override.fetch.wait.max.ms: 500\n"));
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["connectors"].contains("bad"); }));

  // An invalid cluster: Stalled with the path, its objects untouched, other clusters fine.
  apply(R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnectCluster
metadata: {name: broken}
spec:
  bootstrapServers: kafka:9092
  config: {ssl.keystore.location: /x}
)");
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("broken");
    return c && condition(*c, "Stalled") == "True";
  }));
  EXPECT_NE(condition(*cluster("broken"), "Ready", "message")
                .find("spec.config[\"ssl.keystore.location\"]"),
            std::string::npos);
  EXPECT_FALSE(get("apps/v1", "deployments", "broken-kconnect").has_value());
  EXPECT_TRUE(eventually_for([&] {
    auto events = kubectl({"get", "events", "-o", "json"});
    return events.out.find("\"reason\": \"InvalidSpec\"") != std::string::npos &&
           events.out.find("ssl.keystore.location") != std::string::npos;
  }));
}

// Issue 16: a cluster's ConfigMap was rendered whatever its size, and the API server refuses
// more than 1 MiB of data (so does the test API server). The connector that would push it over is
// left out, with a ConfigMapTooLarge condition on it and on the cluster and Warning events; the
// others are applied.
TEST_F(OperatorE2eTest, ConnectorThatWouldOverflowTheConfigMapIsLeftOutWithAReason) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(with_connector_spec("small", ""));
  auto big = [](const std::string& name) {
    return with_connector_spec(name, "  config:\n    comment: " + std::string(600'000, 'x') + "\n");
  };
  // kubectl create: apply's last-applied annotation could not hold 600 KB.
  auto created = kubectl({"create", "-f", "-"}, big("big-a"));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["connectors"].contains("big-a"); }));
  created = kubectl({"create", "-f", "-"}, big("big-b"));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("big-b");
    return c && condition(*c, "Ready", "reason") == "ConfigMapTooLarge";
  }));
  EXPECT_EQ(condition(*connector("big-b"), "Stalled"), "True");
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("main");
    return c && condition(*c, "Ready", "reason") == "ConfigMapTooLarge";
  }));
  EXPECT_NE(condition(*cluster("main"), "Ready", "message").find("big-b"), std::string::npos);
  auto doc = connectors_json("main")["connectors"];
  EXPECT_TRUE(doc.contains("small"));
  EXPECT_TRUE(doc.contains("big-a"));
  EXPECT_FALSE(doc.contains("big-b"));
  EXPECT_TRUE(eventually_for([&] {
    auto events = kubectl({"get", "events", "-o", "json"});
    return events.out.find("\"reason\": \"ConfigMapTooLarge\"") != std::string::npos &&
           events.out.find("\"name\": \"big-b\"") != std::string::npos;
  }));
  // Room again: the connector left out is applied and the cluster's condition clears.
  ASSERT_EQ(kubectl({"delete", "kctr", "big-a", "--wait=false"}).exit_code, 0);
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["connectors"].contains("big-b"); }));
  EXPECT_TRUE(eventually_for([&] {
    auto c = connector("big-b");
    return c && condition(*c, "Ready", "reason") != "ConfigMapTooLarge";
  }));
  EXPECT_TRUE(eventually_for(
      [&] { return condition(*cluster("main"), "Ready", "reason") != "ConfigMapTooLarge"; }));
}

TEST_F(OperatorE2eTest, SlowOrFailingConnectorStatusNeverDelaysOthers) {
  start_operator({"--connector-workers", "2"});
  apply(example("kafkaconnectcluster.yaml"));
  std::string many;
  for (int i = 0; i < 6; ++i) many += with_connector_spec("c" + std::to_string(i), "") + "---\n";
  many += with_connector_spec("slow", "") + "---\n" + with_connector_spec("failing", "");
  apply(many);
  ASSERT_TRUE(
      eventually_for([&] { return get("apps/v1", "deployments", "main-kconnect").has_value(); }));
  make_workers_ready("main", 1);
  ConnectStatusServer w0("main-kconnect-0");
  for (int i = 0; i < 6; ++i) w0.set("c" + std::to_string(i), "RUNNING", {{0, "RUNNING", ""}});
  w0.set("slow", "RUNNING", {{0, "RUNNING", ""}});
  w0.set_delay("slow", 10s);  // beyond the operator's 2 s request timeout, every time
  w0.set("failing", "RUNNING", {{0, "RUNNING", ""}});
  w0.set_failure("failing", 500);
  publish_workers("main", {&w0});
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually_for([&] {
    for (int i = 0; i < 6; ++i) {
      if (!connector_ready("c" + std::to_string(i))) return false;
    }
    return true;
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_TRUE(eventually_for([&] {
    auto s = connector("slow");
    auto f = connector("failing");
    return s && f && condition(*s, "Ready", "reason") == "WorkersUnreachable" &&
           condition(*f, "Ready", "reason") == "WorkersUnreachable";
  }));
}

TEST_F(OperatorE2eTest, CertificateExpiryOfReferencedSecretsIsShownAndFollowsRenewal) {
  start_operator();
  auto ca = TestCa::create("kafka-ca", 90);
  auto secret = [&](const std::string& pem) {
    kube::Object s = {{"apiVersion", "v1"},
                      {"kind", "Secret"},
                      {"metadata", {{"name", "kafka-ca"}, {"namespace", "default"}}},
                      {"stringData", {{"ca.crt", pem}}}};
    return s.dump();
  };
  apply(secret(ca.cert_pem()));
  apply(R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnectCluster
metadata: {name: main}
spec:
  bootstrapServers: kafka:9093
  tls:
    trustedCertificates: [{secretName: kafka-ca, pattern: "*.crt"}]
)");
  apply(with_connector_spec("sink", ""));
  std::string first;
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("main");
    if (!c) return false;
    const auto* certs = kube::find_path(*c, "status.certificates");
    if (!certs || !certs->is_array() || certs->empty()) return false;
    first = (*certs)[0].value("notAfter", "");
    return !first.empty();
  }));
  auto cert = (*cluster("main"))["status"]["certificates"][0];
  EXPECT_EQ(cert["secretName"], "kafka-ca");
  EXPECT_EQ(cert["key"], "ca.crt");
  EXPECT_NE(cert.value("subject", "").find("kafka-ca"), std::string::npos);
  auto cm = *get("v1", "configmaps", "main-kconnect");
  EXPECT_NE(cm["data"]["worker.properties"].get<std::string>().find(
                "consumer.ssl.ca.location=/etc/kconnect/secrets/kafka-ca/ca.crt"),
            std::string::npos);
  EXPECT_EQ(cm["data"]["worker.properties"].get<std::string>().find("BEGIN CERTIFICATE"),
            std::string::npos);
  auto role = *get("rbac.authorization.k8s.io/v1", "roles", "main-kconnect");
  EXPECT_EQ(role["rules"][1]["resourceNames"][0], "kafka-ca");
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("sink");
    return c && status_of(*c).value("certificateNotAfter", "") == first;
  }));
  // Renewed (longer) certificate: the Secret watch updates status without a pod roll.
  std::string hash = template_hash();
  auto renewed = TestCa::create("kafka-ca", 400);
  apply(secret(renewed.cert_pem()));
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("main");
    return c && (*c)["status"]["certificates"][0].value("notAfter", "") > first;
  }));
  EXPECT_EQ(template_hash(), hash);
}

TEST_F(OperatorE2eTest, PausedClusterIsLeftAloneUntilResumed) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(with_connector_spec("sink", ""));
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["connectors"].contains("sink"); }));
  ASSERT_EQ(kubectl({"patch", "kcc", "main", "--type=merge", "-p", R"({"spec":{"paused":true}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually_for([&] {
    auto c = cluster("main");
    return c && condition(*c, "Ready", "reason") == "ReconciliationPaused";
  }));
  ASSERT_EQ(kubectl({"patch", "kctr", "sink", "--type=merge", "-p", R"({"spec":{"tasksMax":7}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually_for([&] {
    auto c = connector("sink");
    return c && condition(*c, "Ready", "reason") == "ClusterPaused";
  }));
  EXPECT_EQ(connectors_json("main")["connectors"]["sink"]["config"]["tasks.max"], "1");
  ASSERT_EQ(kubectl({"patch", "kcc", "main", "--type=merge", "-p", R"({"spec":{"paused":false}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually_for(
      [&] { return connectors_json("main")["connectors"]["sink"]["config"]["tasks.max"] == "7"; }));
}

TEST_F(OperatorE2eTest, ConvergesAfterDroppedWatchesAndExpiredVersions) {
  start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  apply(with_connector_spec("sink", ""));
  ASSERT_TRUE(
      eventually_for([&] { return connectors_json("main")["connectors"].contains("sink"); }));
  api_->drop_watches();
  ASSERT_EQ(kubectl({"patch", "kctr", "sink", "--type=merge", "-p", R"({"spec":{"tasksMax":3}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually_for(
      [&] { return connectors_json("main")["connectors"]["sink"]["config"]["tasks.max"] == "3"; }));
  // 410: history compacted and every watch told its version expired; changes made meanwhile
  // are found by the relist.
  api_->compact();
  api_->expire_watches();
  ASSERT_EQ(kubectl({"patch", "kctr", "sink", "--type=merge", "-p", R"({"spec":{"tasksMax":5}})"})
                .exit_code,
            0);
  apply(with_connector_spec("second", ""));
  ASSERT_TRUE(eventually_for([&] {
    auto doc = connectors_json("main")["connectors"];
    return doc["sink"]["config"]["tasks.max"] == "5" && doc.contains("second");
  }));
}

TEST_F(OperatorE2eTest, TwoOperatorProcessesOneLeaderAndHandOver) {
  size_t a = start_operator({"--identity", "op-a"});
  size_t b = start_operator({"--identity", "op-b"});
  ASSERT_TRUE(eventually_for([&] {
    return metric(a, "kconnect_operator_leader") + metric(b, "kconnect_operator_leader") == 1.0;
  }));
  size_t leader = metric(a, "kconnect_operator_leader") == 1.0 ? a : b;
  size_t standby = leader == a ? b : a;
  // Standing by counts as ready once its caches synced.
  EXPECT_TRUE(eventually_for([&] { return probe(standby, "/readyz") == "ok\n"; }));
  auto lease = get("coordination.k8s.io/v1", "leases", "kconnect-operator");
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], leader == a ? "op-a" : "op-b");
  apply(example("kafkaconnectcluster.yaml"));
  ASSERT_TRUE(eventually_for([&] { return get("v1", "configmaps", "main-kconnect").has_value(); }));
  // Only the leader wrote.
  EXPECT_GT(metric(leader, R"(kconnect_operator_api_writes_total{kind="apply"})"), 0);
  EXPECT_LE(metric(standby, R"(kconnect_operator_api_writes_total{kind="apply"})"), 0);

  // SIGTERM: the leader stops its controllers, releases the Lease and exits 0; the other takes
  // over at once and reconciles what comes next.
  processes_[leader]->signal(SIGTERM);
  EXPECT_EQ(processes_[leader]->wait(15s), 0) << processes_[leader]->err();
  ASSERT_TRUE(
      eventually_for([&] { return metric(standby, "kconnect_operator_leader") == 1.0; }, 10s));
  apply(with_connector_spec("after-handover", ""));
  ASSERT_TRUE(eventually_for(
      [&] { return connectors_json("main")["connectors"].contains("after-handover"); }));
}

// Tests that start their own API server.
class OperatorBareTest : public OperatorTest {};

TEST_F(OperatorBareTest, MissingOptionalApisAreLoggedOnceAndTheRestRuns) {
  start_api({.unserved = {"policy/v1/poddisruptionbudgets", "discovery.k8s.io/v1/endpointslices"}});
  install_crds();
  size_t op = start_operator();
  apply(example("kafkaconnectcluster.yaml"));
  EXPECT_TRUE(
      eventually_for([&] { return get("apps/v1", "deployments", "main-kconnect").has_value(); }));
  EXPECT_TRUE(eventually_for([&] { return get("v1", "services", "main-kconnect").has_value(); }));
  std::string log = processes_[op]->err();
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (auto pos = log.find(needle); pos != std::string::npos; pos = log.find(needle, pos + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("policy/v1 PodDisruptionBudget is not served"), 1u) << log;
  EXPECT_EQ(count("EndpointSlice is not served: reading worker addresses from v1 Endpoints"), 1u);
  EXPECT_EQ(probe(op, "/readyz"), "ok\n");
}

TEST_F(OperatorBareTest, RackInitWritesClientRackFromTheNodeLabel) {
  start_api();
  apply(R"(apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels: {topology.kubernetes.io/zone: eu-west-1b}
)");
  std::string out = dir_->file("rack/rack.properties");
  Process p({built_program("kconnect-operator"), "rack-init", "--node", "node-a", "--kubeconfig",
             dir_->file("kubeconfig"), "--output", out},
            dir_->file("rack-init"));
  ASSERT_EQ(p.wait(20s), 0) << p.output();
  EXPECT_NE(read_text(out).find("client.rack=eu-west-1b\n"), std::string::npos) << read_text(out);
  Process missing({built_program("kconnect-operator"), "rack-init", "--node", "nope",
                   "--kubeconfig", dir_->file("kubeconfig"), "--output", out},
                  dir_->file("rack-init-missing"));
  EXPECT_EQ(missing.wait(20s), 1);
  EXPECT_NE(missing.err().find("nope"), std::string::npos) << missing.err();
}

}  // namespace
}  // namespace kc::testing
