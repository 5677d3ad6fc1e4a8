#pragma once

// KafkaEdge: a TLS / SASL front for librdkafka's mock cluster, so tests can run the real
// librdkafka client over SSL, mTLS, SASL_SSL and SASL_PLAINTEXT (the mock speaks plaintext only).
//
//   auto cluster = kafka::EmbeddedCluster::start(3);
//   auto edge = KafkaEdge::start({.upstream = (*cluster)->bootstrap_servers(),
//                                 .tls = TlsMaterial{server.cert_pem, server.key_pem}});
//   // clients use (*edge)->bootstrap_servers() with security.protocol=ssl
//
// One listener per upstream broker on 127.0.0.1 (port 0, real ports reported). Each client
// connection gets its own plaintext connection to the matching broker and Kafka frames (int32
// big-endian size + payload) are relayed both ways. The edge
//   - terminates TLS (OpenSSL through Boost.Asio), optionally requiring and verifying a client
//     certificate against a client CA; swap_tls() installs new material for new connections;
//   - rewrites broker host/port in Metadata (key 3) and FindCoordinator (key 10) responses to its
//     own listeners, so clients keep coming back through it; requests are tracked by correlation
//     id -> (api key, api version) to parse the responses;
//   - records the GroupInstanceId of JoinGroup (key 11) requests and counts LeaveGroup (key 13)
//     requests (Counters), so tests can see a client's static membership (KIP-345);
//   - when SASL is on, answers SaslHandshake (17) and SaslAuthenticate (36) itself (never
//     forwarded), adds both to the ApiVersions (18) response, runs PLAIN and SCRAM-SHA-256/512, and
//     refuses (closes the connection on) any other request before authentication completes.
//
// Protocol documents followed:
//   - Kafka protocol guide, https://kafka.apache.org/protocol (framing, primitive types including
//     unsigned varints and compact strings/arrays, request header v0-v2, response header v0-v1,
//     error codes).
//   - apache/kafka clients/src/main/resources/common/message/: MetadataResponse.json (v0-v12,
//     flexible from v9; the Brokers array follows ThrottleTimeMs in every version),
//     FindCoordinatorResponse.json (v0-v4, flexible from v3, Coordinators array from v4, KIP-699),
//     ApiVersionsResponse.json (v0-v5, flexible from v3, always response header v0),
//     JoinGroupRequest.json (v0-v9, flexible from v6, GroupInstanceId from v5),
//     LeaveGroupRequest.json (v0-v5, flexible from v4), KIP-345 (static membership),
//     SaslHandshakeRequest/Response.json (v0-v1, never flexible),
//     SaslAuthenticateRequest/Response.json (v0-v2, flexible from v2).
//   - KIP-43 (SaslHandshake, raw SASL tokens after a v0 handshake) and KIP-152 (SaslAuthenticate).
//   - RFC 4616 (PLAIN); RFC 5802 (SCRAM), RFC 7677 (SCRAM-SHA-256), KIP-84 (SCRAM in Kafka,
//     SCRAM-SHA-512 alongside SHA-256).
//
// Left out, on purpose (it is a test tool):
//   - SASL GSSAPI and OAUTHBEARER; SCRAM channel binding (-PLUS); SASLprep of passwords; SCRAM
//     extensions (tokenauth / delegation tokens) are ignored; KIP-368 re-authentication
//     (SessionLifetimeMs is 0, a second SaslHandshake closes the connection).
//   - Authorization: an authenticated user may do anything the mock allows.
//   - Address rewriting in any other response (e.g. DescribeCluster, key 60, which newer admin
//     clients use): consumers and producers do not need it.
//   - TLS: only PEM material, no encrypted keys, no CRLs/OCSP, no session resumption.
//   - Listening on anything but one address (127.0.0.1 by default).
//   - Throttling, quotas, idle timeouts: connections live as long as the client keeps them.
//
// Threading: KafkaEdge owns one I/O thread that runs every listener and connection. Its public
// methods may be called from any thread except that I/O thread. Nothing here throws.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "tests/fakes/kafka_edge/sasl_server.h"
#include "tests/fakes/kafka_edge/scram.h"
#include "tests/fakes/kafka_edge/tls_context.h"

namespace kc::fakes::kafka_edge {

struct SaslOptions {
  std::vector<SaslMechanism> mechanisms;     // empty: no SASL, every request passes through
  std::map<std::string, std::string> users;  // name -> password
  int scram_iterations = kScramMinIterations;
};

struct Options {
  // The upstream brokers, as a bootstrap list: "127.0.0.1:41234,127.0.0.1:41235" (what
  // EmbeddedCluster::bootstrap_servers() returns). One listener is opened per entry.
  std::string upstream;
  std::optional<TlsMaterial> tls;  // nullopt: plaintext listeners (PLAINTEXT / SASL_PLAINTEXT)
  SaslOptions sasl;
  std::string host = "127.0.0.1";         // listen address, and the host written into responses
  uint32_t max_frame_bytes = 100u << 20;  // Kafka's socket.request.max.bytes default
};

// What happened so far. Counts only grow, except connections_open.
struct Counters {
  uint64_t connections_accepted = 0;
  uint64_t connections_open = 0;
  uint64_t tls_handshake_failures = 0;  // TLS errors; not clients that closed mid-handshake
  uint64_t upstream_connect_failures = 0;
  uint64_t auth_successes = 0;
  uint64_t auth_failures = 0;
  uint64_t requests_refused = 0;  // non-SASL requests before authentication
  uint64_t metadata_rewrites = 0;
  uint64_t find_coordinator_rewrites = 0;
  uint64_t unmapped_addresses = 0;  // broker addresses in a response that match no upstream
  uint64_t protocol_errors = 0;     // frames the edge could not parse (connection closed)
  std::vector<uint64_t> accepted_per_broker;  // index: position in Options::upstream
  // Group membership requests passing through (static membership, KIP-345): the GroupInstanceId
  // of every JoinGroup in order ("" for a dynamic member), and how many LeaveGroups were sent.
  std::vector<std::string> join_group_instance_ids;
  uint64_t leave_group_requests = 0;
};

enum class DropConnections { kNo, kYes };

class KafkaEdge {
  struct Private {};

 public:
  // Opens the listeners and starts the I/O thread. Errors: bad options (kInvalidArgument /
  // kInvalidConfig), unresolvable upstream, or a port that cannot be bound (kIo).
  static Result<std::unique_ptr<KafkaEdge>> start(Options options);
  // Closes every listener and connection and joins the I/O thread.
  ~KafkaEdge();
  KafkaEdge(const KafkaEdge&) = delete;
  KafkaEdge& operator=(const KafkaEdge&) = delete;

  // "127.0.0.1:p1,127.0.0.1:p2,...", one entry per upstream broker, in the same order.
  const std::string& bootstrap_servers() const;
  const std::vector<uint16_t>& ports() const;

  // Installs new TLS material: connections accepted from now on use it; open ones keep theirs
  // unless `drop` is kYes, in which case they are closed (see drop_connections). Invalid material
  // is refused and the current material stays. Errors with kConflict when started without TLS.
  Status swap_tls(const TlsMaterial& material, DropConnections drop = DropConnections::kNo);
  // Closes every open client connection (and its upstream connection). Returns once they are
  // closed; clients then reconnect and go through TLS and SASL again.
  void drop_connections();

  Counters counters() const;
  // Waits until `predicate` holds for the counters or `timeout` passes; returns the last result.
  bool wait_for(const std::function<bool(const Counters&)>& predicate,
                std::chrono::milliseconds timeout) const;

  class Impl;
  explicit KafkaEdge(Private, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::fakes::kafka_edge
