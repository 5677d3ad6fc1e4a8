#include "operator/controllers/operator.h"

#include <set>
#include <thread>

#include "libs/base/log.h"
#include "libs/kube/runtime/owner_mapping.h"
#include "libs/kube/runtime/sleep.h"
#include "operator/api/kafka_connector.h"
#include "operator/controllers/secret_summary.h"
#include "operator/model/connectors_document.h"
#include "operator/model/names.h"

namespace kc::operator_controllers {
namespace {

using kube::ObjectPtr;
namespace model = operator_model;

log::Logger& logger() {
  static auto& l = log::get("kc.operator");
  return l;
}

const kube::Object* path_or_null(const ObjectPtr& o, std::string_view path) {
  return o ? kube::find_path(*o, path) : nullptr;
}

bool same_at(const ObjectPtr& a, const ObjectPtr& b, std::string_view path) {
  const auto* x = path_or_null(a, path);
  const auto* y = path_or_null(b, path);
  if (x == nullptr || y == nullptr) return x == y;
  return *x == *y;
}

// Changes that matter to others than the object's own controller: existence, spec (generation),
// deletion, finalizers.
bool spec_changed(const ObjectPtr& before, const ObjectPtr& after) {
  if (!before || !after) return true;
  return kube::generation_of(*before) != kube::generation_of(*after) ||
         kube::is_being_deleted(*before) != kube::is_being_deleted(*after) ||
         !same_at(before, after, "spec.clusterRef");
}

kube::Object connectors_of(const ObjectPtr& cm) {
  if (!cm) return kube::Object::object();
  const auto* data = kube::find_path(*cm, "data");
  if (data == nullptr || !data->is_object()) return kube::Object::object();
  auto doc = model::parse_connectors_document(data->value(std::string(model::kConnectorsKey), ""));
  return doc.is_object() && doc.contains("connectors") ? doc["connectors"] : kube::Object::object();
}

// What the connector reconciler reads from an EndpointSlice / Endpoints: its ready addresses.
std::vector<std::string> workers_of(const ObjectPtr& o, bool slices) {
  std::vector<std::string> out;
  if (!o) return out;
  if (slices) {
    for (const auto& e : o->value("endpoints", kube::Object::array())) {
      if (e.value("conditions", kube::Object::object()).value("ready", true)) {
        out.push_back(e.value("addresses", kube::Object::array()).dump());
      }
    }
    out.push_back(o->value("ports", kube::Object::array()).dump());
  } else {
    for (const auto& sub : o->value("subsets", kube::Object::array())) {
      out.push_back(sub.value("addresses", kube::Object::array()).dump());
      out.push_back(sub.value("ports", kube::Object::array()).dump());
    }
  }
  return out;
}

}  // namespace

bool api_served(kube::Client& client, const kube::ResourceType& type) {
  auto doc = client.raw(http::Method::kGet, kube::group_version_path(type));
  if (!doc) return false;
  for (const auto& r : doc->value("resources", kube::Object::array())) {
    if (r.value("name", "") == type.plural) return true;
  }
  return false;
}

Result<std::unique_ptr<Operator>> Operator::create(kube::Client& client, OperatorOptions options,
                                                   ElectionOptions election, Probe& probe) {
  std::unique_ptr<Operator> op(new Operator());
  op->election_ = std::move(election);
  ServedApis apis;
  // The custom resources must be there; everything else is optional.
  for (const auto* type :
       {&operator_api::kafka_connect_clusters(), &operator_api::kafka_connectors()}) {
    if (!api_served(client, *type)) {
      return make_error(Errc::kNotFound,
                        fmt::format("{} is not served: install the CRDs (kubectl apply -f crds/)",
                                    type->group_resource()));
    }
  }
  apis.pod_disruption_budgets = api_served(client, kube::resources::pod_disruption_budgets());
  if (!apis.pod_disruption_budgets) {
    logger().error(
        "policy/v1 PodDisruptionBudget is not served by this API server: workers get "
        "no PodDisruptionBudget; everything else is reconciled");
  }
  apis.endpoint_slices = api_served(client, types::endpoint_slices());
  if (!apis.endpoint_slices) {
    apis.endpoints = api_served(client, types::endpoints());
    logger().error(apis.endpoints
                       ? "discovery.k8s.io/v1 EndpointSlice is not served: reading worker "
                         "addresses from v1 Endpoints"
                       : "neither discovery.k8s.io/v1 EndpointSlice nor v1 Endpoints is served: "
                         "connector task status cannot be read from workers; everything else is "
                         "reconciled");
  }
  op->context_ = std::make_unique<Context>(client, std::move(options), apis, probe,
                                           op->election_.lease.identity);
  op->validations_ = std::make_unique<ValidationCache>();
  op->wire();
  return op;
}

Operator::~Operator() {
  if (context_) {
    for (auto* cache : context_->caches.all()) cache->stop();
  }
}

void Operator::wire() {
  auto& ctx = *context_;
  auto& caches = ctx.caches;
  const auto& watched = ctx.options.namespaces;
  kube::runtime::ListWatchOptions managed{.label_selector = model::managed_selector()};
  auto cache = [&](const kube::ResourceType& type, kube::runtime::ListWatchOptions o = {},
                   kube::runtime::Watcher::Options w = {}) {
    return std::make_unique<Cache>(ctx.client, type, watched, o, w);
  };
  caches.clusters = cache(operator_api::kafka_connect_clusters());
  caches.connectors = cache(operator_api::kafka_connectors());
  caches.deployments = cache(kube::resources::deployments(), managed);
  caches.config_maps = cache(kube::resources::config_maps(), managed);
  caches.services = cache(kube::resources::services(), managed);
  caches.service_accounts = cache(kube::resources::service_accounts(), managed);
  caches.roles = cache(types::roles(), managed);
  caches.role_bindings = cache(types::role_bindings(), managed);
  if (ctx.apis.pod_disruption_budgets) {
    caches.pdbs = cache(kube::resources::pod_disruption_budgets(), managed);
  }
  caches.cluster_role_bindings = cache(types::cluster_role_bindings(), managed);
  kube::runtime::Watcher::Options secret_options;
  secret_options.transform = summarize_secret;
  caches.secrets = cache(kube::resources::secrets(), {}, secret_options);
  if (ctx.apis.endpoint_slices) {
    caches.endpoints = cache(types::endpoint_slices(), managed);
  } else if (ctx.apis.endpoints) {
    caches.endpoints = cache(types::endpoints(), managed);
  }

  kube::runtime::ControllerOptions cluster_options{.name = "kafkaconnectcluster",
                                                   .workers = ctx.options.cluster_workers,
                                                   .resync = std::chrono::milliseconds(0)};
  kube::runtime::ControllerOptions connector_options{.name = "kafkaconnector",
                                                     .workers = ctx.options.connector_workers,
                                                     .resync = std::chrono::milliseconds(0)};
  cluster_reconciler_ = std::make_unique<ClusterReconciler>(ctx, *validations_);
  connector_reconciler_ = std::make_unique<ConnectorReconciler>(ctx, *validations_);
  clusters_ = std::make_unique<kube::runtime::Controller>(
      cluster_options,
      ctx.probe.instrument("kafkaconnectcluster",
                           [this](const kube::ObjectKey& k, const std::stop_token& s) {
                             return cluster_reconciler_->reconcile(k, s);
                           }));
  connectors_ = std::make_unique<kube::runtime::Controller>(
      connector_options, ctx.probe.instrument("kafkaconnector", [this](const kube::ObjectKey& k,
                                                                       const std::stop_token& s) {
        return connector_reconciler_->reconcile(k, s);
      }));
  auto* clusters = clusters_.get();
  auto* connectors = connectors_.get();
  ctx.enqueue_cluster = [clusters](const kube::ObjectKey& k) { clusters->enqueue(k); };
  ctx.enqueue_connector = [connectors](const kube::ObjectKey& k) { connectors->enqueue(k); };
  Cache* connector_cache = caches.connectors.get();
  auto connectors_of_cluster = [connector_cache, connectors](const std::string& ns,
                                                             const std::string& cluster) {
    for (const auto& c : connector_cache->list(ns)) {
      if (operator_api::cluster_ref_of(*c) == cluster) connectors->enqueue(kube::key_of(*c));
    }
  };

  // Clusters: their own key; their connectors when spec, deletion or existence changed.
  caches.clusters->subscribe([=](const ObjectPtr& before, const ObjectPtr& after) {
    const auto& o = after ? after : before;
    clusters->enqueue(kube::key_of(*o));
    if (spec_changed(before, after))
      connectors_of_cluster(kube::namespace_of(*o), kube::name_of(*o));
  });
  // Connectors: their own key; their cluster (old and new) when what it renders changed.
  caches.connectors->subscribe([=](const ObjectPtr& before, const ObjectPtr& after) {
    const auto& o = after ? after : before;
    connectors->enqueue(kube::key_of(*o));
    if (spec_changed(before, after) || !same_at(before, after, "status.lastAutoRestartTime")) {
      std::set<std::string> names;
      for (const auto* p : {&before, &after}) {
        if (*p) names.insert(operator_api::cluster_ref_of(**p));
      }
      for (const auto& n : names) clusters->enqueue({kube::namespace_of(*o), n});
    }
  });
  // Owned objects: their owner cluster.
  for (Cache* owned :
       {caches.deployments.get(), caches.services.get(), caches.service_accounts.get(),
        caches.roles.get(), caches.role_bindings.get(), caches.pdbs.get()}) {
    if (owned == nullptr) continue;
    owned->subscribe([clusters](const ObjectPtr& before, const ObjectPtr& after) {
      for (const auto* p : {&before, &after}) {
        if (!*p) continue;
        if (auto key = kube::runtime::controller_key(**p, operator_api::kafka_connect_clusters())) {
          clusters->enqueue(*key);
        }
      }
    });
  }
  // The ConfigMap: its cluster, and the connectors whose entry changed.
  caches.config_maps->subscribe(
      [clusters, connectors](const ObjectPtr& before, const ObjectPtr& after) {
        const auto& o = after ? after : before;
        if (auto key = kube::runtime::controller_key(*o, operator_api::kafka_connect_clusters())) {
          clusters->enqueue(*key);
        }
        auto a = connectors_of(before), b = connectors_of(after);
        std::set<std::string> names;
        for (const auto& [k, v] : a.items()) {
          if (!b.contains(k) || b[k] != v) names.insert(k);
        }
        for (const auto& [k, v] : b.items()) {
          if (!a.contains(k)) names.insert(k);
        }
        for (const auto& n : names) connectors->enqueue({kube::namespace_of(*o), n});
      });
  caches.cluster_role_bindings->subscribe(
      [clusters](const ObjectPtr& before, const ObjectPtr& after) {
        const auto& o = after ? after : before;
        std::string ns = kube::label_of(*o, "kconnect.dev/namespace");
        std::string c = kube::label_of(*o, "kconnect.dev/cluster");
        if (!ns.empty() && !c.empty()) clusters->enqueue({ns, c});
      });
  // Secrets: the clusters and connectors of the namespace that reference them.
  Cache* cluster_cache = caches.clusters.get();
  caches.secrets->subscribe([=](const ObjectPtr& before, const ObjectPtr& after) {
    if (before && after &&
        before->value("kconnect.dev/summary", kube::Object()) ==
            after->value("kconnect.dev/summary", kube::Object())) {
      return;  // only metadata changed
    }
    const auto& o = after ? after : before;
    const std::string ns = kube::namespace_of(*o), name = kube::name_of(*o);
    std::set<std::string> affected;
    for (const auto& c : cluster_cache->list(ns)) {
      operator_api::FieldErrors ignored;
      auto cluster = operator_api::parse_kafka_connect_cluster(*c, ignored);
      auto names = cluster_secret_names(cluster);
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        clusters->enqueue(kube::key_of(*c));
        affected.insert(kube::name_of(*c));
      }
    }
    const std::string needle = "${secret:" + name + ":";
    for (const auto& c : connector_cache->list(ns)) {
      const auto* config = kube::find_path(*c, "spec.config");
      bool refers = affected.count(operator_api::cluster_ref_of(*c)) > 0;
      if (!refers && config != nullptr && config->dump().find(needle) != std::string::npos) {
        refers = true;
        clusters->enqueue(
            {ns, operator_api::cluster_ref_of(*c)});  // the Role lists referenced Secrets
      }
      if (refers) connectors->enqueue(kube::key_of(*c));
    }
  });
  // Worker endpoints: the connectors of that cluster, when the ready set changed.
  if (caches.endpoints) {
    bool slices = ctx.apis.endpoint_slices;
    caches.endpoints->subscribe([=](const ObjectPtr& before, const ObjectPtr& after) {
      if (workers_of(before, slices) == workers_of(after, slices)) return;
      const auto& o = after ? after : before;
      std::string cluster = endpoints_cluster(*o, slices);
      if (!cluster.empty()) connectors_of_cluster(kube::namespace_of(*o), cluster);
    });
  }
}

void Operator::run_controllers(const std::stop_token& stop) {
  auto& ctx = *context_;
  std::jthread cluster_thread([this](const std::stop_token& s) { clusters_->run(s); });
  std::jthread connector_thread([this](const std::stop_token& s) { connectors_->run(s); });
  // Periodic resync (level triggering recovers from anything missed).
  while (kube::runtime::sleep_for(ctx.options.resync, stop)) {
    for (const auto& c : ctx.caches.clusters->list()) clusters_->enqueue(kube::key_of(*c));
    for (const auto& c : ctx.caches.connectors->list()) connectors_->enqueue(kube::key_of(*c));
  }
  cluster_thread.request_stop();
  connector_thread.request_stop();
}

bool Operator::run(const std::stop_token& stop) {
  auto& ctx = *context_;
  for (auto* cache : ctx.caches.all()) cache->start();
  // Wait for every cache's first list (readiness).
  while (!stop.stop_requested()) {
    bool all = true;
    for (auto* cache : ctx.caches.all()) all = all && cache->ready();
    if (all) break;
    kube::runtime::sleep_for(std::chrono::milliseconds(20), stop);
  }
  if (stop.stop_requested()) return true;
  synced_ = true;
  logger().info("caches synced", {{"clusters", ctx.caches.clusters->size()},
                                  {"connectors", ctx.caches.connectors->size()}});
  auto lead = [this](const std::stop_token& s) {
    leading_ = true;
    context_->probe.leader().Set(1);
    logger().info("leading: starting controllers");
    run_controllers(s);
    leading_ = false;
    context_->probe.leader().Set(0);
    logger().info("controllers stopped");
  };
  if (!election_.enabled) {
    lead(stop);
    return true;
  }
  electing_ = true;
  kube::runtime::LeaderElector elector(ctx.client, election_.lease);
  elector.run(stop, lead);
  electing_ = false;
  if (!stop.stop_requested()) {
    logger().error("lost the leader lease; exiting so a new process can campaign",
                   {{"lease", election_.lease.ns + "/" + election_.lease.name}});
    return false;
  }
  return true;
}

bool Operator::ready() const { return synced_.load() && (leading_.load() || electing_.load()); }

void Operator::update_gauges() {
  auto& probe = context_->probe;
  probe.queue_depth("kafkaconnectcluster")
      .Set(static_cast<double>(clusters_->queue().ready_count() +
                               clusters_->queue().delayed_count()));
  probe.queue_depth("kafkaconnector")
      .Set(static_cast<double>(connectors_->queue().ready_count() +
                               connectors_->queue().delayed_count()));
  for (auto* cache : context_->caches.all()) {
    probe.cached_objects(cache->type().group_resource()).Set(static_cast<double>(cache->size()));
  }
}

}  // namespace kc::operator_controllers
