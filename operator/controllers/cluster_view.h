#pragma once

// A KafkaConnectCluster as both reconcilers judge it: parsed, defaulted, validated (operator/api
// and the runtime's worker parser), its worker.properties rendered against the Secrets in the
// cache. Plus connector validation with a cache keyed by (uid, generation, worker config), so a
// cluster with many connectors validates each one once per change.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "operator/api/kafka_connect_cluster.h"
#include "operator/api/kafka_connector.h"
#include "operator/controllers/context.h"
#include "operator/model/validation.h"
#include "operator/model/worker_config.h"

namespace kc::operator_controllers {

struct ClusterView {
  operator_api::KafkaConnectCluster cluster;
  operator_api::FieldErrors invalid;  // parse + semantic + worker parser errors
  operator_model::WorkerConfig worker;
  operator_model::WorkerValidation worker_validation;
};

ClusterView view_cluster(const Context& context, const kube::Object& object);

// Secrets of `ns` named in `names`, from the cache (summaries).
operator_model::SecretCatalog secret_catalog(const Context& context, const std::string& ns,
                                             const std::vector<std::string>& names);
// Secret names a cluster's spec references for certificates and credentials.
std::vector<std::string> cluster_secret_names(const operator_api::KafkaConnectCluster& cluster);

// The certificates of the cluster's trusted CAs and client certificate, for status.
std::vector<operator_api::CertificateStatus> cluster_certificates(
    const Context& context, const operator_api::KafkaConnectCluster& cluster);

struct ConnectorView {
  operator_api::KafkaConnector connector;
  operator_model::ConnectorValidation validation;  // CR + runtime validator
};

class ValidationCache {
 public:
  // Parses, defaults and validates `object` against `cluster`'s worker configuration.
  ConnectorView view(const kube::Object& object, const ClusterView& cluster);
  void forget(const kube::ObjectKey& key);

 private:
  struct Entry {
    std::string uid;
    int64_t generation = 0;
    std::string worker_hash;
    operator_model::ConnectorValidation validation;
  };
  std::mutex mu_;
  std::map<kube::ObjectKey, Entry> entries_;
};

// A connector object parsed and defaulted (no validation).
operator_api::KafkaConnector parse_connector(const kube::Object& object,
                                             operator_api::FieldErrors& errors);

}  // namespace kc::operator_controllers
