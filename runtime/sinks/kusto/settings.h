#pragma once

// The kusto sink's configuration: the keys of Microsoft's Kafka connector for Azure Data Explorer
// (Azure/kafka-sink-azure-kusto, KustoSinkConfig) parsed into one struct. behavior.on.error is a
// connector key of the runtime (runtime/config/connector_config.cc maps it onto errors.*).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"

namespace kc::sink::kusto {

enum class AuthStrategy { kApplication, kManagedIdentity, kWorkloadIdentity };

// One entry of kusto.tables.topics.mapping.
struct TopicMapping {
  std::string topic;  // a topic name (after transforms) or "*" for every other topic
  std::string database;
  std::string table;
  std::string format = "json";  // Kusto's ingestion data format name, lower case
  std::string mapping;          // ingestion mapping reference; empty: none
  bool streaming = false;
};

struct Settings {
  std::string ingestion_url;  // data-management endpoint: "https://ingest-<cluster>..."
  std::string engine_url;     // kusto.query.url, else ingestion_url without "ingest-"
  AuthStrategy strategy = AuthStrategy::kApplication;
  std::string tenant;  // aad.auth.authority
  std::string app_id;
  std::string app_key;
  std::string authority_host;  // "https://login.microsoftonline.com" unless told otherwise
  std::vector<TopicMapping> mappings;
  int64_t flush_size_bytes = 1 << 20;
  std::chrono::milliseconds flush_interval{300'000};
  std::chrono::milliseconds retry_max_time{300'000};
  std::chrono::milliseconds retry_backoff{10'000};
  bool validate_tables = false;

  // The mapping for `topic`: its own entry, else the "*" entry; null when neither exists.
  const TopicMapping* mapping_for(std::string_view topic) const;
};

// The largest streaming ingestion request (uncompressed), as Kusto's managed streaming client.
inline constexpr size_t kMaxStreamingBytes = size_t{4} * 1024 * 1024;

const api::ConfigDef& config_def();

// Everything wrong at once, each issue naming its key. `environment` reads the process
// environment (AZURE_AUTHORITY_HOST, AZURE_FEDERATED_TOKEN_FILE, ...); tests pass their own.
// Errors: kInvalidConfig.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();
Result<Settings> parse_settings(const api::Config& config, const Environment& environment);

// kusto.tables.topics.mapping: a JSON list of {topic, db, table, format, mapping, streaming}
// (single quotes, as the connector's examples use them, are accepted). Errors name the entry.
Result<std::vector<TopicMapping>> parse_mappings(std::string_view text);

}  // namespace kc::sink::kusto
