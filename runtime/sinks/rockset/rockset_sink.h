#pragma once

#include "runtime/api/plugin.h"

namespace kc::sink::rockset {

// Rockset's Kafka Connect sink (rockset/kafka-connect-rockset, class
// rockset.RocksetSinkConnector): records of each topic partition are POSTed to
// {rockset.apiserver.url}/v1/receivers/kafka as {"topic":..,"kafka_messages":[..]} with HTTP
// Basic authentication of the integration key, on the http sink's batching and retries.
// docs/sinks/rockset.md has the keys and what differs from the Java connector.
api::SinkPlugin rockset_sink_plugin();

}  // namespace kc::sink::rockset
