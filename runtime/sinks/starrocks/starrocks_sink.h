#pragma once

#include "runtime/api/plugin.h"

namespace kc::sink::starrocks {

// StarRocks' Kafka connector (StarRocks/starrocks-connector-for-kafka): records become rows of a
// StarRocks table through Stream Load, one load per table and partition at each flush, under a
// label made from the batch's offsets so that a replay after a crash is refused by StarRocks
// instead of loaded twice. docs/sinks/starrocks.md has the keys and the delivery guarantee.
api::SinkPlugin starrocks_sink_plugin();

}  // namespace kc::sink::starrocks
