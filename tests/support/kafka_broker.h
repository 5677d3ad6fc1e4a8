#pragma once

// A real Apache Kafka 4.x broker for tests (KRaft, one combined broker + controller node), started
// by tests/support/kafka-broker.sh in a temporary directory and killed (by PID) on destruction.
// Listeners on free loopback ports: PLAINTEXT; SSL with client authentication required; SASL_SSL
// and SASL_PLAINTEXT with SCRAM-SHA-512 and PLAIN users. Certificates are made at start with
// OpenSSL (a test CA signing the broker's and a client's). Start-up takes about 6 s here; share
// one broker per test suite (SetUpTestSuite) where the tests allow it. See docs/testing.md.

#include <map>
#include <memory>
#include <string>

#include "runtime/kafka/client_config.h"
#include "tests/support/files.h"

namespace kc::testing {

class KafkaBroker {
 public:
  // Starts a broker; throws std::runtime_error with the script's output when it cannot.
  KafkaBroker();
  ~KafkaBroker();
  KafkaBroker(const KafkaBroker&) = delete;
  KafkaBroker& operator=(const KafkaBroker&) = delete;

  // host:port of each listener.
  std::string plaintext() const { return env("PLAINTEXT"); }
  std::string ssl() const { return env("SSL"); }
  std::string sasl_ssl() const { return env("SASL_SSL"); }
  std::string sasl_plaintext() const { return env("SASL_PLAINTEXT"); }

  // The test CA (PEM) that signed the broker's and the client's certificates.
  std::string ca_file() const { return env("CA"); }
  std::string client_certificate_file() const { return env("CLIENT_CERT"); }
  std::string client_key_file() const { return env("CLIENT_KEY"); }
  // A SCRAM-SHA-512 and PLAIN user; the admin user is a super user (ACLs do not apply to it).
  std::string user() const { return env("USER"); }
  std::string password() const { return env("PASSWORD"); }
  std::string admin_user() const { return env("ADMIN_USER"); }
  std::string admin_password() const { return env("ADMIN_PASSWORD"); }
  // The broker's log (WARN and above, plus start-up and authentication lines).
  std::string log_file() const { return env("LOG"); }
  // Seconds from running the script to a broker serving clients (certificates, format, start).
  double start_seconds() const { return start_seconds_; }

  // librdkafka properties for each listener: bootstrap.servers and the security settings.
  kafka::Properties plaintext_properties() const;
  kafka::Properties ssl_properties() const;  // the client certificate (mutual TLS)
  kafka::Properties sasl_ssl_properties(const std::string& mechanism = "SCRAM-SHA-512") const;

  // Adds an ACL denying `principal` (e.g. "User:alice") every operation on the consumer group
  // `group`, as the admin user; throws std::runtime_error with the broker's reason on failure.
  void deny_group(const std::string& group, const std::string& principal) const;

  // Runs the script's `stop` (kill -9 by PID); idempotent.
  void stop();

 private:
  std::string env(const std::string& name) const;

  TempDir dir_;
  std::map<std::string, std::string> env_;
  bool running_ = false;
  double start_seconds_ = 0;
};

}  // namespace kc::testing
