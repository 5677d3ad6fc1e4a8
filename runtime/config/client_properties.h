#pragma once

// From Kafka Connect's producer and admin settings to librdkafka's, for the clients a sink task
// uses besides its consumer (see consumer_properties.h for that one):
//  - the dead-letter queue producer: bootstrap.servers, then the worker's `producer.*`, then the
//    connector's `producer.override.*` (Kafka's Worker.baseProducerConfigs order);
//  - the admin client (dead-letter queue topic creation, the REST offsets endpoints):
//    bootstrap.servers, then the worker's `admin.*`, then the connector's `admin.override.*`.
// As in Kafka, security settings are not inherited from the worker's top level: repeat them under
// producer.* / admin.*. Java keys with another librdkafka name are renamed, Java-only keys
// ignored with a warning, the rest checked by librdkafka; refused keys are errors naming the key
// as written.

#include <string>
#include <utility>
#include <vector>

#include "runtime/api/config_def.h"

namespace kc::config {

using ClientProperties = std::vector<std::pair<std::string, std::string>>;

ClientProperties build_producer_properties(const std::string& bootstrap_servers,
                                           const api::RawConfig& worker_producer,
                                           const api::RawConfig& overrides,
                                           std::vector<api::ConfigIssue>& issues);

ClientProperties build_admin_properties(const std::string& bootstrap_servers,
                                        const api::RawConfig& worker_admin,
                                        const api::RawConfig& overrides,
                                        std::vector<api::ConfigIssue>& issues);

}  // namespace kc::config
