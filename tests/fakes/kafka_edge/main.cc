// kafka-edge: a TLS/SASL front for a plaintext Kafka (librdkafka's mock cluster), for manual use
// and benchmarks. Prints its bootstrap list on stdout, runs until SIGTERM or SIGINT.
//
//   kafka-edge --upstream 127.0.0.1:41234,127.0.0.1:41235
//       --tls-cert server.pem --tls-key server.key [--client-ca ca.pem --require-client-cert]
//       [--sasl PLAIN,SCRAM-SHA-256,SCRAM-SHA-512 --user alice:secret --user bob:pw]

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

// CLI11's inlined string handling trips GCC's -Wnull-dereference flow analysis.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include "libs/base/log.h"
#include "tests/fakes/kafka_edge/kafka_edge.h"

namespace {

using namespace kc::fakes::kafka_edge;

kc::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return kc::make_error(kc::Errc::kIo, "cannot read {}", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

kc::Result<Options> build_options(const std::string& upstream, const std::string& cert,
                                  const std::string& key, const std::string& client_ca,
                                  bool require_client_cert, const std::string& sasl,
                                  const std::vector<std::string>& users, int iterations) {
  Options options{.upstream = upstream};
  if (!cert.empty() || !key.empty()) {
    if (cert.empty() || key.empty()) {
      return kc::make_error(kc::Errc::kInvalidConfig, "--tls-cert and --tls-key go together");
    }
    TlsMaterial tls{.require_client_cert = require_client_cert};
    KC_ASSIGN_OR_RETURN(tls.cert_pem, read_file(cert));
    KC_ASSIGN_OR_RETURN(tls.key_pem, read_file(key));
    if (!client_ca.empty()) {
      KC_ASSIGN_OR_RETURN(tls.client_ca_pem, read_file(client_ca));
    }
    options.tls = std::move(tls);
  } else if (!client_ca.empty() || require_client_cert) {
    return kc::make_error(kc::Errc::kInvalidConfig, "--client-ca needs --tls-cert and --tls-key");
  }
  if (!sasl.empty()) {
    KC_ASSIGN_OR_RETURN(options.sasl.mechanisms, parse_mechanisms(sasl));
    options.sasl.scram_iterations = iterations;
    for (const auto& user : users) {
      auto colon = user.find(':');
      if (colon == std::string::npos) {
        return kc::make_error(kc::Errc::kInvalidConfig, "--user wants name:password");
      }
      options.sasl.users[user.substr(0, colon)] = user.substr(colon + 1);
    }
  } else if (!users.empty()) {
    return kc::make_error(kc::Errc::kInvalidConfig, "--user needs --sasl");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TLS/SASL front for a plaintext Kafka (librdkafka's mock cluster)"};
  std::string upstream, cert, key, client_ca, sasl;
  std::vector<std::string> users;
  bool require_client_cert = false;
  int iterations = kScramMinIterations;
  app.add_option("--upstream", upstream, "upstream bootstrap list host:port,...")->required();
  app.add_option("--tls-cert", cert, "server certificate chain (PEM file)");
  app.add_option("--tls-key", key, "server private key (PEM file)");
  app.add_option("--client-ca", client_ca, "CA(s) for client certificates (PEM file)");
  app.add_flag("--require-client-cert", require_client_cert,
               "refuse clients without a certificate");
  app.add_option("--sasl", sasl, "SASL mechanisms: PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
  app.add_option("--user", users, "SASL user name:password (repeatable)");
  app.add_option("--scram-iterations", iterations, "SCRAM iteration count (4096-16384)");
  CLI11_PARSE(app, argc, argv);

  auto options =
      build_options(upstream, cert, key, client_ca, require_client_cert, sasl, users, iterations);
  if (!options) {
    std::cerr << "kafka-edge: " << options.error().message() << "\n";
    return 2;
  }
  // Block the stop signals before the I/O thread starts so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto edge = KafkaEdge::start(std::move(*options));
  if (!edge) {
    std::cerr << "kafka-edge: " << edge.error().message() << "\n";
    return 1;
  }
  std::cout << (*edge)->bootstrap_servers() << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  auto c = (*edge)->counters();
  kc::log::get("kc.fakes.kafka_edge")
      .info("stopping", {{"signal", signal},
                         {"connections", c.connections_accepted},
                         {"tls_handshake_failures", c.tls_handshake_failures},
                         {"auth_successes", c.auth_successes},
                         {"auth_failures", c.auth_failures}});
  return 0;
}
