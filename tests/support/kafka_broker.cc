#include "tests/support/kafka_broker.h"

#include <chrono>
#include <sstream>
#include <stdexcept>

#include <signal.h>
#include <unistd.h>

#include "runtime/kafka/handles.h"
#include "tests/support/process.h"

namespace kc::testing {
namespace {

using namespace std::chrono_literals;

std::string script() { return source_path("tests/support/kafka-broker.sh"); }

}  // namespace

KafkaBroker::KafkaBroker() {
  auto t0 = std::chrono::steady_clock::now();
  // The first start on a machine may fetch the jars (./dev deps normally did already).
  Process start({script(), "start", dir_.file("broker"), "--parent", std::to_string(::getpid())},
                dir_.file("start"));
  auto status = start.wait(180s);
  if (status != 0) {
    if (!status) start.signal(SIGKILL);
    throw std::runtime_error("the Kafka broker did not start (tests/support/kafka-broker.sh): " +
                             start.output());
  }
  running_ = true;
  start_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::istringstream lines(start.out());
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (env_.count("PLAINTEXT") == 0) {
    throw std::runtime_error("tests/support/kafka-broker.sh printed no listeners: " +
                             start.output());
  }
}

KafkaBroker::~KafkaBroker() { stop(); }

void KafkaBroker::stop() {
  if (!running_) return;
  running_ = false;
  Process p({script(), "stop", dir_.file("broker")}, dir_.file("stop"));
  (void)p.wait(30s);
}

std::string KafkaBroker::env(const std::string& name) const {
  auto it = env_.find(name);
  return it == env_.end() ? "" : it->second;
}

void KafkaBroker::deny_group(const std::string& group, const std::string& principal) const {
  kafka::Properties props = {{"bootstrap.servers", sasl_plaintext()},
                             {"security.protocol", "SASL_PLAINTEXT"},
                             {"sasl.mechanisms", "SCRAM-SHA-512"},
                             {"sasl.username", admin_user()},
                             {"sasl.password", admin_password()}};
  auto conf = kafka::make_conf(props);
  if (!conf) throw std::runtime_error(conf.error().to_string());
  char errstr[512];
  kafka::KafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr));
  if (!rk) throw std::runtime_error(errstr);
  (void)conf->release();
  rd_kafka_AclBinding_t* acl = rd_kafka_AclBinding_new(
      RD_KAFKA_RESOURCE_GROUP, group.c_str(), RD_KAFKA_RESOURCE_PATTERN_LITERAL, principal.c_str(),
      "*", RD_KAFKA_ACL_OPERATION_ALL, RD_KAFKA_ACL_PERMISSION_TYPE_DENY, errstr, sizeof errstr);
  if (acl == nullptr) throw std::runtime_error(errstr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateAcls(rk.get(), &acl, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  std::string error;
  if (event == nullptr) {
    error = "no CreateAcls answer within 30 s";
  } else if (rd_kafka_event_error(event)) {
    error = rd_kafka_event_error_string(event);
  } else {
    size_t count = 0;
    const rd_kafka_acl_result_t** results =
        rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(event), &count);
    for (size_t i = 0; i < count; ++i) {
      if (const rd_kafka_error_t* e = rd_kafka_acl_result_error(results[i]))
        error = rd_kafka_error_string(e);
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_AclBinding_destroy(acl);
  if (!error.empty()) throw std::runtime_error("creating the ACL: " + error);
}

kafka::Properties KafkaBroker::plaintext_properties() const {
  return {{"bootstrap.servers", plaintext()}};
}

kafka::Properties KafkaBroker::ssl_properties() const {
  return {{"bootstrap.servers", ssl()},
          {"security.protocol", "SSL"},
          {"ssl.ca.location", ca_file()},
          {"ssl.certificate.location", client_certificate_file()},
          {"ssl.key.location", client_key_file()}};
}

kafka::Properties KafkaBroker::sasl_ssl_properties(const std::string& mechanism) const {
  return {{"bootstrap.servers", sasl_ssl()}, {"security.protocol", "SASL_SSL"},
          {"ssl.ca.location", ca_file()},    {"sasl.mechanisms", mechanism},
          {"sasl.username", user()},         {"sasl.password", password()}};
}

}  // namespace kc::testing
