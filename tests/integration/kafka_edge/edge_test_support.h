#pragma once

// Shared pieces of the Kafka edge integration tests: certificates, client properties for each
// security protocol, a recorder for librdkafka's error callback, and a produce -> group consume
// -> commit round trip through the edge.

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/kafka/client_config.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/handles.h"
#include "tests/fakes/kafka_edge/kafka_edge.h"
#include "tests/support/test_certs.h"

namespace kc::fakes::kafka_edge::testing {

using namespace std::chrono_literals;

// A CA with a server certificate for 127.0.0.1 and a client certificate.
struct Pki {
  kc::testing::TestCa ca;
  kc::testing::CertAndKey server;
  kc::testing::CertAndKey client;
};
Pki make_pki(const std::string& name);

// The edge's TLS material from `pki`; with `client_ca` the edge requires client certificates.
TlsMaterial server_tls(const Pki& pki, bool require_client_cert = false);

// Client properties: fast reconnects (the edge closes connections on purpose in these tests).
kafka::Properties base_properties(const std::string& bootstrap);
// security.protocol=ssl trusting `ca_pem`, with a client certificate when `client` is given.
kafka::Properties ssl_properties(const std::string& bootstrap, const std::string& ca_pem,
                                 const kc::testing::CertAndKey* client = nullptr);
// sasl_ssl (ca_pem given) or sasl_plaintext (ca_pem empty).
kafka::Properties sasl_properties(const std::string& bootstrap, const std::string& ca_pem,
                                  const std::string& mechanism, const std::string& user,
                                  const std::string& password);

// What librdkafka reported through its error callback; thread-safe.
class ClientErrors {
 public:
  struct Entry {
    rd_kafka_resp_err_t code;
    std::string reason;
  };
  static void callback(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  // Serves `client`'s callbacks (librdkafka runs the error callback from rd_kafka_poll) until an
  // error with `code` whose reason contains `text` arrived, or `timeout` passed.
  bool wait_for(rd_kafka_t* client, rd_kafka_resp_err_t code, const std::string& text,
                std::chrono::milliseconds timeout = 20s) const;
  std::vector<Entry> entries() const;
  std::string describe() const;  // every entry, for failure messages

 private:
  bool seen(rd_kafka_resp_err_t code, const std::string& text) const;

  mutable std::mutex mu_;
  std::vector<Entry> entries_;
};

// Creates a client whose errors go to `errors`; on failure returns librdkafka's errstr.
Result<kafka::KafkaPtr> make_client(rd_kafka_type_t type, const kafka::Properties& properties,
                                    ClientErrors& errors);

// Produces `count` records to `topic` through `client_properties`, consumes them with consumer
// group `group` (so FindCoordinator, JoinGroup, OffsetCommit go through the edge), commits
// synchronously and checks the offsets the mock cluster itself holds for the group.
void round_trip(kafka::EmbeddedCluster& cluster, const kafka::Properties& client_properties,
                const std::string& topic, int partitions, const std::string& group, int count = 20);

}  // namespace kc::fakes::kafka_edge::testing
