#pragma once

// KafkaConnectCluster (kconnect.dev/v1alpha1): typed view, defaulting and semantic validation.
// The CRD schema (crds/kafkaconnectclusters.kconnect.dev.yaml) checks shapes, types, enums and
// bounds when the object is written; this adds what a schema cannot say (exactly-one-of, keys
// refused in config, the fields each authentication type needs, name lengths) and is what the
// operator trusts. Defaults here equal the CRD's (a test checks it).
//
//   FieldErrors errors;
//   auto cluster = parse_kafka_connect_cluster(json, errors);  // type errors, unknown fields
//   apply_defaults(cluster.spec);
//   validate(cluster, errors);                                  // every problem, with its path
//
// Pure functions; thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "libs/kube/core/condition.h"
#include "libs/kube/core/resource.h"
#include "operator/api/common.h"

namespace kc::operator_api {

const kube::ResourceType& kafka_connect_clusters();

struct TrustedCertificate {
  std::string secret_name;
  std::optional<std::string> certificate;
  std::optional<std::string> pattern;
};

struct ClusterTls {
  std::vector<TrustedCertificate> trusted_certificates;
};

enum class AuthenticationType { kTls, kScramSha256, kScramSha512, kPlain, kOAuthBearer };

struct CertificateAndKey {
  std::string secret_name;
  std::string certificate;  // default "tls.crt"
  std::string key;          // default "tls.key"
};

struct PasswordSecret {
  std::string secret_name;
  std::string password;
};

struct OAuth {
  std::string token_endpoint_uri;
  std::string client_id;
  std::optional<SecretKeyRef> client_secret;
  std::string scope;
  std::string audience;
};

struct Authentication {
  std::string type;  // as written; see authentication_type() ("oauth" is Strimzi's oauthbearer)
  // Strimzi's shape for type oauth: clientId, clientSecret, tokenEndpointUri, ... directly under
  // authentication (read into `oauth`), rather than under authentication.oauth.
  bool flat_oauth = false;
  std::optional<CertificateAndKey> certificate_and_key;
  std::optional<std::string> username;
  std::optional<PasswordSecret> password_secret;
  std::optional<OAuth> oauth;
};
std::optional<AuthenticationType> authentication_type(const std::string& text);

struct ResourceRequirements {
  std::map<std::string, std::string> requests;  // quantities as strings ("250m", "1")
  std::map<std::string, std::string> limits;
};

struct Logging {
  std::string level;   // default INFO
  std::string format;  // default json
  std::map<std::string, std::string> loggers;
};

struct Metrics {
  std::optional<bool> enabled;  // default true
  std::optional<int64_t> port;  // default 9404
};

struct Rack {
  std::string topology_key;  // default topology.kubernetes.io/zone
};

struct EnvFrom {
  std::string name;
  std::optional<SecretKeyRef> secret_key_ref;
  std::optional<SecretKeyRef> config_map_key_ref;
};

struct ExternalVolume {
  std::string name;
  std::optional<std::string> secret_name;
  std::optional<std::string> config_map_name;
};

struct ExternalConfiguration {
  std::vector<EnvFrom> env;
  std::vector<ExternalVolume> volumes;
};

struct Toleration {
  std::string key;
  std::string op;  // Exists | Equal (default)
  std::string value;
  std::string effect;
  std::optional<int64_t> toleration_seconds;
};

struct MetadataTemplate {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

struct PodTemplate {
  MetadataTemplate metadata;
  Json affinity;  // core/v1 Affinity, passed through (null when absent)
  std::vector<Toleration> tolerations;
  Json topology_spread_constraints;  // list passed through (null when absent)
  std::string priority_class_name;
  Json security_context;  // passed through (null when absent)
  std::vector<std::string> image_pull_secrets;
  std::optional<int64_t> termination_grace_period_seconds;  // default 60
};

struct PdbTemplate {
  std::optional<bool> enabled;             // default true
  std::optional<int64_t> max_unavailable;  // default 1
};

struct Template {
  PodTemplate pod;
  Json container_security_context;  // null when absent
  MetadataTemplate service_account;
  PdbTemplate pod_disruption_budget;
};

struct KafkaConnectClusterSpec {
  std::optional<int64_t> replicas;  // default 1
  std::string image;                // empty: the operator's default image
  std::string bootstrap_servers;
  std::optional<ClusterTls> tls;
  std::optional<Authentication> authentication;
  std::map<std::string, std::string> config;
  std::string connector_client_config_override_policy;  // default All
  ResourceRequirements resources;
  Logging logging;
  Metrics metrics;
  std::optional<Rack> rack;
  ExternalConfiguration external_configuration;
  Template pod_template;
  std::optional<bool> paused;  // default false
  // Strimzi v1's groupId, configStorageTopic, offsetStorageTopic and statusStorageTopic: accepted,
  // without effect (a Warning condition says so). Field name -> value, as written.
  std::map<std::string, std::string> distributed_worker_fields;
};

struct CertificateStatus {
  std::string secret_name;
  std::string key;
  std::string subject;
  std::string not_after;
};

struct KafkaConnectClusterStatus {
  std::vector<kube::Condition> conditions;
  int64_t observed_generation = 0;
  int32_t replicas = 0;
  int32_t ready_replicas = 0;
  std::string label_selector;
  std::vector<CertificateStatus> certificates;

  Json to_json() const;
  static KafkaConnectClusterStatus from_json(const Json& status);
};

struct KafkaConnectCluster {
  ObjectMeta metadata;
  KafkaConnectClusterSpec spec;
  KafkaConnectClusterStatus status;
};

// Reads the object (apiVersion/kind/metadata/spec/status); type errors and unknown spec fields go
// to `errors`.
KafkaConnectCluster parse_kafka_connect_cluster(const Json& object, FieldErrors& errors);
// Fills the CRD's defaults.
void apply_defaults(KafkaConnectClusterSpec& spec);
// Semantic checks; appends every problem.
void validate(const KafkaConnectCluster& cluster, FieldErrors& errors);
// The spec back as JSON (after defaulting: what the operator acted on).
Json to_json(const KafkaConnectClusterSpec& spec);
// A pod toleration as the Kubernetes API writes it (the CR and the worker pod template share it).
Json to_json(const Toleration& toleration);

// Worker config keys refused in spec.config, and the reason.
std::optional<std::string> refused_worker_config_key(const std::string& key);

}  // namespace kc::operator_api
