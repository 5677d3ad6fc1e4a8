// Issue 17 item 1: what Strimzi users have is accepted. Each manifest below is in the shape
// Strimzi documents (KafkaConnect / KafkaConnector, kafka.strimzi.io/v1beta2, and v1 where it
// differs); the only edits a user makes are the apiVersion line and KafkaConnect's kind
// (docs/operator.md, "Migrating from Strimzi"). Each is checked against the CRD schema as the API
// server applies it (nothing pruned, nothing refused), then through operator/api, the model and,
// for the Kubernetes config providers, the runtime's lookups against the test API server.

#include <gtest/gtest.h>

#include "libs/base/base64.h"
#include "libs/kube/client/client.h"
#include "libs/yaml/yaml.h"
#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"
#include "operator/model/cluster_objects.h"
#include "operator/model/status.h"
#include "operator/model/validation.h"
#include "operator/model/worker_config.h"
#include "runtime/config/properties.h"
#include "runtime/managed/secret_provider.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/fakes/kube_apiserver/schema.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/unit/operator/api/crd_schema.h"

namespace kc::operator_model {
namespace {

using operator_api::FieldErrors;

// Manifests in Strimzi's documented shape (tests/testdata/strimzi/, shared with the kubectl test).
std::string strimzi(const char* file) {
  return testing::read_text(testing::source_path(std::string("tests/testdata/strimzi/") + file));
}
std::string connect_v1beta2() { return strimzi("kafka-connect-v1beta2.yaml"); }
std::string connect_v1() { return strimzi("kafka-connect-v1.yaml"); }
std::string connector_v1beta2() { return strimzi("kafka-connector-v1beta2.yaml"); }

// The edits a Strimzi user makes: apiVersion, and KafkaConnect -> KafkaConnectCluster.
Json as_kconnect(std::string text) {
  auto at = text.find("apiVersion: kafka.strimzi.io/");
  text.replace(at, text.find('\n', at) - at, "apiVersion: kconnect.dev/v1alpha1");
  if (auto kind = text.find("kind: KafkaConnect\n"); kind != std::string::npos) {
    text.replace(kind, 19, "kind: KafkaConnectCluster\n");
  }
  auto json = yaml::to_json(text);
  EXPECT_TRUE(json) << json.error().to_string();
  return json ? *json : Json();
}

// What the API server does to a create: prune, default, validate.
Json through_crd(Json object, const char* crd) {
  Json schema = testing::crd_schema(crd);
  EXPECT_TRUE(schema.is_object());
  auto pruned = fakes::kube::prune_unknown_fields(object, schema);
  EXPECT_TRUE(pruned.empty()) << "pruned: " << pruned.front();
  fakes::kube::apply_defaults(object, schema);
  auto causes = fakes::kube::validate_against_schema(object, schema);
  EXPECT_TRUE(causes.empty()) << fakes::kube::join_causes(causes);
  return object;
}

operator_api::KafkaConnectCluster cluster_of(const Json& object, FieldErrors& errors) {
  auto c = operator_api::parse_kafka_connect_cluster(
      through_crd(object, "kafkaconnectclusters.kconnect.dev.yaml"), errors);
  operator_api::apply_defaults(c.spec);
  operator_api::validate(c, errors);
  return c;
}

operator_api::KafkaConnector connector_of(const Json& object, FieldErrors& errors) {
  auto c = operator_api::parse_kafka_connector(
      through_crd(object, "kafkaconnectors.kconnect.dev.yaml"), errors);
  operator_api::apply_defaults(c.spec);
  operator_api::validate(c, errors);
  return c;
}

// The Strimzi cluster for connector validation: without its OAuth client, because Debian's
// librdkafka is built without OIDC support and the runtime's validator (rightly) refuses
// sasl.oauthbearer.* there; OAuth itself is checked on worker.properties above.
operator_api::KafkaConnectCluster connector_host(FieldErrors& errors) {
  Json object = as_kconnect(connect_v1beta2());
  object["spec"].erase("authentication");
  return cluster_of(object, errors);
}

SecretCatalog strimzi_secrets() {
  return {{"my-cluster-cluster-ca-cert", {{"ca.crt"}, {}}},
          {"my-connect-oauth", {{"client-secret"}, {}}},
          {"mysql-credentials", {{"connector.properties"}, {}}}};
}

TEST(StrimziCompatTest, KafkaConnectV1beta2AppliesWithWarningsForDistributedWorkerKeys) {
  FieldErrors errors;
  auto c = cluster_of(as_kconnect(connect_v1beta2()), errors);
  ASSERT_TRUE(errors.empty()) << errors.summary();
  auto worker = build_worker_config(c, strimzi_secrets());
  EXPECT_TRUE(worker.missing.empty()) << worker.missing.summary();
  auto validation = validate_worker(c, worker.properties);
  EXPECT_TRUE(validation.errors.empty()) << validation.errors.summary();

  // Every distributed-worker key is accepted and named in a warning saying it has no effect.
  for (const char* key :
       {"group.id", "offset.storage.topic", "config.storage.topic", "status.storage.topic",
        "config.storage.replication.factor", "offset.storage.replication.factor",
        "status.storage.replication.factor"}) {
    std::string expected = std::string("spec.config[\"") + key + "\"]: has no effect";
    bool found = false;
    for (const auto& w : validation.warnings) found = found || w.rfind(expected, 0) == 0;
    EXPECT_TRUE(found) << key;
  }
  ClusterObservation obs;
  obs.warnings = validation.warnings;
  auto status = cluster_status(c, obs, std::chrono::system_clock::now());
  const auto* warning = kube::find_condition(status.conditions, "Warning");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->status, "True");
  EXPECT_EQ(warning->reason, "IgnoredConfiguration");
  EXPECT_NE(warning->message.find("spec.config[\"group.id\"]: has no effect"), std::string::npos);
  // Gone once the keys are.
  obs.warnings.clear();
  status = cluster_status(c, obs, std::chrono::system_clock::now());
  EXPECT_EQ(kube::find_condition(status.conditions, "Warning"), nullptr);

  // type oauth with Strimzi's field names is oauthbearer with client credentials.
  auto props = config::parse_properties(worker.properties);
  ASSERT_TRUE(props);
  EXPECT_EQ(props->at("consumer.sasl.mechanism"), "OAUTHBEARER");
  EXPECT_EQ(props->at("consumer.security.protocol"), "SASL_SSL");
  EXPECT_EQ(props->at("consumer.sasl.oauthbearer.client.id"), "kafka-connect");
  EXPECT_EQ(props->at("consumer.sasl.oauthbearer.token.endpoint.url"),
            "https://sso.example.com/realms/kafka/protocol/openid-connect/token");
  EXPECT_EQ(props->at("consumer.sasl.oauthbearer.scope"), "kafka");
  EXPECT_EQ(props->at("consumer.sasl.oauthbearer.client.secret"),
            "${directory:/etc/kconnect/secrets/my-connect-oauth:client-secret}");
  EXPECT_TRUE(worker.mounted_secrets.count("my-connect-oauth"));
  // The user's Strimzi providers are merged with the operator's.
  EXPECT_EQ(props->at("config.providers"), "directory,env,file,secrets,configmaps");
  EXPECT_EQ(validation.worker.providers.kubernetes_aliases(true),
            std::vector<std::string>{"secrets"});
  EXPECT_EQ(validation.worker.providers.kubernetes_aliases(false),
            std::vector<std::string>{"configmaps"});
}

TEST(StrimziCompatTest, OAuthAliasReportsStrimziFieldPaths) {
  Json object = as_kconnect(connect_v1beta2());
  object["spec"]["authentication"]["tokenEndpointUri"] = "http://sso.example.com/token";
  object["spec"]["authentication"].erase("clientId");
  FieldErrors errors;
  cluster_of(object, errors);
  std::vector<std::string> got;
  for (const auto& e : errors.all()) got.push_back(e.str());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "spec.authentication.tokenEndpointUri: must be an https:// URL",
                     "spec.authentication.clientId: required"}));
}

TEST(StrimziCompatTest, KafkaConnectV1TypedFieldsAreAcceptedWithAWarning) {
  FieldErrors errors;
  auto c = cluster_of(as_kconnect(connect_v1()), errors);
  ASSERT_TRUE(errors.empty()) << errors.summary();
  auto validation = validate_worker(c, build_worker_config(c, {}).properties);
  EXPECT_TRUE(validation.errors.empty()) << validation.errors.summary();
  std::vector<std::string> fields;
  for (const auto& w : validation.warnings) fields.push_back(w.substr(0, w.find(':')));
  EXPECT_EQ(fields,
            (std::vector<std::string>{"spec.configStorageTopic", "spec.groupId",
                                      "spec.offsetStorageTopic", "spec.statusStorageTopic"}));
  EXPECT_NE(validation.warnings[0].find("has no effect"), std::string::npos);
  // They do not reach worker.properties.
  EXPECT_EQ(build_worker_config(c, {}).properties.find("group.id"), std::string::npos);
}

TEST(StrimziCompatTest, KafkaConnectorWithTopicsInConfigAndTheClusterLabel) {
  for (const char* version : {"v1beta2", "v1"}) {
    SCOPED_TRACE(version);
    std::string text = connector_v1beta2();
    text.replace(text.find("strimzi.io/v1beta2") + 11, 7, version);
    FieldErrors errors;
    auto ctr = connector_of(as_kconnect(text), errors);
    ASSERT_TRUE(errors.empty()) << errors.summary();
    EXPECT_EQ(ctr.spec.cluster_ref, "my-connect-cluster");
    EXPECT_EQ(operator_api::cluster_ref_of(as_kconnect(text)), "my-connect-cluster");
    ASSERT_TRUE(ctr.spec.topics);
    EXPECT_EQ(*ctr.spec.topics, (std::vector<std::string>{"my-topic", "other-topic"}));
    EXPECT_FALSE(ctr.spec.config.count("topics"));
    // The connector configuration workers get is the one the typed field gives.
    auto config = connect_config(ctr);
    EXPECT_EQ(config["topics"], "my-topic,other-topic");

    FieldErrors cluster_errors;
    auto c = connector_host(cluster_errors);
    auto worker = validate_worker(c, build_worker_config(c, strimzi_secrets()).properties);
    auto validation = validate_connector(ctr, worker.worker, c.metadata.name);
    EXPECT_TRUE(validation.ok()) << validation.errors.summary();
  }
  // topics.regex in config: same meaning as spec.topicsRegex.
  Json object = as_kconnect(connector_v1beta2());
  object["spec"]["config"].erase("topics");
  object["spec"]["config"]["topics.regex"] = "orders-.*";
  FieldErrors errors;
  auto ctr = connector_of(object, errors);
  ASSERT_TRUE(errors.empty()) << errors.summary();
  EXPECT_EQ(ctr.spec.topics_regex, "orders-.*");
  EXPECT_EQ(connect_config(ctr)["topics.regex"], "orders-.*");
}

TEST(StrimziCompatTest, TopicsAndTopicsRegexTogetherIsAnErrorNamingBoth) {
  auto errors_of = [](const Json& object) {
    FieldErrors errors;
    connector_of(object, errors);
    std::vector<std::string> out;
    for (const auto& e : errors.all()) out.push_back(e.str());
    return out;
  };
  Json both = as_kconnect(connector_v1beta2());
  both["spec"]["config"]["topics.regex"] = "orders-.*";
  EXPECT_EQ(errors_of(both),
            std::vector<std::string>{
                "spec.config[\"topics\"]: spec.config[\"topics\"] and "
                "spec.config[\"topics.regex\"] are both set: set exactly one of them"});
  Json mixed = as_kconnect(connector_v1beta2());
  mixed["spec"]["topicsRegex"] = "orders-.*";
  EXPECT_EQ(errors_of(mixed),
            std::vector<std::string>{"spec.config[\"topics\"]: spec.config[\"topics\"] and "
                                     "spec.topicsRegex are both set: set exactly one of them"});
  Json twice = as_kconnect(connector_v1beta2());
  twice["spec"]["topics"] = Json::array({"my-topic"});
  EXPECT_EQ(errors_of(twice),
            std::vector<std::string>{"spec.config[\"topics\"]: spec.topics and "
                                     "spec.config[\"topics\"] are both set: set one of them"});
  Json none = as_kconnect(connector_v1beta2());
  none["spec"]["config"].erase("topics");
  EXPECT_EQ(errors_of(none), std::vector<std::string>{
                                 "spec: set exactly one of topics and topicsRegex (or Strimzi's "
                                 "spec.config[\"topics\"] or spec.config[\"topics.regex\"])"});
}

TEST(StrimziCompatTest, PauseIsStateAPaused) {
  Json object = as_kconnect(connector_v1beta2());
  object["spec"]["pause"] = true;
  FieldErrors errors;
  auto ctr = connector_of(object, errors);
  ASSERT_TRUE(errors.empty()) << errors.summary();
  EXPECT_EQ(ctr.spec.state, "paused");
}

TEST(StrimziCompatTest, KubernetesProvidersGoIntoTheRoleAndStayInTheNamespace) {
  FieldErrors errors;
  auto c = connector_host(errors);
  ASSERT_TRUE(errors.empty()) << errors.summary();
  auto worker = validate_worker(c, build_worker_config(c, strimzi_secrets()).properties);
  Json object = as_kconnect(connector_v1beta2());
  object["spec"]["config"]["connection.password"] = "${secrets:prod/db-credentials:password}";
  object["spec"]["config"]["connection.url"] = "${configmaps:prod/db-settings:url}";
  auto ctr = connector_of(object, errors);
  ASSERT_TRUE(errors.empty()) << errors.summary();
  auto validation = validate_connector(ctr, worker.worker, c.metadata.name);
  EXPECT_TRUE(validation.ok()) << validation.errors.summary();
  auto refs = api_references(connect_config(ctr), worker.worker.providers, "prod");
  EXPECT_EQ(refs.secrets, std::set<std::string>{"db-credentials"});
  EXPECT_EQ(refs.config_maps, std::set<std::string>{"db-settings"});
  Json role = operator_model::role(c, refs.secrets, refs.config_maps);
  EXPECT_EQ(role["rules"][0]["resourceNames"],
            Json::array({"db-settings", "my-connect-cluster-kconnect"}));
  EXPECT_EQ(role["rules"][1]["resourceNames"], Json::array({"db-credentials"}));

  // Another namespace: refused, naming the key, and kept out of the Role.
  ctr.spec.config["connection.password"] = "${secrets:other/db-credentials:password}";
  auto refused = validate_connector(ctr, worker.worker, c.metadata.name);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.errors.all()[0].path, "spec.config[\"connection.password\"]");
  EXPECT_NE(refused.errors.all()[0].message.find(
                "only Secrets in the connector's namespace prod can be referenced"),
            std::string::npos)
      << refused.errors.summary();
  EXPECT_TRUE(api_references(connect_config(ctr), worker.worker.providers, "prod").secrets.empty());
}

TEST(StrimziCompatTest, ExternalConfigurationIsAlsoMountedAtStrimzisPath) {
  FieldErrors errors;
  auto c = cluster_of(as_kconnect(connect_v1beta2()), errors);
  auto worker = build_worker_config(c, strimzi_secrets());
  Json d = deployment(c, worker, {});
  std::set<std::string> paths;
  for (const auto& m : d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]) {
    if (m["name"] == "ext-connector-config") paths.insert(m["mountPath"].get<std::string>());
  }
  EXPECT_EQ(paths, (std::set<std::string>{"/opt/kafka/external-configuration/connector-config",
                                          "/opt/kconnect/external/connector-config"}));
  // Strimzi's ${directory:...} / ${file:...} references to that path are allowed.
  auto props = config::parse_properties(worker.properties);
  ASSERT_TRUE(props);
  EXPECT_NE(props->at("config.providers.file.param.allowed.paths")
                .find("/opt/kafka/external-configuration"),
            std::string::npos);
  EXPECT_NE(props->at("config.providers.directory.param.allowed.paths")
                .find("/opt/kafka/external-configuration"),
            std::string::npos);
}

// The runtime's side: Strimzi's provider syntax resolved through the API, only in the worker's
// namespace, and an error outside managed mode.
TEST(StrimziCompatTest, RuntimeResolvesStrimziProviderReferencesThroughTheApi) {
  auto api = fakes::kube::FakeApiServer::start();
  ASSERT_TRUE(api);
  kube::Config config;
  config.server = (*api)->url();
  auto created = kube::Client::create(config, {.field_manager = "test"});
  ASSERT_TRUE(created);
  std::shared_ptr<kube::Client> client = std::move(*created);
  ASSERT_TRUE(client->create(kube::resources::secrets(),
                             {{"apiVersion", "v1"},
                              {"kind", "Secret"},
                              {"metadata", {{"name", "db-credentials"}, {"namespace", "default"}}},
                              {"data", {{"password", base64::encode("s3cret")}}}}));
  ASSERT_TRUE(client->create(kube::resources::config_maps(),
                             {{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", {{"name", "db-settings"}, {"namespace", "default"}}},
                              {"data", {{"url", "postgres://db:5432/app"}}}}));
  api::RawConfig worker = {
      {"config.providers", "secrets,configmaps"},
      {"config.providers.secrets.class", "io.strimzi.kafka.KubernetesSecretConfigProvider"},
      {"config.providers.configmaps.class", "io.strimzi.kafka.KubernetesConfigMapConfigProvider"}};
  std::vector<api::ConfigIssue> issues;
  auto providers = config::ConfigProviders::from_worker(worker, issues);
  EXPECT_TRUE(issues.empty());
  api::RawConfig raw = {{"connection.password", "${secrets:default/db-credentials:password}"},
                        {"connection.url", "${configmaps:default/db-settings:url}"}};

  // Not bound (any mode but managed): an error saying why.
  issues.clear();
  providers.resolve(raw, issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_NE(issues[0].message.find("only workers run by kconnect-operator"), std::string::npos)
      << issues[0].message;

  providers.bind_kubernetes(managed::strimzi_secret_lookup(client, "default"),
                            managed::strimzi_config_map_lookup(client, "default"));
  issues.clear();
  auto resolved = providers.resolve(raw, issues);
  EXPECT_TRUE(issues.empty()) << issues[0].message;
  EXPECT_EQ(resolved.values["connection.password"], "s3cret");
  EXPECT_EQ(resolved.values["connection.url"], "postgres://db:5432/app");
  EXPECT_TRUE(resolved.from_provider.count("connection.password"));

  // Another namespace is refused without a request; a missing key is named.
  issues.clear();
  providers.resolve({{"p", "${secrets:kube-system/db-credentials:password}"},
                     {"q", "${configmaps:default/db-settings:nope}"}},
                    issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_NE(issues[0].message.find("only Secrets in the worker's namespace default can be read"),
            std::string::npos)
      << issues[0].message;
  EXPECT_NE(issues[1].message.find("ConfigMap default/db-settings has no key nope"),
            std::string::npos)
      << issues[1].message;
  for (const auto& i : issues) EXPECT_EQ(i.message.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace kc::operator_model
