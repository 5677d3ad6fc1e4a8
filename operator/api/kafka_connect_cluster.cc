#include "operator/api/kafka_connect_cluster.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::operator_api {
namespace {

std::optional<SecretKeyRef> read_key_ref(JsonReader& parent, const std::string& name,
                                         const char* name_field, const char* key_field) {
  const Json* node = parent.object(name);
  if (node == nullptr) return std::nullopt;
  JsonReader r(node, parent.path(name), parent.errors());
  SecretKeyRef ref{r.string(name_field).value_or(""), r.string(key_field).value_or("")};
  r.finish();
  return ref;
}

MetadataTemplate read_metadata_template(JsonReader& parent, const std::string& name) {
  MetadataTemplate out;
  const Json* node = parent.object(name);
  if (node == nullptr) return out;
  JsonReader r(node, parent.path(name), parent.errors());
  out.labels = r.string_map("labels").value_or(std::map<std::string, std::string>{});
  out.annotations = r.string_map("annotations").value_or(std::map<std::string, std::string>{});
  r.finish();
  return out;
}

Json pass_through(JsonReader& r, const std::string& name, bool list) {
  const Json* node = list ? r.array(name) : r.object(name);
  return node == nullptr ? Json() : *node;
}

Authentication read_authentication(JsonReader& spec, const Json* node) {
  Authentication auth;
  JsonReader r(node, spec.path("authentication"), spec.errors());
  auth.type = r.string("type").value_or("");
  if (const Json* ck = r.object("certificateAndKey")) {
    JsonReader c(ck, r.path("certificateAndKey"), r.errors());
    auth.certificate_and_key =
        CertificateAndKey{c.string("secretName").value_or(""), c.string("certificate").value_or(""),
                          c.string("key").value_or("")};
    c.finish();
  }
  auth.username = r.string("username");
  if (const Json* ps = r.object("passwordSecret")) {
    JsonReader p(ps, r.path("passwordSecret"), r.errors());
    auth.password_secret =
        PasswordSecret{p.string("secretName").value_or(""), p.string("password").value_or("")};
    p.finish();
  }
  auto read_oauth = [](JsonReader& o) {
    OAuth out;
    out.token_endpoint_uri = o.string("tokenEndpointUri").value_or("");
    out.client_id = o.string("clientId").value_or("");
    out.client_secret = read_key_ref(o, "clientSecret", "secretName", "key");
    out.scope = o.string("scope").value_or("");
    out.audience = o.string("audience").value_or("");
    return out;
  };
  if (auth.type == "oauth") {
    // Strimzi's KafkaClientAuthenticationOAuth: the client-credentials fields sit beside type.
    auth.flat_oauth = true;
    auth.oauth = read_oauth(r);
  }
  if (const Json* oauth = r.object("oauth")) {
    JsonReader o(oauth, r.path("oauth"), r.errors());
    if (auth.flat_oauth) {
      r.errors().add(r.path("oauth"),
                     "not used with authentication type oauth (Strimzi's shape): set clientId, "
                     "clientSecret, tokenEndpointUri, scope and audience beside type");
    } else {
      auth.oauth = read_oauth(o);
    }
    o.finish();
  }
  r.finish();
  return auth;
}

Template read_template(JsonReader& spec, const Json* node) {
  Template t;
  JsonReader r(node, spec.path("template"), spec.errors());
  if (const Json* pod = r.object("pod")) {
    JsonReader p(pod, r.path("pod"), r.errors());
    t.pod.metadata = read_metadata_template(p, "metadata");
    t.pod.affinity = pass_through(p, "affinity", false);
    if (const Json* list = p.array("tolerations")) {
      for (size_t i = 0; i < list->size(); ++i) {
        JsonReader tr(&(*list)[i], item(p.path("tolerations"), i), p.errors());
        t.pod.tolerations.push_back(
            {tr.string("key").value_or(""), tr.string("operator").value_or(""),
             tr.string("value").value_or(""), tr.string("effect").value_or(""),
             tr.integer("tolerationSeconds")});
        tr.finish();
      }
    }
    t.pod.topology_spread_constraints = pass_through(p, "topologySpreadConstraints", true);
    t.pod.priority_class_name = p.string("priorityClassName").value_or("");
    t.pod.security_context = pass_through(p, "securityContext", false);
    if (const Json* list = p.array("imagePullSecrets")) {
      for (size_t i = 0; i < list->size(); ++i) {
        JsonReader sr(&(*list)[i], item(p.path("imagePullSecrets"), i), p.errors());
        t.pod.image_pull_secrets.push_back(sr.string("name").value_or(""));
        sr.finish();
      }
    }
    t.pod.termination_grace_period_seconds = p.integer("terminationGracePeriodSeconds");
    p.finish();
  }
  if (const Json* container = r.object("container")) {
    JsonReader c(container, r.path("container"), r.errors());
    t.container_security_context = pass_through(c, "securityContext", false);
    c.finish();
  }
  if (const Json* sa = r.object("serviceAccount")) {
    JsonReader s(sa, r.path("serviceAccount"), r.errors());
    t.service_account = read_metadata_template(s, "metadata");
    s.finish();
  }
  if (const Json* pdb = r.object("podDisruptionBudget")) {
    JsonReader d(pdb, r.path("podDisruptionBudget"), r.errors());
    t.pod_disruption_budget.enabled = d.boolean("enabled");
    t.pod_disruption_budget.max_unavailable = d.integer("maxUnavailable");
    d.finish();
  }
  r.finish();
  return t;
}

ExternalConfiguration read_external(JsonReader& spec, const Json* node) {
  ExternalConfiguration ext;
  JsonReader r(node, spec.path("externalConfiguration"), spec.errors());
  if (const Json* list = r.array("env")) {
    for (size_t i = 0; i < list->size(); ++i) {
      JsonReader e(&(*list)[i], item(r.path("env"), i), r.errors());
      EnvFrom env;
      env.name = e.string("name").value_or("");
      if (const Json* from = e.object("valueFrom")) {
        JsonReader f(from, e.path("valueFrom"), e.errors());
        env.secret_key_ref = read_key_ref(f, "secretKeyRef", "name", "key");
        env.config_map_key_ref = read_key_ref(f, "configMapKeyRef", "name", "key");
        f.finish();
      }
      e.finish();
      ext.env.push_back(std::move(env));
    }
  }
  if (const Json* list = r.array("volumes")) {
    for (size_t i = 0; i < list->size(); ++i) {
      JsonReader v(&(*list)[i], item(r.path("volumes"), i), r.errors());
      ExternalVolume vol;
      vol.name = v.string("name").value_or("");
      if (const Json* secret = v.object("secret")) {
        JsonReader s(secret, v.path("secret"), v.errors());
        vol.secret_name = s.string("secretName").value_or("");
        s.finish();
      }
      if (const Json* cm = v.object("configMap")) {
        JsonReader c(cm, v.path("configMap"), v.errors());
        vol.config_map_name = c.string("name").value_or("");
        c.finish();
      }
      v.finish();
      ext.volumes.push_back(std::move(vol));
    }
  }
  r.finish();
  return ext;
}

// Kubernetes resource quantity: a decimal number with an optional SI or binary suffix.
bool is_quantity(const std::string& s) {
  static const std::regex kQuantity(
      R"(^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$)");
  return std::regex_match(s, kQuantity);
}

void require(bool present, const std::string& path, const std::string& message,
             FieldErrors& errors) {
  if (!present) errors.add(path, message);
}

void forbid(bool present, const std::string& path, const std::string& type, FieldErrors& errors) {
  if (present) errors.add(path, fmt::format("not used with authentication type {}", type));
}

void check_secret_name(const std::string& name, const std::string& path, FieldErrors& errors) {
  if (name.empty())
    errors.add(path, "required");
  else if (!is_dns_subdomain(name))
    errors.add(path, "must be a valid Secret name (DNS subdomain)");
}

void check_secret_key(const std::string& name, const std::string& path, FieldErrors& errors) {
  static const std::regex kKey(R"(^[-._a-zA-Z0-9]+$)");
  if (name.empty())
    errors.add(path, "required");
  else if (!std::regex_match(name, kKey) || name.size() > 253) {
    errors.add(path, "must be a valid Secret key ([-._a-zA-Z0-9]+)");
  }
}

void validate_authentication(const Authentication& auth, bool has_tls, const std::string& path,
                             FieldErrors& errors) {
  auto type = authentication_type(auth.type);
  if (!type) {
    errors.add(field(path, "type"),
               auth.type.empty() ? "required: one of tls, scram-sha-256, scram-sha-512, plain, "
                                   "oauthbearer (or Strimzi's oauth)"
                                 : fmt::format("unsupported value \"{}\": one of tls, "
                                               "scram-sha-256, scram-sha-512, plain, oauthbearer "
                                               "(or Strimzi's oauth)",
                                               auth.type));
    return;
  }
  bool sasl_password = *type == AuthenticationType::kScramSha256 ||
                       *type == AuthenticationType::kScramSha512 ||
                       *type == AuthenticationType::kPlain;
  if (*type == AuthenticationType::kTls) {
    require(auth.certificate_and_key.has_value(), field(path, "certificateAndKey"),
            "required for authentication type tls", errors);
    if (!has_tls) {
      errors.add(field(path, "type"), "tls (mutual TLS) needs spec.tls to be set");
    }
  } else {
    forbid(auth.certificate_and_key.has_value(), field(path, "certificateAndKey"), auth.type,
           errors);
  }
  if (sasl_password) {
    require(auth.username.has_value() && !auth.username->empty(), field(path, "username"),
            fmt::format("required for authentication type {}", auth.type), errors);
    require(auth.password_secret.has_value(), field(path, "passwordSecret"),
            fmt::format("required for authentication type {}", auth.type), errors);
  } else {
    forbid(auth.username.has_value(), field(path, "username"), auth.type, errors);
    forbid(auth.password_secret.has_value(), field(path, "passwordSecret"), auth.type, errors);
  }
  if (*type == AuthenticationType::kOAuthBearer) {
    require(auth.oauth.has_value(), field(path, "oauth"),
            "required for authentication type oauthbearer (with type oauth, Strimzi's shape, the "
            "fields sit beside type)",
            errors);
  } else {
    forbid(auth.oauth.has_value(), field(path, "oauth"), auth.type, errors);
  }
  if (auth.certificate_and_key) {
    std::string p = field(path, "certificateAndKey");
    check_secret_name(auth.certificate_and_key->secret_name, field(p, "secretName"), errors);
    check_secret_key(auth.certificate_and_key->certificate, field(p, "certificate"), errors);
    check_secret_key(auth.certificate_and_key->key, field(p, "key"), errors);
  }
  if (auth.password_secret) {
    std::string p = field(path, "passwordSecret");
    check_secret_name(auth.password_secret->secret_name, field(p, "secretName"), errors);
    check_secret_key(auth.password_secret->password, field(p, "password"), errors);
  }
  if (auth.oauth) {
    std::string p = auth.flat_oauth ? path : field(path, "oauth");
    if (!strings::starts_with(auth.oauth->token_endpoint_uri, "https://")) {
      errors.add(field(p, "tokenEndpointUri"), "must be an https:// URL");
    }
    if (auth.oauth->client_id.empty()) errors.add(field(p, "clientId"), "required");
    if (auth.oauth->client_secret) {
      check_secret_name(auth.oauth->client_secret->name, field(p, "clientSecret.secretName"),
                        errors);
      check_secret_key(auth.oauth->client_secret->key, field(p, "clientSecret.key"), errors);
    }
  }
}

void validate_bootstrap(const std::string& servers, const std::string& path, FieldErrors& errors) {
  if (strings::trim(servers).empty()) {
    errors.add(path, "required: a comma-separated list of host:port");
    return;
  }
  for (const auto& entry : strings::split_list(servers)) {
    auto colon = entry.rfind(':');
    auto port = colon == std::string::npos ? std::nullopt
                                           : strings::parse_int<int>(entry.substr(colon + 1));
    if (colon == 0 || colon == std::string::npos || !port || *port < 1 || *port > 65535) {
      errors.add(path, fmt::format("\"{}\" is not host:port with a port 1-65535", entry));
    }
  }
}

const std::set<std::string> kLevels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"};

}  // namespace

const kube::ResourceType& kafka_connect_clusters() {
  static const kube::ResourceType type{"kconnect.dev", "v1alpha1", "KafkaConnectCluster",
                                       "kafkaconnectclusters", true};
  return type;
}

std::optional<AuthenticationType> authentication_type(const std::string& text) {
  if (text == "tls") return AuthenticationType::kTls;
  if (text == "scram-sha-256") return AuthenticationType::kScramSha256;
  if (text == "scram-sha-512") return AuthenticationType::kScramSha512;
  if (text == "plain") return AuthenticationType::kPlain;
  if (text == "oauthbearer" || text == "oauth") return AuthenticationType::kOAuthBearer;
  return std::nullopt;
}

std::optional<std::string> refused_worker_config_key(const std::string& k) {
  static const std::set<std::string> kAllowedSsl = {"ssl.endpoint.identification.algorithm",
                                                    "ssl.cipher.suites", "ssl.protocol",
                                                    "ssl.enabled.protocols"};
  if (kAllowedSsl.count(k)) return std::nullopt;
  for (const char* prefix :
       {"ssl.", "sasl.", "security.", "consumer.ssl.", "consumer.sasl.", "consumer.security."}) {
    if (strings::starts_with(k, prefix)) {
      return "security settings are set through spec.tls and spec.authentication, not config";
    }
  }
  if (k == "bootstrap.servers" || k == "consumer.bootstrap.servers") {
    return "set spec.bootstrapServers instead";
  }
  if (k == "consumer.group.id") {
    return "each connector consumes as group connect-<connector name>; it cannot be set here";
  }
  if (k == "connector.client.config.override.policy") {
    return "set spec.connectorClientConfigOverridePolicy instead";
  }
  if (k == "client.rack" || k == "consumer.client.rack") return "set spec.rack instead";
  if (k == "listeners" || strings::starts_with(k, "rest.")) {
    return "the operator sets the REST listener (port 8083, read-only) that probes and status use";
  }
  return std::nullopt;
}

KafkaConnectCluster parse_kafka_connect_cluster(const Json& object, FieldErrors& errors) {
  KafkaConnectCluster out;
  out.metadata = read_meta(object);
  JsonReader r = read_spec(object, errors);
  auto& spec = out.spec;
  spec.replicas = r.integer("replicas");
  spec.image = r.string("image").value_or("");
  spec.bootstrap_servers = r.string("bootstrapServers").value_or("");
  if (const Json* tls = r.object("tls")) {
    JsonReader t(tls, r.path("tls"), errors);
    ClusterTls out_tls;
    if (const Json* list = t.array("trustedCertificates")) {
      for (size_t i = 0; i < list->size(); ++i) {
        JsonReader c(&(*list)[i], item(t.path("trustedCertificates"), i), errors);
        out_tls.trusted_certificates.push_back(
            {c.string("secretName").value_or(""), c.string("certificate"), c.string("pattern")});
        c.finish();
      }
    }
    t.finish();
    spec.tls = std::move(out_tls);
  }
  if (const Json* auth = r.object("authentication")) {
    spec.authentication = read_authentication(r, auth);
  }
  spec.config = read_config(r.object("config"), r.path("config"), errors);
  spec.connector_client_config_override_policy =
      r.string("connectorClientConfigOverridePolicy").value_or("");
  if (const Json* res = r.object("resources")) {
    JsonReader rr(res, r.path("resources"), errors);
    for (auto [name, target] : {std::pair{"requests", &spec.resources.requests},
                                std::pair{"limits", &spec.resources.limits}}) {
      if (const Json* map = rr.object(name)) {
        for (auto it = map->begin(); it != map->end(); ++it) {
          if (it.value().is_string())
            (*target)[it.key()] = it.value().get<std::string>();
          else if (it.value().is_number_integer())
            (*target)[it.key()] = it.value().dump();
          else
            errors.add(key(rr.path(name), it.key()), "must be a quantity such as 500m or 1Gi");
        }
      }
    }
    rr.finish();
  }
  if (const Json* logging = r.object("logging")) {
    JsonReader l(logging, r.path("logging"), errors);
    spec.logging.level = l.string("level").value_or("");
    spec.logging.format = l.string("format").value_or("");
    spec.logging.loggers = l.string_map("loggers").value_or(std::map<std::string, std::string>{});
    l.finish();
  }
  if (const Json* metrics = r.object("metrics")) {
    JsonReader m(metrics, r.path("metrics"), errors);
    spec.metrics.enabled = m.boolean("enabled");
    spec.metrics.port = m.integer("port");
    m.finish();
  }
  if (const Json* rack = r.object("rack")) {
    JsonReader k(rack, r.path("rack"), errors);
    spec.rack = Rack{k.string("topologyKey").value_or("")};
    k.finish();
  }
  if (const Json* ext = r.object("externalConfiguration")) {
    spec.external_configuration = read_external(r, ext);
  }
  if (const Json* t = r.object("template")) spec.pod_template = read_template(r, t);
  spec.paused = r.boolean("paused");
  for (const char* name :
       {"groupId", "configStorageTopic", "offsetStorageTopic", "statusStorageTopic"}) {
    if (auto v = r.string(name)) spec.distributed_worker_fields[name] = *v;
  }
  r.finish();
  if (object.contains("status") && object["status"].is_object()) {
    out.status = KafkaConnectClusterStatus::from_json(object["status"]);
  }
  return out;
}

void apply_defaults(KafkaConnectClusterSpec& spec) {
  if (!spec.replicas) spec.replicas = 1;
  if (spec.connector_client_config_override_policy.empty()) {
    spec.connector_client_config_override_policy = "All";
  }
  if (spec.authentication && spec.authentication->certificate_and_key) {
    auto& ck = *spec.authentication->certificate_and_key;
    if (ck.certificate.empty()) ck.certificate = "tls.crt";
    if (ck.key.empty()) ck.key = "tls.key";
  }
  if (spec.logging.level.empty()) spec.logging.level = "INFO";
  if (spec.logging.format.empty()) spec.logging.format = "json";
  if (!spec.metrics.enabled) spec.metrics.enabled = true;
  if (!spec.metrics.port) spec.metrics.port = 9404;
  if (spec.rack && spec.rack->topology_key.empty()) {
    spec.rack->topology_key = "topology.kubernetes.io/zone";
  }
  for (auto& t : spec.pod_template.pod.tolerations) {
    if (t.op.empty()) t.op = "Equal";
  }
  if (!spec.pod_template.pod.termination_grace_period_seconds) {
    spec.pod_template.pod.termination_grace_period_seconds = 60;
  }
  if (!spec.pod_template.pod_disruption_budget.enabled) {
    spec.pod_template.pod_disruption_budget.enabled = true;
  }
  if (!spec.pod_template.pod_disruption_budget.max_unavailable) {
    spec.pod_template.pod_disruption_budget.max_unavailable = 1;
  }
  if (!spec.paused) spec.paused = false;
}

void validate(const KafkaConnectCluster& cluster, FieldErrors& errors) {
  const auto& spec = cluster.spec;
  // Generated names are "<name>-connect-<suffix>" and must stay valid DNS labels.
  if (cluster.metadata.name.size() > 45) {
    errors.add("metadata.name",
               "must be at most 45 characters (names of the generated "
               "Deployment and pods are derived from it)");
  }
  if (spec.replicas && (*spec.replicas < 0 || *spec.replicas > 1000)) {
    errors.add("spec.replicas", "must be between 0 and 1000");
  }
  validate_bootstrap(spec.bootstrap_servers, "spec.bootstrapServers", errors);
  if (spec.tls) {
    for (size_t i = 0; i < spec.tls->trusted_certificates.size(); ++i) {
      const auto& c = spec.tls->trusted_certificates[i];
      std::string p = item("spec.tls.trustedCertificates", i);
      check_secret_name(c.secret_name, field(p, "secretName"), errors);
      if (c.certificate.has_value() == c.pattern.has_value()) {
        errors.add(p, "set exactly one of certificate and pattern");
      }
      if (c.certificate) check_secret_key(*c.certificate, field(p, "certificate"), errors);
      if (c.pattern && c.pattern->empty()) errors.add(field(p, "pattern"), "must not be empty");
    }
  }
  if (spec.authentication) {
    validate_authentication(*spec.authentication, spec.tls.has_value(), "spec.authentication",
                            errors);
  }
  for (const auto& [k, v] : spec.config) {
    if (auto reason = refused_worker_config_key(k)) errors.add(key("spec.config", k), *reason);
  }
  const auto& policy = spec.connector_client_config_override_policy;
  if (!policy.empty() && policy != "None" && policy != "Principal" && policy != "All") {
    errors.add("spec.connectorClientConfigOverridePolicy",
               fmt::format("unsupported value \"{}\": one of None, Principal, All", policy));
  }
  for (auto [name, map] : {std::pair{"requests", &spec.resources.requests},
                           std::pair{"limits", &spec.resources.limits}}) {
    for (const auto& [k, v] : *map) {
      if (!is_quantity(v)) {
        errors.add(key(fmt::format("spec.resources.{}", name), k),
                   fmt::format("\"{}\" is not a quantity (such as 500m, 1, 256Mi, 1Gi)", v));
      }
    }
  }
  if (!spec.logging.level.empty() &&
      (!kLevels.count(spec.logging.level) || spec.logging.level == "OFF")) {
    errors.add("spec.logging.level", "one of TRACE, DEBUG, INFO, WARN, ERROR");
  }
  if (!spec.logging.format.empty() && spec.logging.format != "text" &&
      spec.logging.format != "json") {
    errors.add("spec.logging.format", "one of text, json");
  }
  for (const auto& [logger, level] : spec.logging.loggers) {
    if (!kLevels.count(level)) {
      errors.add(key("spec.logging.loggers", logger),
                 "one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }
  }
  if (spec.metrics.port && (*spec.metrics.port < 1 || *spec.metrics.port > 65535)) {
    errors.add("spec.metrics.port", "must be between 1 and 65535");
  }
  if (spec.rack && !spec.rack->topology_key.empty() &&
      !is_qualified_name(spec.rack->topology_key)) {
    errors.add("spec.rack.topologyKey", "must be a valid node label key");
  }
  std::set<std::string> env_names, volume_names;
  static const std::regex kEnvName(R"(^[A-Za-z_][A-Za-z0-9_]*$)");
  for (size_t i = 0; i < spec.external_configuration.env.size(); ++i) {
    const auto& e = spec.external_configuration.env[i];
    std::string p = item("spec.externalConfiguration.env", i);
    if (!std::regex_match(e.name, kEnvName)) {
      errors.add(field(p, "name"), "must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)");
    } else if (!env_names.insert(e.name).second) {
      errors.add(field(p, "name"), fmt::format("duplicate variable {}", e.name));
    }
    if (e.secret_key_ref.has_value() == e.config_map_key_ref.has_value()) {
      errors.add(field(p, "valueFrom"), "set exactly one of secretKeyRef and configMapKeyRef");
    }
    for (auto [name, ref] : {std::pair{"secretKeyRef", &e.secret_key_ref},
                             std::pair{"configMapKeyRef", &e.config_map_key_ref}}) {
      if (!*ref) continue;
      std::string rp = field(field(p, "valueFrom"), name);
      check_secret_name((*ref)->name, field(rp, "name"), errors);
      check_secret_key((*ref)->key, field(rp, "key"), errors);
    }
  }
  for (size_t i = 0; i < spec.external_configuration.volumes.size(); ++i) {
    const auto& v = spec.external_configuration.volumes[i];
    std::string p = item("spec.externalConfiguration.volumes", i);
    if (!is_dns_label(v.name)) {
      errors.add(field(p, "name"), "must be a DNS label (lower-case letters, digits, '-')");
    } else if (!volume_names.insert(v.name).second) {
      errors.add(field(p, "name"), fmt::format("duplicate volume {}", v.name));
    }
    if (v.secret_name.has_value() == v.config_map_name.has_value()) {
      errors.add(p, "set exactly one of secret and configMap");
    }
    if (v.secret_name) check_secret_name(*v.secret_name, field(p, "secret.secretName"), errors);
    if (v.config_map_name)
      check_secret_name(*v.config_map_name, field(p, "configMap.name"), errors);
  }
  const auto& pod = spec.pod_template.pod;
  check_labels(pod.metadata.labels, "spec.template.pod.metadata.labels", errors);
  check_annotations(pod.metadata.annotations, "spec.template.pod.metadata.annotations", errors);
  for (const char* reserved :
       {"app.kubernetes.io/instance", "app.kubernetes.io/name", "kconnect.dev/cluster"}) {
    if (pod.metadata.labels.count(reserved)) {
      errors.add(key("spec.template.pod.metadata.labels", reserved),
                 "reserved: the operator selects its pods with this label");
    }
  }
  for (size_t i = 0; i < pod.tolerations.size(); ++i) {
    const auto& t = pod.tolerations[i];
    std::string p = item("spec.template.pod.tolerations", i);
    if (!t.op.empty() && t.op != "Exists" && t.op != "Equal") {
      errors.add(field(p, "operator"), "one of Exists, Equal");
    }
    if (t.op == "Exists" && !t.value.empty()) {
      errors.add(field(p, "value"), "must be empty when operator is Exists");
    }
    if (t.key.empty() && t.op != "Exists") {
      errors.add(field(p, "operator"), "must be Exists when key is empty");
    }
    if (!t.effect.empty() && t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" &&
        t.effect != "NoExecute") {
      errors.add(field(p, "effect"), "one of NoSchedule, PreferNoSchedule, NoExecute");
    }
    if (t.toleration_seconds && t.effect != "NoExecute") {
      errors.add(field(p, "tolerationSeconds"), "only with effect NoExecute");
    }
  }
  if (!pod.priority_class_name.empty() && !is_dns_subdomain(pod.priority_class_name)) {
    errors.add("spec.template.pod.priorityClassName", "must be a valid PriorityClass name");
  }
  if (!pod.topology_spread_constraints.is_null()) {
    for (size_t i = 0; i < pod.topology_spread_constraints.size(); ++i) {
      if (!pod.topology_spread_constraints[i].is_object()) {
        errors.add(item("spec.template.pod.topologySpreadConstraints", i), "must be an object");
      }
    }
  }
  if (pod.termination_grace_period_seconds && *pod.termination_grace_period_seconds < 0) {
    errors.add("spec.template.pod.terminationGracePeriodSeconds", "must not be negative");
  }
  for (size_t i = 0; i < pod.image_pull_secrets.size(); ++i) {
    check_secret_name(pod.image_pull_secrets[i],
                      field(item("spec.template.pod.imagePullSecrets", i), "name"), errors);
  }
  check_labels(spec.pod_template.service_account.labels,
               "spec.template.serviceAccount.metadata.labels", errors);
  check_annotations(spec.pod_template.service_account.annotations,
                    "spec.template.serviceAccount.metadata.annotations", errors);
  const auto& pdb = spec.pod_template.pod_disruption_budget;
  if (pdb.max_unavailable && *pdb.max_unavailable < 0) {
    errors.add("spec.template.podDisruptionBudget.maxUnavailable", "must not be negative");
  }
}

Json to_json(const Toleration& t) {
  Json entry = {{"operator", t.op}};
  if (!t.key.empty()) entry["key"] = t.key;
  if (!t.value.empty()) entry["value"] = t.value;
  if (!t.effect.empty()) entry["effect"] = t.effect;
  if (t.toleration_seconds) entry["tolerationSeconds"] = *t.toleration_seconds;
  return entry;
}

Json to_json(const KafkaConnectClusterSpec& spec) {
  Json out = Json::object();
  if (spec.replicas) out["replicas"] = *spec.replicas;
  if (!spec.image.empty()) out["image"] = spec.image;
  out["bootstrapServers"] = spec.bootstrap_servers;
  if (spec.tls) {
    Json list = Json::array();
    for (const auto& c : spec.tls->trusted_certificates) {
      Json entry = {{"secretName", c.secret_name}};
      if (c.certificate) entry["certificate"] = *c.certificate;
      if (c.pattern) entry["pattern"] = *c.pattern;
      list.push_back(entry);
    }
    out["tls"] = Json::object();
    if (!list.empty()) out["tls"]["trustedCertificates"] = list;
  }
  if (spec.authentication) {
    const auto& a = *spec.authentication;
    Json auth = {{"type", a.type}};
    if (a.certificate_and_key) {
      auth["certificateAndKey"] = {{"secretName", a.certificate_and_key->secret_name},
                                   {"certificate", a.certificate_and_key->certificate},
                                   {"key", a.certificate_and_key->key}};
    }
    if (a.username) auth["username"] = *a.username;
    if (a.password_secret) {
      auth["passwordSecret"] = {{"secretName", a.password_secret->secret_name},
                                {"password", a.password_secret->password}};
    }
    if (a.oauth) {
      Json o = {{"tokenEndpointUri", a.oauth->token_endpoint_uri},
                {"clientId", a.oauth->client_id}};
      if (a.oauth->client_secret) {
        o["clientSecret"] = {{"secretName", a.oauth->client_secret->name},
                             {"key", a.oauth->client_secret->key}};
      }
      if (!a.oauth->scope.empty()) o["scope"] = a.oauth->scope;
      if (!a.oauth->audience.empty()) o["audience"] = a.oauth->audience;
      if (a.flat_oauth) {
        auth.update(o);
      } else {
        auth["oauth"] = o;
      }
    }
    out["authentication"] = auth;
  }
  for (const auto& [name, value] : spec.distributed_worker_fields) out[name] = value;
  if (!spec.config.empty()) out["config"] = spec.config;
  out["connectorClientConfigOverridePolicy"] = spec.connector_client_config_override_policy;
  if (!spec.resources.requests.empty()) out["resources"]["requests"] = spec.resources.requests;
  if (!spec.resources.limits.empty()) out["resources"]["limits"] = spec.resources.limits;
  if (!spec.logging.level.empty()) out["logging"]["level"] = spec.logging.level;
  if (!spec.logging.format.empty()) out["logging"]["format"] = spec.logging.format;
  if (!spec.logging.loggers.empty()) out["logging"]["loggers"] = spec.logging.loggers;
  if (spec.metrics.enabled) out["metrics"]["enabled"] = *spec.metrics.enabled;
  if (spec.metrics.port) out["metrics"]["port"] = *spec.metrics.port;
  if (spec.rack) out["rack"] = {{"topologyKey", spec.rack->topology_key}};
  const auto& pod = spec.pod_template.pod;
  if (pod.termination_grace_period_seconds) {
    out["template"]["pod"]["terminationGracePeriodSeconds"] = *pod.termination_grace_period_seconds;
  }
  if (!pod.tolerations.empty()) {
    Json list = Json::array();
    for (const auto& t : pod.tolerations) list.push_back(to_json(t));
    out["template"]["pod"]["tolerations"] = list;
  }
  const auto& pdb = spec.pod_template.pod_disruption_budget;
  if (pdb.enabled) out["template"]["podDisruptionBudget"]["enabled"] = *pdb.enabled;
  if (pdb.max_unavailable) {
    out["template"]["podDisruptionBudget"]["maxUnavailable"] = *pdb.max_unavailable;
  }
  if (spec.paused) out["paused"] = *spec.paused;
  return out;
}

Json KafkaConnectClusterStatus::to_json() const {
  Json out = {{"conditions", kube::conditions_to_json(conditions)},
              {"observedGeneration", observed_generation},
              {"replicas", replicas},
              {"readyReplicas", ready_replicas}};
  if (!label_selector.empty()) out["labelSelector"] = label_selector;
  if (!certificates.empty()) {
    Json list = Json::array();
    for (const auto& c : certificates) {
      list.push_back({{"secretName", c.secret_name},
                      {"key", c.key},
                      {"subject", c.subject},
                      {"notAfter", c.not_after}});
    }
    out["certificates"] = list;
  }
  return out;
}

KafkaConnectClusterStatus KafkaConnectClusterStatus::from_json(const Json& status) {
  KafkaConnectClusterStatus out;
  out.conditions = kube::conditions_of(Json{{"status", status}});
  out.observed_generation = status.value("observedGeneration", int64_t{0});
  out.replicas = status.value("replicas", 0);
  out.ready_replicas = status.value("readyReplicas", 0);
  out.label_selector = status.value("labelSelector", "");
  for (const auto& c : status.value("certificates", Json::array())) {
    out.certificates.push_back({c.value("secretName", ""), c.value("key", ""),
                                c.value("subject", ""), c.value("notAfter", "")});
  }
  return out;
}

}  // namespace kc::operator_api
