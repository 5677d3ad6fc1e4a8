// operator/model: every object the builders make is compared with a golden file
// (tests/testdata/golden/operator/model/; KC_UPDATE_GOLDEN=1 rewrites them), plus the rules that
// decide pod rolls, validation paths and status.

#include <gtest/gtest.h>

#include "libs/yaml/yaml.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"
#include "operator/model/cluster_objects.h"
#include "operator/model/connectors_document.h"
#include "operator/model/names.h"
#include "operator/model/properties_text.h"
#include "operator/model/status.h"
#include "operator/model/validation.h"
#include "operator/model/worker_config.h"
#include "runtime/config/properties.h"
#include "tests/support/golden.h"

namespace kc::operator_model {
namespace {

using operator_api::FieldErrors;

constexpr const char* kMinimal = R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnectCluster
metadata: {name: main, namespace: prod, uid: 1b4e28ba-2fa1-11d2-883f-0016d3cca427, generation: 1}
spec:
  bootstrapServers: kafka-0.kafka:9092,kafka-1.kafka:9092
)";

constexpr const char* kSecured = R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnectCluster
metadata: {name: secure, namespace: prod, uid: 6fa459ea-ee8a-3ca4-894e-db77e160355e, generation: 3}
spec:
  replicas: 3
  image: registry.example.com/kconnect-runtime:1.2.3
  bootstrapServers: kafka.example.com:9093
  tls:
    trustedCertificates:
      - {secretName: cluster-ca, certificate: ca.crt}
      - {secretName: extra-cas, pattern: "*.crt"}
  authentication:
    type: scram-sha-512
    username: connect
    passwordSecret: {secretName: connect-user, password: password}
  config:
    offset.flush.interval.ms: 10000
    config.providers: vault
    config.providers.vault.class: org.apache.kafka.common.config.provider.FileConfigProvider
  connectorClientConfigOverridePolicy: Principal
  resources:
    requests: {cpu: 250m, memory: 128Mi}
    limits: {memory: 512Mi}
  logging:
    level: DEBUG
    format: text
    loggers: {kc.pipeline: TRACE}
  metrics: {port: 9404}
  rack: {}
  externalConfiguration:
    env:
      - name: DB_PASSWORD
        valueFrom: {secretKeyRef: {name: db, key: password}}
      - name: REGION
        valueFrom: {configMapKeyRef: {name: settings, key: region}}
    volumes:
      - {name: tls-extra, secret: {secretName: extra-tls}}
      - {name: settings, configMap: {name: settings}}
  template:
    pod:
      metadata:
        labels: {team: data}
        annotations: {example.com/owner: data-platform}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector: {matchLabels: {kconnect.dev/cluster: secure}}
      tolerations:
        - {key: dedicated, value: kafka, effect: NoSchedule}
      priorityClassName: high
      securityContext: {runAsUser: 10001, fsGroup: 10001}
      imagePullSecrets: [{name: regcred}]
      terminationGracePeriodSeconds: 120
    container:
      securityContext: {runAsUser: 10001}
    serviceAccount:
      metadata:
        annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/connect"}
    podDisruptionBudget: {maxUnavailable: 2}
)";

constexpr const char* kConnector = R"(apiVersion: kconnect.dev/v1alpha1
kind: KafkaConnector
metadata: {name: orders-sink, namespace: prod, uid: 0b9f6c3e-1111-4aaa-8bbb-123456789abc, generation: 7}
spec:
  clusterRef: {name: main}
  class: file
  tasksMax: 4
  topics: [orders, refunds]
  config:
    file: /data/orders.jsonl
    value.converter: org.apache.kafka.connect.json.JsonConverter
    value.converter.schemas.enable: false
    consumer.override.sasl.password: "${secret:orders-creds:password}"
  restartRequest: "2026-11-21T10:00:00Z"
)";

operator_api::KafkaConnectCluster cluster(const char* text) {
  auto json = yaml::to_json(text);
  EXPECT_TRUE(json) << json.error().to_string();
  FieldErrors errors;
  auto c = operator_api::parse_kafka_connect_cluster(*json, errors);
  operator_api::apply_defaults(c.spec);
  operator_api::validate(c, errors);
  EXPECT_TRUE(errors.empty()) << errors.summary();
  return c;
}

operator_api::KafkaConnector connector(const char* text) {
  auto json = yaml::to_json(text);
  EXPECT_TRUE(json) << json.error().to_string();
  FieldErrors errors;
  auto c = operator_api::parse_kafka_connector(*json, errors);
  operator_api::apply_defaults(c.spec);
  operator_api::validate(c, errors);
  EXPECT_TRUE(errors.empty()) << errors.summary();
  return c;
}

SecretCatalog secured_secrets() {
  SecretCatalog s;
  s["cluster-ca"] = {{"ca.crt", "ca.p12"}, {}};
  s["extra-cas"] = {{"a.crt", "b.crt", "readme.txt"}, {}};
  s["connect-user"] = {{"password"}, {}};
  return s;
}

std::string pretty(const Json& j) { return j.dump(2) + "\n"; }

void expect_all_objects(const std::string& dir, const operator_api::KafkaConnectCluster& c,
                        const SecretCatalog& secrets, const std::string& connectors) {
  ModelOptions options;
  auto worker = build_worker_config(c, secrets);
  EXPECT_GOLDEN(dir + "/worker.properties", worker.properties);
  EXPECT_GOLDEN(dir + "/configmap.json", pretty(config_map(c, worker.properties, connectors)));
  EXPECT_GOLDEN(dir + "/deployment.json", pretty(deployment(c, worker, options)));
  EXPECT_GOLDEN(dir + "/service.json", pretty(service(c)));
  EXPECT_GOLDEN(dir + "/serviceaccount.json", pretty(service_account(c)));
  EXPECT_GOLDEN(dir + "/role.json", pretty(role(c, worker.referenced_secrets, {})));
  EXPECT_GOLDEN(dir + "/rolebinding.json", pretty(role_binding(c)));
  EXPECT_GOLDEN(dir + "/poddisruptionbudget.json", pretty(pod_disruption_budget(c)));
  if (c.spec.rack) {
    EXPECT_GOLDEN(dir + "/clusterrolebinding.json", pretty(rack_cluster_role_binding(c, options)));
  }
}

TEST(ModelGoldenTest, MinimalClusterObjects) {
  auto c = cluster(kMinimal);
  auto ctr = connector(kConnector);
  std::string doc = connectors_document(c, {{"orders-sink", connector_entry(ctr)}}, nullptr);
  EXPECT_GOLDEN("operator/model/minimal/connectors.json", doc);
  expect_all_objects("operator/model/minimal", c, {}, doc);
}

TEST(ModelGoldenTest, SecuredClusterObjects) {
  auto c = cluster(kSecured);
  auto worker = build_worker_config(c, secured_secrets());
  EXPECT_TRUE(worker.missing.empty()) << worker.missing.summary();
  std::string doc = connectors_document(c, {}, nullptr);
  expect_all_objects("operator/model/secured", c, secured_secrets(), doc);
}

TEST(ModelTest, WorkerPropertiesReadBackByTheRuntimeParser) {
  auto c = cluster(kSecured);
  auto worker = build_worker_config(c, secured_secrets());
  auto raw = config::parse_properties(worker.properties);
  ASSERT_TRUE(raw) << raw.error().to_string();
  EXPECT_EQ(raw->at("consumer.security.protocol"), "SASL_SSL");
  EXPECT_EQ(raw->at("consumer.sasl.mechanism"), "SCRAM-SHA-512");
  EXPECT_EQ(raw->at("consumer.sasl.password"),
            "${directory:/etc/kconnect/secrets/connect-user:password}");
  // Three CA files (one by name, two by pattern): one PEM value of three references.
  EXPECT_EQ(raw->at("consumer.ssl.ca.pem"),
            "${directory:/etc/kconnect/secrets/cluster-ca:ca.crt}\n"
            "${directory:/etc/kconnect/secrets/extra-cas:a.crt}\n"
            "${directory:/etc/kconnect/secrets/extra-cas:b.crt}");
  EXPECT_EQ(raw->at("config.providers"), "directory,env,file,vault");
  EXPECT_EQ(raw->at("consumer.client.rack"),
            "${file:/etc/kconnect/rack/rack.properties:client.rack}");
  EXPECT_EQ(raw->at("rest.read.only"), "true");
  auto v = validate_worker(c, worker.properties);
  EXPECT_TRUE(v.errors.empty()) << v.errors.summary();
}

TEST(ModelTest, MissingSecretsAndEmptyPatternsAreReportedWithPaths) {
  auto c = cluster(kSecured);
  auto worker = build_worker_config(c, {});
  EXPECT_EQ(worker.missing.summary(),
            "spec.tls.trustedCertificates[0].secretName: Secret cluster-ca not found; "
            "spec.tls.trustedCertificates[1].secretName: Secret extra-cas not found; "
            "spec.authentication.passwordSecret.secretName: Secret connect-user not found");
  auto secrets = secured_secrets();
  secrets["extra-cas"].keys = {"readme.txt"};
  worker = build_worker_config(c, secrets);
  EXPECT_EQ(
      worker.missing.summary(),
      "spec.tls.trustedCertificates[1].pattern: no key of Secret extra-cas matches \"*.crt\"");
  EXPECT_EQ(worker.properties.find("consumer.ssl.ca.pem"), std::string::npos);
  EXPECT_NE(
      worker.properties.find("consumer.ssl.ca.location=/etc/kconnect/secrets/cluster-ca/ca.crt"),
      std::string::npos);
}

TEST(ModelTest, ConnectorChangesLeaveThePodTemplateAndWorkerChangesRollIt) {
  auto c = cluster(kMinimal);
  auto worker = build_worker_config(c, {});
  auto before = deployment(c, worker, {});
  auto ctr = connector(kConnector);
  auto doc1 = connectors_document(c, {{"orders-sink", connector_entry(ctr)}}, nullptr);
  ctr.spec.tasks_max = 8;
  ctr.spec.state = "paused";
  auto doc2 = connectors_document(c, {{"orders-sink", connector_entry(ctr)}}, nullptr);
  EXPECT_NE(doc1, doc2);
  EXPECT_EQ(deployment(c, build_worker_config(c, {}), {}), before);

  c.spec.config["offset.flush.interval.ms"] = "5000";
  auto changed = deployment(c, build_worker_config(c, {}), {});
  std::string key(kWorkerConfigHashAnnotation);
  EXPECT_NE(changed["spec"]["template"]["metadata"]["annotations"][key],
            before["spec"]["template"]["metadata"]["annotations"][key]);
  // Logging is live (connectors.json), not a roll.
  auto c2 = cluster(kMinimal);
  c2.spec.logging.level = "DEBUG";
  EXPECT_EQ(deployment(c2, build_worker_config(c2, {}), {}), before);
}

TEST(ModelTest, InvalidConnectorKeepsItsPreviousEntry) {
  auto c = cluster(kMinimal);
  auto ctr = connector(kConnector);
  auto previous = parse_connectors_document(connectors_document(
      c, {{"orders-sink", connector_entry(ctr)}, {"gone", Json{{"x", 1}}}}, nullptr));
  auto doc = parse_connectors_document(
      connectors_document(c, {{"orders-sink", std::nullopt}, {"new", std::nullopt}}, previous));
  EXPECT_EQ(doc["connectors"]["orders-sink"], connector_entry(ctr));
  EXPECT_FALSE(doc["connectors"].contains("new"));
  EXPECT_FALSE(doc["connectors"].contains("gone"));
  EXPECT_EQ(doc["workers"], 1);
}

// Issue 16: a cluster's connectors were rendered into one ConfigMap of any size (1.3 MB seen);
// the API server refuses more than 1 MiB of data. Connectors that do not fit are left out, in
// name order, and named; the rest is written.
TEST(ModelTest, ConnectorsThatWouldTakeTheConfigMapPast1MiBAreLeftOut) {
  auto c = cluster(kMinimal);
  auto properties = build_worker_config(c, {}).properties;
  size_t other = config_map_data_bytes(config_map(c, properties, ""));
  EXPECT_EQ(other, std::string(kWorkerPropertiesKey).size() + properties.size() +
                       std::string(kConnectorsKey).size());
  auto big = [&](const std::string& name, size_t bytes) {
    auto ctr = connector(kConnector);
    ctr.metadata.name = name;
    ctr.spec.config["comment"] = std::string(bytes, 'x');
    return ConnectorSlot{name, connector_entry(ctr)};
  };
  // 3 x 300 KB fit; the fourth pushes it over; a small one after it still fits.
  std::vector<ConnectorSlot> slots = {big("a", 300'000), big("d", 300'000), big("b", 300'000),
                                      big("c", 300'000), big("e", 1'000)};
  auto all = connectors_document(c, slots, nullptr);
  ASSERT_GT(other + all.size(), kMaxConfigMapDataBytes);  // what was written before
  auto fitted = fit_connectors_document(c, slots, nullptr, other);
  EXPECT_EQ(fitted.refused, std::vector<std::string>{"d"});
  EXPECT_LE(config_map_data_bytes(config_map(c, properties, fitted.text)), kMaxConfigMapDataBytes);
  auto doc = parse_connectors_document(fitted.text);
  for (const char* name : {"a", "b", "c", "e"}) EXPECT_TRUE(doc["connectors"].contains(name));
  EXPECT_FALSE(doc["connectors"].contains("d"));

  // A connector that grew past the limit keeps its previous (smaller) entry.
  auto previous = parse_connectors_document(
      connectors_document(c, {slots[0], slots[2], slots[3], big("d", 1'000)}, nullptr));
  fitted = fit_connectors_document(c, slots, previous, other);
  EXPECT_EQ(fitted.refused, std::vector<std::string>{"d"});
  doc = parse_connectors_document(fitted.text);
  EXPECT_EQ(doc["connectors"]["d"], *big("d", 1'000).entry);

  // Under the limit: the same document as before, nothing refused.
  slots.resize(2);
  fitted = fit_connectors_document(c, slots, nullptr, other);
  EXPECT_TRUE(fitted.refused.empty());
  EXPECT_EQ(fitted.text, connectors_document(c, slots, nullptr));
}

TEST(StatusTest, ConfigMapTooLargeIsAStalledConditionOnClusterAndConnector) {
  auto c = cluster(kMinimal);
  auto now = std::chrono::system_clock::now();
  ClusterObservation obs;
  obs.too_large = {"d", "f"};
  auto s = cluster_status(c, obs, now);
  const auto* ready = kube::find_condition(s.conditions, "Ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->reason, "ConfigMapTooLarge");
  EXPECT_NE(ready->message.find("left out (their previous configuration, if any, keeps running): "
                                "d, f"),
            std::string::npos)
      << ready->message;
  EXPECT_TRUE(kube::is_condition_true(s.conditions, "Stalled"));
  ConnectorObservation cobs;
  cobs.stage = ConnectorObservation::Stage::kTooLarge;
  cobs.cluster = "minimal";
  auto cs = connector_status(connector(kConnector), cobs, now);
  EXPECT_EQ(kube::find_condition(cs.conditions, "Ready")->reason, "ConfigMapTooLarge");
  EXPECT_TRUE(kube::is_condition_true(cs.conditions, "Stalled"));
}

TEST(ModelTest, RestartTokenCombinesTheRequestAndAutoRestarts) {
  auto ctr = connector(kConnector);
  EXPECT_EQ(restart_token(ctr), "2026-11-21T10:00:00Z");
  ctr.status.last_auto_restart_time = "2026-11-22T08:00:00Z";
  EXPECT_EQ(restart_token(ctr), "2026-11-21T10:00:00Z+auto:2026-11-22T08:00:00Z");
}

TEST(ModelTest, ConnectorValidationUsesTheRuntimeValidatorWithFieldPaths) {
  auto c = cluster(kMinimal);
  auto w = validate_worker(c, build_worker_config(c, {}).properties);
  ASSERT_TRUE(w.errors.empty()) << w.errors.summary();
  auto ctr = connector(kConnector);
  auto ok = validate_connector(ctr, w.worker, "main");
  EXPECT_TRUE(ok.ok()) << ok.errors.summary();

  ctr.spec.connector_class = "com.example.NoSuchSink";
  ctr.spec.config["consumer.override.fetch.wait.max.ms"] = "soon";
  ctr.spec.config["value.converter.schemas.enable"] = "maybe";
  auto bad = validate_connector(ctr, w.worker, "main");
  ASSERT_FALSE(bad.ok());
  std::string summary = bad.errors.summary();
  EXPECT_NE(summary.find("spec.class: Failed to find any class"), std::string::npos) << summary;
  EXPECT_NE(summary.find("spec.config[\"consumer.override.fetch.wait.max.ms\"]"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("spec.config[\"value.converter.schemas.enable\"]"), std::string::npos)
      << summary;
  EXPECT_EQ(api_references(connect_config(ctr), w.worker.providers, "prod").secrets,
            std::set<std::string>{"orders-creds"});
}

TEST(ModelTest, PropertiesTextRoundTrips) {
  std::map<std::string, std::string> in = {
      {"a", "x=y:z"}, {"key with space", " leading"}, {"multi", "l1\nl2"}, {"#c", "!v\\"}};
  auto parsed = config::parse_properties(properties_text(in, "header"));
  ASSERT_TRUE(parsed);
  std::map<std::string, std::string> out(parsed->begin(), parsed->end());
  EXPECT_EQ(out, in);
  EXPECT_TRUE(glob_match("*.crt", "ca.crt"));
  EXPECT_FALSE(glob_match("*.crt", "ca.crt.bak"));
  EXPECT_TRUE(glob_match("ca-?.pem", "ca-1.pem"));
}

// ---- status ----

Json deployment_with(int64_t generation, int64_t observed, int ready, int updated, int replicas) {
  return {{"metadata", {{"generation", generation}}},
          {"status",
           {{"observedGeneration", observed},
            {"replicas", replicas},
            {"readyReplicas", ready},
            {"updatedReplicas", updated},
            {"availableReplicas", ready}}}};
}

TEST(StatusTest, ClusterReadyOnlyWhenEveryWorkerIsUpdatedAndReady) {
  auto c = cluster(kSecured);  // 3 replicas
  auto now = std::chrono::system_clock::now();
  ClusterObservation obs;
  auto d = deployment_with(2, 1, 3, 3, 3);
  obs.deployment = &d;
  auto s = cluster_status(c, obs, now);
  EXPECT_FALSE(kube::is_condition_true(s.conditions, "Ready"));
  EXPECT_TRUE(kube::is_condition_true(s.conditions, "Reconciling"));
  d = deployment_with(2, 2, 2, 3, 3);
  s = cluster_status(c, obs, now);
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->message,
            "3 of 3 workers updated, 2 ready");
  d = deployment_with(2, 2, 3, 3, 3);
  s = cluster_status(c, obs, now);
  EXPECT_TRUE(kube::is_condition_true(s.conditions, "Ready"));
  EXPECT_FALSE(kube::is_condition_true(s.conditions, "Reconciling"));
  EXPECT_EQ(s.ready_replicas, 3);
  EXPECT_EQ(s.observed_generation, 3);
  EXPECT_EQ(s.label_selector, "app.kubernetes.io/name=kconnect,kconnect.dev/cluster=secure");
  obs.invalid.add("spec.config[\"x\"]", "bad");
  s = cluster_status(c, obs, now);
  EXPECT_TRUE(kube::is_condition_true(s.conditions, "Stalled"));
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->reason, "InvalidSpec");
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->message, "spec.config[\"x\"]: bad");
}

WorkerReport report(const std::string& worker, Json body) {
  return {worker, WorkerReport::Result::kOk, std::move(body), ""};
}

TEST(StatusTest, MergesTasksFromEveryWorkerAndIsReadyOnlyWhenAllRun) {
  Json a = {{"name", "orders-sink"},
            {"connector", {{"state", "RUNNING"}, {"worker_id", "w-a"}}},
            {"tasks", {{{"id", 0}, {"state", "RUNNING"}, {"worker_id", "w-a"}}}}};
  Json b = {{"name", "orders-sink"},
            {"connector", {{"state", "RUNNING"}, {"worker_id", "w-b"}}},
            {"tasks", {{{"id", 1}, {"state", "FAILED"}, {"worker_id", "w-b"}, {"trace", "boom"}}}}};
  auto merged = merge_worker_reports({report("w-a", a), report("w-b", b)});
  ASSERT_EQ(merged.tasks.size(), 2u);
  EXPECT_EQ(merged.tasks[1].trace, "boom");
  auto ctr = connector(kConnector);
  ConnectorObservation obs;
  obs.stage = ConnectorObservation::Stage::kApplied;
  obs.cluster = "main";
  obs.workers_ready = true;
  obs.merged = merged;
  auto now = std::chrono::system_clock::now();
  auto s = connector_status(ctr, obs, now);
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->reason, "TaskFailed");
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->message, "task(s) 1 failed");
  b["tasks"][0]["state"] = "RUNNING";
  obs.merged = merge_worker_reports(
      {report("w-a", a), report("w-b", b), {"w-c", WorkerReport::Result::kNotFound, nullptr, ""}});
  s = connector_status(ctr, obs, now);
  // Two of tasks.max=4 reported (a worker not yet known): not Ready.
  EXPECT_FALSE(kube::is_condition_true(s.conditions, "Ready"));
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->reason, "Starting");
  a["tasks"].push_back({{"id", 2}, {"state", "RUNNING"}, {"worker_id", "w-a"}});
  b["tasks"].push_back({{"id", 3}, {"state", "RUNNING"}, {"worker_id", "w-b"}});
  obs.merged = merge_worker_reports(
      {report("w-a", a), report("w-b", b), {"w-c", WorkerReport::Result::kNotFound, nullptr, ""}});
  s = connector_status(ctr, obs, now);
  EXPECT_TRUE(kube::is_condition_true(s.conditions, "Ready"));
  EXPECT_EQ(s.state, "RUNNING");
  EXPECT_EQ(s.tasks_max, 4);
  ctr.spec.state = "paused";
  s = connector_status(ctr, obs, now);
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->reason, "Pausing");
  obs.workers_ready = false;
  s = connector_status(ctr, obs, now);
  EXPECT_EQ(s.state, "UNASSIGNED");
  EXPECT_EQ(kube::find_condition(s.conditions, "Ready")->reason, "NoReadyWorkers");
}

}  // namespace
}  // namespace kc::operator_model
