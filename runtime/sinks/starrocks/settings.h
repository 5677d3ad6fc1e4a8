#pragma once

// The starrocks sink's configuration: StarRocks' Kafka connector keys
// (StarRocks/starrocks-connector-for-kafka, StarRocksSinkConnectorConfig) parsed into one struct.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"

namespace kc::sink::starrocks {

enum class Format { kJson, kCsv };

struct Settings {
  std::vector<std::string> fe_urls;  // "http://host:port", one per starrocks.http.url entry
  std::string database;
  std::string username;
  std::string password;
  std::map<std::string, std::string> topic_to_table;  // starrocks.topic2table.map
  int64_t flush_max_bytes = 0;
  int64_t flush_max_records = 0;  // 0: no record limit
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds connect_timeout{100};
  std::chrono::milliseconds load_timeout{600'000};
  int64_t max_retries = 3;  // -1: unlimited
  Format format = Format::kJson;
  std::string row_delimiter = "\n";  // CSV rows, decoded (\x01 style escapes)
  // Stream Load headers: every sink.properties.* key without its prefix, plus the defaults
  // (format, strip_outer_array for JSON).
  std::map<std::string, std::string> load_headers;

  // The table records of `topic` (after transforms) go to.
  const std::string& table_for(const std::string& topic) const;
};

const api::ConfigDef& config_def();

// Everything wrong at once, each issue naming its key. Errors: kInvalidConfig.
Result<Settings> parse_settings(const api::Config& config);

// StarRocks' delimiter syntax: "\x01" (and "\\x01") is the byte 0x01, "\t" and "\n" escapes;
// anything else is taken literally.
std::string decode_delimiter(const std::string& text);

}  // namespace kc::sink::starrocks
