#include "operator/model/worker_config.h"

#include <map>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "operator/model/names.h"
#include "operator/model/properties_text.h"

namespace kc::operator_model {
namespace {

using operator_api::AuthenticationType;
using operator_api::FieldErrors;

std::string file_path(const std::string& secret, const std::string& key) {
  return fmt::format("{}/{}", secret_dir(secret), key);
}

std::string directory_ref(const std::string& secret, const std::string& key) {
  return fmt::format("${{directory:{}:{}}}", secret_dir(secret), key);
}

void need_secret(const std::string& secret, const std::string& path, const SecretCatalog& secrets,
                 FieldErrors* missing) {
  if (missing != nullptr && !secrets.count(secret)) {
    missing->add(path, fmt::format("Secret {} not found", secret));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> trusted_certificate_files(
    const operator_api::KafkaConnectCluster& cluster, const SecretCatalog& secrets,
    FieldErrors* missing) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!cluster.spec.tls) return files;
  const auto& list = cluster.spec.tls->trusted_certificates;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& c = list[i];
    std::string path = operator_api::item("spec.tls.trustedCertificates", i);
    if (c.certificate) {
      need_secret(c.secret_name, operator_api::field(path, "secretName"), secrets, missing);
      files.emplace_back(c.secret_name, *c.certificate);
      continue;
    }
    auto it = secrets.find(c.secret_name);
    if (it == secrets.end()) {
      need_secret(c.secret_name, operator_api::field(path, "secretName"), secrets, missing);
      continue;
    }
    size_t before = files.size();
    for (const auto& key : it->second.keys) {
      if (glob_match(c.pattern.value_or(""), key)) files.emplace_back(c.secret_name, key);
    }
    if (files.size() == before && missing != nullptr) {
      missing->add(
          operator_api::field(path, "pattern"),
          fmt::format("no key of Secret {} matches \"{}\"", c.secret_name, c.pattern.value_or("")));
    }
  }
  return files;
}

WorkerConfig build_worker_config(const operator_api::KafkaConnectCluster& cluster,
                                 const SecretCatalog& secrets) {
  const auto& spec = cluster.spec;
  WorkerConfig out;
  std::map<std::string, std::string> p;
  p["bootstrap.servers"] = spec.bootstrap_servers;
  p["listeners"] = fmt::format("http://:{}", kRestPort);
  p["rest.read.only"] = "true";
  p["connector.client.config.override.policy"] = spec.connector_client_config_override_policy;
  // Providers: secrets mounted from Secrets, external volumes, the rack file, environment.
  p["config.providers"] = "directory,env,file";
  p["config.providers.directory.class"] =
      "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
  p["config.providers.directory.param.allowed.paths"] =
      fmt::format("{},{},{}", kSecretsDir, kExternalDir, kStrimziExternalDir);
  p["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
  p["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider";
  p["config.providers.file.param.allowed.paths"] =
      fmt::format("{},{},{}", kRackDir, kExternalDir, kStrimziExternalDir);
  if (spec.rack) {
    p["consumer.client.rack"] = fmt::format("${{file:{}:client.rack}}", kRackFile);
  }

  bool tls = spec.tls.has_value();
  std::optional<AuthenticationType> auth;
  if (spec.authentication) auth = operator_api::authentication_type(spec.authentication->type);
  bool sasl = auth && *auth != AuthenticationType::kTls;
  p["consumer.security.protocol"] =
      sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : (tls ? "SSL" : "PLAINTEXT");

  FieldErrors* missing = &out.missing;
  auto files = trusted_certificate_files(cluster, secrets, missing);
  for (const auto& [secret, key] : files) out.mounted_secrets.insert(secret);
  if (files.size() == 1) {
    p["consumer.ssl.ca.location"] = file_path(files[0].first, files[0].second);
  } else if (files.size() > 1) {
    std::vector<std::string> refs;
    refs.reserve(files.size());
    for (const auto& [secret, key] : files) refs.push_back(directory_ref(secret, key));
    p["consumer.ssl.ca.pem"] = strings::join(refs, "\n");
  }

  if (spec.authentication && auth) {
    const auto& a = *spec.authentication;
    const std::string path = "spec.authentication";
    switch (*auth) {
      case AuthenticationType::kTls:
        if (a.certificate_and_key) {
          const auto& ck = *a.certificate_and_key;
          need_secret(ck.secret_name, path + ".certificateAndKey.secretName", secrets, missing);
          out.mounted_secrets.insert(ck.secret_name);
          p["consumer.ssl.certificate.location"] = file_path(ck.secret_name, ck.certificate);
          p["consumer.ssl.key.location"] = file_path(ck.secret_name, ck.key);
        }
        break;
      case AuthenticationType::kScramSha256:
      case AuthenticationType::kScramSha512:
      case AuthenticationType::kPlain:
        p["consumer.sasl.mechanism"] = *auth == AuthenticationType::kPlain ? "PLAIN"
                                       : *auth == AuthenticationType::kScramSha256
                                           ? "SCRAM-SHA-256"
                                           : "SCRAM-SHA-512";
        p["consumer.sasl.username"] = a.username.value_or("");
        if (a.password_secret) {
          const auto& ps = *a.password_secret;
          need_secret(ps.secret_name, path + ".passwordSecret.secretName", secrets, missing);
          out.mounted_secrets.insert(ps.secret_name);
          p["consumer.sasl.password"] = directory_ref(ps.secret_name, ps.password);
        }
        break;
      case AuthenticationType::kOAuthBearer:
        p["consumer.sasl.mechanism"] = "OAUTHBEARER";
        if (a.oauth) {
          const auto& o = *a.oauth;
          p["consumer.sasl.oauthbearer.method"] = "oidc";
          p["consumer.sasl.oauthbearer.client.id"] = o.client_id;
          p["consumer.sasl.oauthbearer.token.endpoint.url"] = o.token_endpoint_uri;
          if (!o.scope.empty()) p["consumer.sasl.oauthbearer.scope"] = o.scope;
          if (o.client_secret) {
            need_secret(o.client_secret->name,
                        path + (a.flat_oauth ? "" : ".oauth") + ".clientSecret.secretName", secrets,
                        missing);
            out.mounted_secrets.insert(o.client_secret->name);
            p["consumer.sasl.oauthbearer.client.secret"] =
                directory_ref(o.client_secret->name, o.client_secret->key);
          }
        }
        break;
    }
  }

  // The user's worker defaults win over ours, except that config.providers is merged.
  for (const auto& [k, v] : spec.config) {
    if (k == "config.providers") {
      std::vector<std::string> aliases = strings::split_list(p[k]);
      for (const auto& alias : strings::split_list(v)) {
        if (std::find(aliases.begin(), aliases.end(), alias) == aliases.end()) {
          aliases.push_back(alias);
        }
      }
      p[k] = strings::join(aliases, ",");
    } else {
      p[k] = v;
    }
  }

  out.referenced_secrets = out.mounted_secrets;
  for (const auto& e : spec.external_configuration.env) {
    if (e.secret_key_ref) out.referenced_secrets.insert(e.secret_key_ref->name);
  }
  for (const auto& v : spec.external_configuration.volumes) {
    if (v.secret_name) out.referenced_secrets.insert(*v.secret_name);
  }
  out.properties = properties_text(
      p, fmt::format("kconnect worker configuration of KafkaConnectCluster {}/{}, written by "
                     "kconnect-operator: edit the KafkaConnectCluster, not this file",
                     cluster.metadata.ns, cluster.metadata.name));
  out.hash = content_hash(out.properties);
  return out;
}

}  // namespace kc::operator_model
