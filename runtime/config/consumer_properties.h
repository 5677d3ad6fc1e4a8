#pragma once

// From Kafka Connect's consumer settings to librdkafka's.
//
// Kafka Connect builds a sink task's consumer config in this order, later wins: its defaults,
// the worker's `consumer.*`, then the connector's `consumer.override.*`. kconnect does the same,
// translating Java client keys into librdkafka properties on the way:
//   - keys with the same meaning and name pass through (session.timeout.ms, isolation.level, ...);
//   - renamed keys are mapped (fetch.max.wait.ms -> fetch.wait.max.ms, ...);
//   - Java-only keys are ignored with a warning saying why (key.deserializer, interceptor.classes);
//   - keys kconnect must own are refused with a warning (enable.auto.commit: offsets are committed
//     only after the sink has flushed);
//   - anything else is handed to librdkafka, which refuses unknown properties and bad values;
//     those become errors naming the key as the user wrote it.

#include <string>
#include <utility>
#include <vector>

#include "runtime/api/config_def.h"
#include "runtime/config/security/settings.h"

namespace kc::config {

struct ConsumerSettings {
  std::vector<std::pair<std::string, std::string>> properties;  // librdkafka names, in order
  int max_poll_records = 500;  // Java's max.poll.records: the most records handed over at once
  // Security protocol, librdkafka properties (already in `properties`) and the TLS material
  // inputs to check (security/material.h) and watch (tls::MaterialWatcher).
  security::SecuritySettings security;
};

// `worker_security` holds the worker's top-level security keys (security::security_keys of the
// worker configuration), `worker_consumer` the worker's consumer.* keys and `overrides` the
// connector's consumer.override.* keys, the last two with the prefix removed. Security keys of
// every layer are translated together by security::translate_security (later layers win).
// client.id is left to the task.
ConsumerSettings build_consumer_settings(const std::string& connector_name,
                                         const std::string& bootstrap_servers,
                                         const api::RawConfig& worker_security,
                                         const api::RawConfig& worker_consumer,
                                         const api::RawConfig& overrides,
                                         std::vector<api::ConfigIssue>& issues);

// Checks properties with librdkafka itself (no connection is made); `display` maps a librdkafka
// property name to the key the user wrote, for messages.
void check_with_librdkafka(const std::vector<std::pair<std::string, std::string>>& properties,
                           const std::vector<std::string>& display,
                           std::vector<api::ConfigIssue>& issues);

}  // namespace kc::config
