// The worker Deployment (see cluster_objects.h).

#include <fmt/format.h>

#include "operator/model/cluster_objects.h"
#include "operator/model/names.h"

namespace kc::operator_model {
namespace {

// Ours, then the template's keys on top (a user may relax or tighten any field).
Json merged(Json base, const Json& overrides) {
  if (overrides.is_object()) {
    for (const auto& [k, v] : overrides.items()) base[k] = v;
  }
  return base;
}

Json restricted_container_security_context() {
  return {{"allowPrivilegeEscalation", false},
          {"capabilities", {{"drop", {"ALL"}}}},
          {"readOnlyRootFilesystem", true},
          {"runAsNonRoot", true},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

Json field_env(const char* name, const char* path) {
  return {{"name", name}, {"valueFrom", {{"fieldRef", {{"fieldPath", path}}}}}};
}

Json http_probe(int period, int timeout, int failures) {
  return {{"httpGet", {{"path", "/health"}, {"port", kRestPortName}}},
          {"periodSeconds", period},
          {"timeoutSeconds", timeout},
          {"failureThreshold", failures}};
}

}  // namespace

Json deployment(const operator_api::KafkaConnectCluster& cluster, const WorkerConfig& worker,
                const ModelOptions& options) {
  const auto& spec = cluster.spec;
  const auto& pod = spec.pod_template.pod;
  const std::string& c = cluster.metadata.name;
  const std::string name = resource_name(c);

  Json env = Json::array({field_env("KC_POD_NAME", "metadata.name"),
                          field_env("KC_POD_NAMESPACE", "metadata.namespace"),
                          {{"name", "KC_CONFIGMAP"}, {"value", name}}});
  for (const auto& e : spec.external_configuration.env) {
    Json from;
    if (e.secret_key_ref) {
      from = {{"secretKeyRef", {{"name", e.secret_key_ref->name}, {"key", e.secret_key_ref->key}}}};
    } else if (e.config_map_key_ref) {
      from = {{"configMapKeyRef",
               {{"name", e.config_map_key_ref->name}, {"key", e.config_map_key_ref->key}}}};
    }
    env.push_back({{"name", e.name}, {"valueFrom", from}});
  }

  Json volumes = Json::array({{{"name", "config"}, {"configMap", {{"name", name}}}},
                              {{"name", "tmp"}, {"emptyDir", Json::object()}}});
  Json mounts = Json::array({{{"name", "config"}, {"mountPath", kConfigDir}, {"readOnly", true}},
                             {{"name", "tmp"}, {"mountPath", "/tmp"}}});
  if (spec.rack) {
    volumes.push_back({{"name", "rack"}, {"emptyDir", Json::object()}});
    mounts.push_back({{"name", "rack"}, {"mountPath", kRackDir}, {"readOnly", true}});
  }
  int index = 0;
  for (const auto& secret : worker.mounted_secrets) {  // sorted
    std::string volume = fmt::format("secret-{}", index++);
    volumes.push_back({{"name", volume}, {"secret", {{"secretName", secret}}}});
    mounts.push_back({{"name", volume}, {"mountPath", secret_dir(secret)}, {"readOnly", true}});
  }
  for (const auto& v : spec.external_configuration.volumes) {
    std::string volume = "ext-" + v.name;
    volume = volume.substr(0, 63);
    Json source = v.secret_name ? Json{{"secret", {{"secretName", *v.secret_name}}}}
                                : Json{{"configMap", {{"name", v.config_map_name.value_or("")}}}};
    Json entry = {{"name", volume}};
    entry.update(source);
    volumes.push_back(std::move(entry));
    for (auto dir : {kExternalDir, kStrimziExternalDir}) {
      mounts.push_back(
          {{"name", volume}, {"mountPath", fmt::format("{}/{}", dir, v.name)}, {"readOnly", true}});
    }
  }

  Json container = {
      {"name", kContainerName},
      {"image", spec.image.empty() ? options.runtime_image : spec.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"command", {"kconnect-runtime", "managed", "--config-dir", kConfigDir}},
      {"env", std::move(env)},
      {"ports",
       Json::array({{{"name", kRestPortName}, {"containerPort", kRestPort}, {"protocol", "TCP"}}})},
      {"readinessProbe", http_probe(5, 3, 3)},
      {"livenessProbe", http_probe(10, 5, 6)},
      {"securityContext", merged(restricted_container_security_context(),
                                 spec.pod_template.container_security_context)},
      {"volumeMounts", std::move(mounts)}};
  Json resources = Json::object();
  if (!spec.resources.requests.empty()) resources["requests"] = spec.resources.requests;
  if (!spec.resources.limits.empty()) resources["limits"] = spec.resources.limits;
  if (!resources.empty()) container["resources"] = std::move(resources);

  Json pod_labels = labels(c);
  for (const auto& [k, v] : pod.metadata.labels) pod_labels.emplace(k, v);
  Json annotations = Json(pod.metadata.annotations);
  if (annotations.is_null()) annotations = Json::object();
  if (spec.metrics.enabled.value_or(true)) {
    annotations["prometheus.io/scrape"] = "true";
    annotations["prometheus.io/port"] = std::to_string(kRestPort);
    annotations["prometheus.io/path"] = "/metrics";
  }
  annotations[std::string(kWorkerConfigHashAnnotation)] = worker.hash;

  Json pod_spec = {
      {"serviceAccountName", name},
      {"automountServiceAccountToken", true},
      {"terminationGracePeriodSeconds", pod.termination_grace_period_seconds.value_or(60)},
      {"securityContext",
       merged({{"runAsNonRoot", true}, {"seccompProfile", {{"type", "RuntimeDefault"}}}},
              pod.security_context)},
      {"containers", Json::array({std::move(container)})},
      {"volumes", std::move(volumes)}};
  if (spec.rack) {
    Json init = {
        {"name", "rack"},
        {"image", options.operator_image},
        {"imagePullPolicy", "IfNotPresent"},
        {"command",
         {"kconnect-operator", "rack-init", "--node=$(KC_NODE_NAME)",
          "--topology-key=" + spec.rack->topology_key, fmt::format("--output={}", kRackFile)}},
        {"env", Json::array({field_env("KC_NODE_NAME", "spec.nodeName")})},
        {"securityContext", restricted_container_security_context()},
        {"volumeMounts", Json::array({{{"name", "rack"}, {"mountPath", kRackDir}}})}};
    pod_spec["initContainers"] = Json::array({std::move(init)});
  }
  if (!pod.affinity.is_null()) pod_spec["affinity"] = pod.affinity;
  if (!pod.tolerations.empty()) {
    Json list = Json::array();
    for (const auto& t : pod.tolerations) list.push_back(operator_api::to_json(t));
    pod_spec["tolerations"] = std::move(list);
  }
  if (!pod.topology_spread_constraints.is_null()) {
    pod_spec["topologySpreadConstraints"] = pod.topology_spread_constraints;
  }
  if (!pod.priority_class_name.empty()) pod_spec["priorityClassName"] = pod.priority_class_name;
  if (!pod.image_pull_secrets.empty()) {
    Json list = Json::array();
    for (const auto& s : pod.image_pull_secrets) list.push_back({{"name", s}});
    pod_spec["imagePullSecrets"] = std::move(list);
  }

  Json obj = {
      {"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", object_meta(cluster, name)}};
  obj["spec"] = {
      {"replicas", spec.replicas.value_or(1)},
      {"selector", {{"matchLabels", selector_labels(c)}}},
      // One pod at a time and never more pods than replicas (Strimzi's roller; #3952).
      {"strategy",
       {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 0}, {"maxUnavailable", 1}}}}},
      {"template",
       {{"metadata", {{"labels", std::move(pod_labels)}, {"annotations", std::move(annotations)}}},
        {"spec", std::move(pod_spec)}}}};
  return obj;
}

}  // namespace kc::operator_model
