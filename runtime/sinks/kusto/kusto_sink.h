#pragma once

#include "runtime/api/plugin.h"

namespace kc::sink::kusto {

// Microsoft's Kafka connector for Azure Data Explorer (Azure/kafka-sink-azure-kusto): records
// become rows of Kusto tables through queued ingestion (gzip blob + queue message) or streaming
// ingestion, each batch tagged "ingest-by:<label of its offset range>" with ingestIfNotExists so
// a replay after a crash is not ingested twice. docs/sinks/kusto.md has the keys and guarantees.
api::SinkPlugin kusto_sink_plugin();

}  // namespace kc::sink::kusto
