#include "tests/integration/kafka_edge/edge_test_support.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "tests/support/kafka.h"

namespace kc::fakes::kafka_edge::testing {

Pki make_pki(const std::string& name) {
  auto ca = kc::testing::TestCa::create(name + "-ca");
  auto server = ca.issue({.common_name = "localhost", .ip_sans = {"127.0.0.1"}});
  auto client = ca.issue({.common_name = name + "-client", .server_auth = false});
  return Pki{std::move(ca), std::move(server), std::move(client)};
}

TlsMaterial server_tls(const Pki& pki, bool require_client_cert) {
  TlsMaterial tls{.cert_pem = pki.server.cert_pem, .key_pem = pki.server.key_pem};
  if (require_client_cert) {
    tls.client_ca_pem = pki.ca.cert_pem();
    tls.require_client_cert = true;
  }
  return tls;
}

kafka::Properties base_properties(const std::string& bootstrap) {
  return {{"bootstrap.servers", bootstrap},
          {"reconnect.backoff.ms", "50"},
          {"reconnect.backoff.max.ms", "500"},
          {"topic.metadata.refresh.interval.ms", "1000"}};
}

kafka::Properties ssl_properties(const std::string& bootstrap, const std::string& ca_pem,
                                 const kc::testing::CertAndKey* client) {
  auto props = base_properties(bootstrap);
  props.insert(props.end(), {{"security.protocol", "ssl"}, {"ssl.ca.pem", ca_pem}});
  if (client) {
    props.insert(props.end(),
                 {{"ssl.certificate.pem", client->cert_pem}, {"ssl.key.pem", client->key_pem}});
  }
  return props;
}

kafka::Properties sasl_properties(const std::string& bootstrap, const std::string& ca_pem,
                                  const std::string& mechanism, const std::string& user,
                                  const std::string& password) {
  auto props = base_properties(bootstrap);
  props.insert(props.end(), {{"security.protocol", ca_pem.empty() ? "sasl_plaintext" : "sasl_ssl"},
                             {"sasl.mechanisms", mechanism},
                             {"sasl.username", user},
                             {"sasl.password", password}});
  if (!ca_pem.empty()) props.emplace_back("ssl.ca.pem", ca_pem);
  return props;
}

void ClientErrors::callback(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  auto* self = static_cast<ClientErrors*>(opaque);
  std::lock_guard lock(self->mu_);
  self->entries_.push_back({static_cast<rd_kafka_resp_err_t>(err), reason});
}

bool ClientErrors::seen(rd_kafka_resp_err_t code, const std::string& text) const {
  std::lock_guard lock(mu_);
  for (const auto& e : entries_) {
    if (e.code == code && e.reason.find(text) != std::string::npos) return true;
  }
  return false;
}

bool ClientErrors::wait_for(rd_kafka_t* client, rd_kafka_resp_err_t code, const std::string& text,
                            std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!seen(code, text)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    rd_kafka_poll(client, 100);  // runs the error callback; returns early when one is served
  }
  return true;
}

std::vector<ClientErrors::Entry> ClientErrors::entries() const {
  std::lock_guard lock(mu_);
  return entries_;
}

std::string ClientErrors::describe() const {
  std::string out;
  for (const auto& e : entries()) {
    out += fmt::format("\n  {} ({}): {}", rd_kafka_err2name(e.code), static_cast<int>(e.code),
                       e.reason);
  }
  return out.empty() ? "(no client errors)" : out;
}

Result<kafka::KafkaPtr> make_client(rd_kafka_type_t type, const kafka::Properties& properties,
                                    ClientErrors& errors) {
  KC_ASSIGN_OR_RETURN(auto conf, kafka::make_conf(properties));
  rd_kafka_conf_set_error_cb(conf.get(), &ClientErrors::callback);
  rd_kafka_conf_set_opaque(conf.get(), &errors);
  char errstr[512] = {};
  kafka::KafkaPtr rk(rd_kafka_new(type, conf.get(), errstr, sizeof errstr));
  if (!rk) return make_error(Errc::kInvalidConfig, "{}", errstr);
  (void)conf.release();  // owned by rk now
  return rk;
}

namespace {

// Consumes `count` records with a group subscription and commits them synchronously.
std::multiset<std::string> consume_and_commit(const kafka::Properties& client_properties,
                                              const std::string& topic, const std::string& group,
                                              int count, ClientErrors& errors) {
  std::multiset<std::string> values;
  auto props = client_properties;
  props.insert(
      props.end(),
      {{"group.id", group}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}});
  auto consumer = make_client(RD_KAFKA_CONSUMER, props, errors);
  EXPECT_TRUE(consumer) << consumer.error().to_string();
  if (!consumer) return values;
  rd_kafka_t* rk = consumer->get();
  rd_kafka_poll_set_consumer(rk);
  auto topics = kafka::new_partition_list(1);
  rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  EXPECT_EQ(rd_kafka_subscribe(rk, topics.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (values.size() < static_cast<size_t>(count) &&
         std::chrono::steady_clock::now() < deadline) {
    kafka::MessagePtr msg(rd_kafka_consumer_poll(rk, 100));
    if (!msg) continue;
    if (msg->err) {
      EXPECT_EQ(msg->err, RD_KAFKA_RESP_ERR__PARTITION_EOF) << rd_kafka_message_errstr(msg.get());
      continue;
    }
    values.emplace(static_cast<const char*>(msg->payload), msg->len);
  }
  EXPECT_EQ(values.size(), static_cast<size_t>(count)) << errors.describe();
  EXPECT_EQ(rd_kafka_commit(rk, nullptr, 0), RD_KAFKA_RESP_ERR_NO_ERROR) << errors.describe();
  EXPECT_EQ(rd_kafka_consumer_close(rk), RD_KAFKA_RESP_ERR_NO_ERROR);
  return values;
}

}  // namespace

void round_trip(kafka::EmbeddedCluster& cluster, const kafka::Properties& client_properties,
                const std::string& topic, int partitions, const std::string& group, int count) {
  auto created = cluster.create_topic(topic, partitions);
  ASSERT_TRUE(created) << created.error().to_string();

  std::string bootstrap;
  kafka::Properties extra;
  for (const auto& [key, value] : client_properties) {
    if (key == "bootstrap.servers") {
      bootstrap = value;
    } else {
      extra.emplace_back(key, value);
    }
  }
  auto value = [&](int i) { return fmt::format("{}-{}", topic, i); };
  // Every partition gets records (the sticky partitioner could put them all in one), so producing
  // and fetching need every partition leader, hence a connection to each broker.
  for (int p = 0; p < partitions; ++p) {
    int share = count / partitions + (p < count % partitions ? 1 : 0);
    int first = p * (count / partitions) + std::min(p, count % partitions);
    kc::testing::produce(
        bootstrap, topic, share, [&](int i) { return value(first + i); }, nullptr, p, extra);
  }

  ClientErrors errors;
  auto values = consume_and_commit(client_properties, topic, group, count, errors);
  std::multiset<std::string> expected;
  for (int i = 0; i < count; ++i) expected.insert(value(i));
  EXPECT_EQ(values, expected);

  // The commits reached the mock cluster (read straight from it, not through the edge).
  auto committed =
      kc::testing::committed_offsets(cluster.bootstrap_servers(), group, topic, partitions);
  int64_t total = 0;
  for (const auto& [partition, offset] : committed) total += offset < 0 ? 0 : offset;
  EXPECT_EQ(total, count);
}

}  // namespace kc::fakes::kafka_edge::testing
