#include "operator/api/kafka_connect_cluster.h"

#include <gtest/gtest.h>

#include "tests/fakes/kube_apiserver/schema.h"
#include "tests/unit/operator/api/crd_schema.h"

// Expected messages are long and split over adjacent string literals.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)

namespace kc::operator_api {
namespace {

Json cluster(const std::string& spec_json) {
  return {{"apiVersion", "kconnect.dev/v1alpha1"},
          {"kind", "KafkaConnectCluster"},
          {"metadata", {{"name", "main"}, {"namespace", "prod"}, {"generation", 2}}},
          {"spec", Json::parse(spec_json)}};
}

std::vector<std::string> problems(const Json& object) {
  FieldErrors errors;
  auto parsed = parse_kafka_connect_cluster(object, errors);
  apply_defaults(parsed.spec);
  validate(parsed, errors);
  std::vector<std::string> out;
  for (const auto& e : errors.all()) out.push_back(e.str());
  return out;
}

TEST(KafkaConnectClusterTest, AcceptsAFullValidSpec) {
  auto object = cluster(R"({
    "replicas": 3, "image": "ghcr.io/kconnect/runtime:1", "bootstrapServers": "a:9093,b:9093",
    "tls": {"trustedCertificates": [{"secretName": "ca", "certificate": "ca.crt"},
                                    {"secretName": "more-cas", "pattern": "*.crt"}]},
    "authentication": {"type": "tls", "certificateAndKey": {"secretName": "client"}},
    "config": {"consumer.max.poll.records": 500, "errors.tolerance": "all", "x.flag": true,
               "ssl.endpoint.identification.algorithm": ""},
    "connectorClientConfigOverridePolicy": "None",
    "resources": {"requests": {"cpu": "250m", "memory": "128Mi"}, "limits": {"memory": 536870912}},
    "logging": {"level": "DEBUG", "loggers": {"kc.pipeline": "TRACE"}},
    "metrics": {"port": 9500}, "rack": {},
    "externalConfiguration": {
      "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}],
      "volumes": [{"name": "certs", "secret": {"secretName": "certs"}}]},
    "template": {"pod": {"metadata": {"labels": {"team": "data"}},
                         "tolerations": [{"key": "dedicated", "value": "kafka",
                                          "effect": "NoSchedule"}],
                         "affinity": {"nodeAffinity": {}}, "priorityClassName": "high"},
                 "serviceAccount": {"metadata": {"annotations": {
                     "azure.workload.identity/client-id": "0000"}}}},
    "paused": false})");
  EXPECT_EQ(problems(object), std::vector<std::string>{});
  FieldErrors errors;
  auto parsed = parse_kafka_connect_cluster(object, errors);
  apply_defaults(parsed.spec);
  EXPECT_EQ(parsed.metadata.generation, 2);
  EXPECT_EQ(parsed.spec.config.at("consumer.max.poll.records"), "500");
  EXPECT_EQ(parsed.spec.config.at("x.flag"), "true");
  EXPECT_EQ(parsed.spec.authentication->certificate_and_key->certificate, "tls.crt");
  EXPECT_EQ(parsed.spec.resources.limits.at("memory"), "536870912");
  EXPECT_EQ(parsed.spec.rack->topology_key, "topology.kubernetes.io/zone");
}

TEST(KafkaConnectClusterTest, ReportsEveryInvalidFieldWithItsPath) {
  auto object = cluster(R"({
    "replicas": -1, "bootstrapServers": "kafka,other:99999",
    "tls": {"trustedCertificates": [{"secretName": "ca", "certificate": "a", "pattern": "*"},
                                    {"secretName": "Bad_Name"}]},
    "authentication": {"type": "scram-sha-512", "username": "u",
                       "certificateAndKey": {"secretName": "c"}},
    "config": {"ssl.keystore.location": "/x", "sasl.jaas.config": "secret!",
               "bootstrap.servers": "x:1", "nested": {"a": 1}},
    "connectorClientConfigOverridePolicy": "Some",
    "resources": {"requests": {"cpu": "lots"}},
    "logging": {"level": "LOUD", "loggers": {"x": "NOISY"}},
    "metrics": {"port": 70000, "enabled": "yes"},
    "externalConfiguration": {
      "env": [{"name": "1BAD", "valueFrom": {}},
              {"name": "OK", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"},
                                           "configMapKeyRef": {"name": "c", "key": "k"}}}],
      "volumes": [{"name": "Vol"}]},
    "template": {"pod": {"metadata": {"labels": {"app.kubernetes.io/instance": "x"}},
                         "tolerations": [{"operator": "Exists", "value": "v",
                                          "tolerationSeconds": 5}]},
                 "podDisruptionBudget": {"maxUnavailable": -2}},
    "surprise": 1})");
  EXPECT_EQ(
      problems(object),
      (std::vector<std::string>{
          "spec.config[\"nested\"]: must be a string, number or boolean, not object",
          "spec.metrics.enabled: must be true or false",
          "spec.surprise: unknown field",
          "spec.replicas: must be between 0 and 1000",
          "spec.bootstrapServers: \"kafka\" is not host:port with a port 1-65535",
          "spec.bootstrapServers: \"other:99999\" is not host:port with a port 1-65535",
          "spec.tls.trustedCertificates[0]: set exactly one of certificate and pattern",
          "spec.tls.trustedCertificates[1].secretName: must be a valid Secret name (DNS subdomain)",
          "spec.tls.trustedCertificates[1]: set exactly one of certificate and pattern",
          "spec.authentication.certificateAndKey: not used with authentication type scram-sha-512",
          "spec.authentication.passwordSecret: required for authentication type scram-sha-512",
          "spec.config[\"bootstrap.servers\"]: set spec.bootstrapServers instead",
          "spec.config[\"sasl.jaas.config\"]: security settings are set through spec.tls and "
          "spec.authentication, not config",
          "spec.config[\"ssl.keystore.location\"]: security settings are set through spec.tls and "
          "spec.authentication, not config",
          "spec.connectorClientConfigOverridePolicy: unsupported value \"Some\": one of None, "
          "Principal, All",
          "spec.resources.requests[\"cpu\"]: \"lots\" is not a quantity (such as 500m, 1, 256Mi, "
          "1Gi)",
          "spec.logging.level: one of TRACE, DEBUG, INFO, WARN, ERROR",
          "spec.logging.loggers[\"x\"]: one of TRACE, DEBUG, INFO, WARN, ERROR, OFF",
          "spec.metrics.port: must be between 1 and 65535",
          "spec.externalConfiguration.env[0].name: must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)",
          "spec.externalConfiguration.env[0].valueFrom: set exactly one of secretKeyRef and "
          "configMapKeyRef",
          "spec.externalConfiguration.env[1].valueFrom: set exactly one of secretKeyRef and "
          "configMapKeyRef",
          "spec.externalConfiguration.volumes[0].name: must be a DNS label (lower-case letters, "
          "digits, '-')",
          "spec.externalConfiguration.volumes[0]: set exactly one of secret and configMap",
          "spec.template.pod.metadata.labels[\"app.kubernetes.io/instance\"]: reserved: the "
          "operator "
          "selects its pods with this label",
          "spec.template.pod.tolerations[0].value: must be empty when operator is Exists",
          "spec.template.pod.tolerations[0].tolerationSeconds: only with effect NoExecute",
          "spec.template.podDisruptionBudget.maxUnavailable: must not be negative"}));
}

TEST(KafkaConnectClusterTest, SecretValuesNeverAppearInErrors) {
  auto lines = problems(cluster(R"({"bootstrapServers": "a:1",
      "config": {"sasl.jaas.config": "org.apache...password=\"hunter2\";"}})"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("hunter2"), std::string::npos);
}

TEST(KafkaConnectClusterTest, AuthenticationTypesNeedTheirFields) {
  EXPECT_EQ(problems(cluster(R"({"bootstrapServers": "a:1",
      "authentication": {"type": "tls", "certificateAndKey": {"secretName": "c"}}})")),
            std::vector<std::string>{
                "spec.authentication.type: tls (mutual TLS) needs spec.tls to be set"});
  EXPECT_EQ(problems(cluster(R"({"bootstrapServers": "a:1",
      "authentication": {"type": "oauthbearer", "username": "u",
                         "oauth": {"tokenEndpointUri": "http://idp", "clientId": "c"}}})")),
            (std::vector<std::string>{
                "spec.authentication.username: not used with authentication type oauthbearer",
                "spec.authentication.oauth.tokenEndpointUri: must be an https:// URL"}));
  EXPECT_EQ(
      problems(cluster(R"({"bootstrapServers": "a:1", "authentication": {"type": "kerberos"}})")),
      std::vector<std::string>{
          "spec.authentication.type: unsupported value \"kerberos\": one of tls, "
          "scram-sha-256, scram-sha-512, plain, oauthbearer (or Strimzi's oauth)"});
}

TEST(KafkaConnectClusterTest, DefaultsMatchTheCrd) {
  Json schema = testing::crd_schema("kafkaconnectclusters.kconnect.dev.yaml");
  ASSERT_TRUE(schema.is_object());
  // Every defaulted object present, so the schema's nested defaults apply too.
  auto object = cluster(R"({"bootstrapServers": "a:1",
      "authentication": {"type": "tls", "certificateAndKey": {"secretName": "c"}},
      "logging": {}, "metrics": {}, "rack": {},
      "template": {"pod": {"tolerations": [{"key": "k"}]}, "podDisruptionBudget": {}}})");
  Json by_crd = object;
  fakes::kube::apply_defaults(by_crd, schema);
  EXPECT_TRUE(fakes::kube::validate_against_schema(by_crd, schema).empty());

  FieldErrors errors;
  auto from_crd = parse_kafka_connect_cluster(by_crd, errors);
  auto from_cpp = parse_kafka_connect_cluster(object, errors);
  apply_defaults(from_cpp.spec);
  EXPECT_TRUE(errors.empty()) << errors.summary();
  EXPECT_EQ(to_json(from_crd.spec), to_json(from_cpp.spec));
}

TEST(KafkaConnectClusterTest, StatusRoundTrips) {
  KafkaConnectClusterStatus status;
  status.observed_generation = 4;
  status.replicas = 2;
  status.ready_replicas = 1;
  status.label_selector = "app.kubernetes.io/instance=main";
  status.conditions.push_back({.type = "Ready",
                               .status = "False",
                               .reason = "RollingOut",
                               .last_transition_time = "2026-01-01T00:00:00Z"});
  status.certificates.push_back({"client", "tls.crt", "CN=x", "2027-01-01T00:00:00Z"});
  auto json = status.to_json();
  auto back = KafkaConnectClusterStatus::from_json(json);
  EXPECT_EQ(back.to_json(), json);
}

}  // namespace
}  // namespace kc::operator_api

// NOLINTEND(bugprone-suspicious-missing-comma)
