#pragma once

// Batch labels: one per batch a sink sends, a pure function of what the batch holds, so a batch
// sent again (a retry, a replay after a crash that re-forms it) carries the same label and the
// target can refuse or replace it:
//  - starrocks: the Stream Load label (StarRocks refuses "Label Already Exists"),
//  - kusto: the ingest-by: extent tag with ingestIfNotExists (docs/sinks/kusto.md),
//  - http: the idempotency key (docs/sinks/http.md).

#include <cstdint>
#include <string>
#include <string_view>

namespace kc::sink {

struct BatchLabelParts {
  std::string_view connector;
  std::string_view database;  // or any name the target scopes tables by; "" when it has none
  std::string_view table;     // where the batch goes (a table, the topic after transforms)
  std::string_view topic;     // the original (consumed) topic
  int32_t partition = 0;
  int64_t first_offset = 0;  // the batch's first record
  int64_t end_offset = 0;    // after its last record
};

// "<connector>-<table>-<partition>-<first>-<end>-<hash>": the names with every character outside
// [A-Za-z0-9_-] replaced by '_' and cut to 24 characters, the hash (16 hex digits, FNV-1a 64)
// over the full connector, database, table and topic names, so names that sanitize or truncate
// alike still get different labels. At most 117 characters (StarRocks allows 128), only
// [A-Za-z0-9_-] (StarRocks labels, Kusto tags). Stable across versions: changing it breaks
// deduplication of replays.
std::string make_batch_label(const BatchLabelParts& parts);

}  // namespace kc::sink
