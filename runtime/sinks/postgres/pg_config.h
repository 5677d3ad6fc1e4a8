#pragma once

// The postgres sink's configuration: Confluent's JDBC sink keys (with Debezium's JDBC sink names
// accepted where they differ), parsed into a typed struct and validated as a whole.

#include <string>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"

namespace kc::sink::postgres {

enum class InsertMode { kInsert, kUpsert, kUpdate };
enum class PkMode { kNone, kKafka, kRecordKey, kRecordValue };

struct PgConfig {
  std::string conninfo;     // libpq connection string (holds the password: never log it)
  std::string display_url;  // host:port/database, for messages
  std::string table_name_format = "${topic}";
  InsertMode insert_mode = InsertMode::kInsert;
  PkMode pk_mode = PkMode::kNone;
  std::vector<std::string> pk_fields;
  std::vector<std::string> fields_include;  // empty: every field
  bool auto_create = false;
  bool auto_evolve = false;
  int batch_size = 3000;
  bool delete_enabled = false;
  std::string db_timezone = "UTC";
  int max_retries = 10;
  int retry_backoff_ms = 3000;
  std::string offsets_table = "kconnect_offsets";
  std::string connector_name;  // the offsets table's key
};

// Every key the sink reads, with Confluent's names, defaults and documentation.
const api::ConfigDef& config_def();

// Parses and validates; every problem at once, each naming its key.
Result<PgConfig> parse_config(const api::Config& config, std::string connector_name);

// A libpq connection string from `connection.url`: a JDBC URL
// (jdbc:postgresql://host[:port][,host2[:port2]]/database[?key=value&...]) or a libpq URI
// (postgresql://... / postgres://...) or a libpq key=value string. `user` and `password`
// (connection.user / connection.password) override what the URL holds. Errors name the key.
struct Conninfo {
  std::string conninfo;
  std::string display;  // host:port/database, no credentials
};
Result<Conninfo> to_conninfo(std::string_view url, std::string_view user,
                             std::string_view password);

// The table name for `topic` under `format` (${topic} replaced).
std::string table_name(std::string_view format, std::string_view topic);

}  // namespace kc::sink::postgres
