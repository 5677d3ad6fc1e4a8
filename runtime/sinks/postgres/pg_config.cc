#include "runtime/sinks/postgres/pg_config.h"

#include <cctype>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::sink::postgres {
namespace {

using api::ConfigType;
using api::Importance;

void quote_conninfo_value(std::string_view value, std::string& out) {
  out.push_back('\'');
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

void add_param(std::string& conninfo, std::string_view key, std::string_view value) {
  if (!conninfo.empty()) conninfo.push_back(' ');
  conninfo.append(key);
  conninfo.push_back('=');
  quote_conninfo_value(value, conninfo);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return make_error(Errc::kInvalidConfig, "connection.url: bad percent-escape at position {}",
                        i);
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// pgJDBC's URL parameters that have a libpq equivalent; others (driver tuning such as
// reWriteBatchedInserts) do not apply to libpq and are ignored.
std::string_view libpq_name(std::string_view jdbc) {
  struct Pair {
    std::string_view jdbc, libpq;
  };
  static constexpr Pair kParams[] = {
      {"sslmode", "sslmode"},
      {"sslrootcert", "sslrootcert"},
      {"sslcert", "sslcert"},
      {"sslkey", "sslkey"},
      {"sslpassword", "sslpassword"},
      {"connectTimeout", "connect_timeout"},
      {"ApplicationName", "application_name"},
      {"applicationName", "application_name"},
      {"user", "user"},
      {"password", "password"},
      {"targetServerType", "target_session_attrs"},
      {"options", "options"},
  };
  for (const auto& p : kParams) {
    if (p.jdbc == jdbc) return p.libpq;
  }
  return {};
}

std::string target_session_attrs(std::string_view jdbc_value) {
  if (jdbc_value == "primary" || jdbc_value == "master") return "read-write";
  if (jdbc_value == "secondary" || jdbc_value == "slave") return "read-only";
  if (jdbc_value == "preferSecondary") return "prefer-standby";
  return "any";
}

Result<Conninfo> from_jdbc(std::string_view rest, std::string_view user,
                           std::string_view password) {
  // rest: //host[:port][,host[:port]...]/database[?params]
  if (!strings::starts_with(rest, "//")) {
    return make_error(Errc::kInvalidConfig,
                      "connection.url: expected jdbc:postgresql://host[:port]/database");
  }
  rest.remove_prefix(2);
  auto query_at = rest.find('?');
  std::string_view query = query_at == std::string_view::npos ? "" : rest.substr(query_at + 1);
  rest = rest.substr(0, query_at);
  auto slash = rest.find('/');
  std::string_view hostlist = rest.substr(0, slash);
  std::string_view database = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  std::string hosts, ports;
  for (auto item : strings::split(hostlist, ',')) {
    std::string_view host = item, port = "5432";
    if (strings::starts_with(item, "[")) {  // [ipv6]:port
      auto close = item.find(']');
      if (close == std::string_view::npos) {
        return make_error(Errc::kInvalidConfig, "connection.url: unclosed '[' in host");
      }
      host = item.substr(1, close - 1);
      if (close + 1 < item.size() && item[close + 1] == ':') port = item.substr(close + 2);
    } else if (auto colon = item.rfind(':'); colon != std::string_view::npos) {
      host = item.substr(0, colon);
      port = item.substr(colon + 1);
    }
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return make_error(Errc::kInvalidConfig, "connection.url: port '{}' is not a number", port);
    }
    if (!hosts.empty()) {
      hosts += ',';
      ports += ',';
    }
    hosts += host.empty() ? "localhost" : host;
    ports += port;
  }
  KC_ASSIGN_OR_RETURN(auto db, percent_decode(database));
  std::string conninfo;
  add_param(conninfo, "host", hosts);
  add_param(conninfo, "port", ports);
  if (!db.empty()) add_param(conninfo, "dbname", db);
  bool have_sslmode = false;
  for (auto pair : strings::split(query, '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    KC_ASSIGN_OR_RETURN(auto value,
                        percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1)));
    if (key == "ssl" && value == "true") {
      if (!have_sslmode) add_param(conninfo, "sslmode", "require");
      continue;
    }
    if (key == "currentSchema") {
      add_param(conninfo, "options", "-c search_path=" + value);
      continue;
    }
    auto name = libpq_name(key);
    if (name.empty()) continue;
    if ((name == "user" && !user.empty()) || (name == "password" && !password.empty())) continue;
    if (name == "sslmode") have_sslmode = true;
    add_param(conninfo, name, name == "target_session_attrs" ? target_session_attrs(value) : value);
  }
  if (!user.empty()) add_param(conninfo, "user", user);
  if (!password.empty()) add_param(conninfo, "password", password);
  return Conninfo{std::move(conninfo), fmt::format("{}:{}/{}", hosts, ports, db)};
}

// Everything but the password of a libpq URI, for messages.
std::string display_uri(std::string_view uri) {
  auto scheme_end = uri.find("://");
  auto rest = uri.substr(scheme_end + 3);
  if (auto at = rest.find('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  return std::string(rest.substr(0, rest.find('?')));
}

}  // namespace

std::string table_name(std::string_view format, std::string_view topic) {
  std::string out(format);
  constexpr std::string_view kTopic = "${topic}";
  for (auto at = out.find(kTopic); at != std::string::npos; at = out.find(kTopic, at)) {
    out.replace(at, kTopic.size(), topic);
    at += topic.size();
  }
  return out;
}

Result<Conninfo> to_conninfo(std::string_view url, std::string_view user,
                             std::string_view password) {
  if (strings::starts_with(url, "jdbc:postgresql:")) {
    return from_jdbc(url.substr(16), user, password);
  }
  if (strings::starts_with(url, "jdbc:")) {
    return make_error(Errc::kInvalidConfig,
                      "connection.url: only jdbc:postgresql:// URLs are supported by the postgres "
                      "sink (got another JDBC driver's URL)");
  }
  std::string conninfo;
  std::string display;
  if (strings::starts_with(url, "postgresql://") || strings::starts_with(url, "postgres://")) {
    conninfo = std::string(url);
    display = display_uri(url);
    if (!user.empty() || !password.empty()) {
      // A URI cannot be combined with key=value pairs in one string: convert the extras into
      // query parameters instead.
      std::string sep = url.find('?') == std::string_view::npos ? "?" : "&";
      auto encode = [](std::string_view v) {
        std::string e;
        for (char ch : v) {
          auto c = static_cast<unsigned char>(ch);
          if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            e.push_back(static_cast<char>(c));
          } else {
            e += fmt::format("%{:02X}", c);
          }
        }
        return e;
      };
      if (!user.empty()) {
        conninfo += sep + "user=" + encode(user);
        sep = "&";
      }
      if (!password.empty()) conninfo += sep + "password=" + encode(password);
    }
    return Conninfo{std::move(conninfo), std::move(display)};
  }
  if (url.find('=') != std::string_view::npos) {  // libpq key=value string
    conninfo = std::string(url);
    if (!user.empty()) add_param(conninfo, "user", user);
    if (!password.empty()) add_param(conninfo, "password", password);
    return Conninfo{std::move(conninfo), "(connection string)"};
  }
  return make_error(Errc::kInvalidConfig,
                    "connection.url: expected jdbc:postgresql://host[:port]/database, a "
                    "postgresql:// URI or a libpq key=value string");
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    namespace v = api::validators;
    api::ConfigDef d;
    d.define({.name = "connection.url",
              .type = ConfigType::kString,
              .required = true,
              .importance = Importance::kHigh,
              .documentation =
                  "JDBC connection URL: jdbc:postgresql://host[:port][,host2[:port2]]/database"
                  "[?sslmode=...&sslrootcert=...&connectTimeout=...&currentSchema=...]. A libpq "
                  "URI (postgresql://...) or key=value connection string is accepted too.",
              .group = "Connection"});
    d.define({.name = "connection.user",
              .type = ConfigType::kString,
              .importance = Importance::kHigh,
              .documentation = "JDBC connection user. Debezium's name: connection.username.",
              .group = "Connection"});
    d.define({.name = "connection.username",
              .type = ConfigType::kString,
              .importance = Importance::kLow,
              .documentation = "Alias of connection.user (Debezium's JDBC sink).",
              .group = "Connection"});
    d.define({.name = "connection.password",
              .type = ConfigType::kPassword,
              .importance = Importance::kHigh,
              .documentation = "JDBC connection password (config providers work: "
                               "${file:...}, ${directory:...}, ${env:...}, and "
                               "${secret:<Secret>:<key>} in managed mode).",
              .group = "Connection"});
    d.define({.name = "table.name.format",
              .type = ConfigType::kString,
              .default_value = "${topic}",
              .validator = v::non_empty(),
              .importance = Importance::kMedium,
              .documentation =
                  "A format string for the destination table name, which may contain '${topic}' "
                  "as a placeholder for the originating topic name. A name with a dot is "
                  "schema.table.",
              .group = "Data Mapping"});
    d.define({.name = "insert.mode",
              .type = ConfigType::kString,
              .default_value = "insert",
              .validator = v::one_of({"insert", "upsert", "update"}),
              .allowed = "insert, upsert, update",
              .importance = Importance::kHigh,
              .documentation =
                  "insert: COPY the rows in; upsert: INSERT ... ON CONFLICT (primary key) DO "
                  "UPDATE, several rows per statement; update: UPDATE ... FROM (VALUES ...), "
                  "several rows per statement.",
              .group = "Writes"});
    d.define({.name = "pk.mode",
              .type = ConfigType::kString,
              .default_value = "none",
              .validator = v::one_of({"none", "kafka", "record_key", "record_value"}),
              .allowed = "none, kafka, record_key, record_value",
              .importance = Importance::kHigh,
              .documentation =
                  "Where the primary key comes from. none: no key; kafka: the coordinates "
                  "(pk.fields default __connect_topic,__connect_partition,__connect_offset); "
                  "record_key: the key (a primitive key becomes the one column named in pk.fields, "
                  "default __connect_key; a struct or map key gives its fields, all or those in "
                  "pk.fields); record_value: fields of the value (all or those in pk.fields). "
                  "Debezium's name: primary.key.mode.",
              .group = "Data Mapping"});
    d.define({.name = "primary.key.mode",
              .type = ConfigType::kString,
              .validator = v::one_of({"none", "kafka", "record_key", "record_value"}),
              .allowed = "none, kafka, record_key, record_value",
              .importance = Importance::kLow,
              .documentation = "Alias of pk.mode (Debezium's JDBC sink).",
              .group = "Data Mapping"});
    d.define({.name = "pk.fields",
              .type = ConfigType::kList,
              .default_value = "",
              .importance = Importance::kMedium,
              .documentation = "Primary key column names; meaning depends on pk.mode.",
              .group = "Data Mapping"});
    d.define({.name = "primary.key.fields",
              .type = ConfigType::kList,
              .importance = Importance::kLow,
              .documentation = "Alias of pk.fields (Debezium's JDBC sink).",
              .group = "Data Mapping"});
    d.define({.name = "fields.whitelist",
              .type = ConfigType::kList,
              .default_value = "",
              .importance = Importance::kMedium,
              .documentation = "Value fields to write; empty: all. Key columns from pk.mode are "
                               "always written.",
              .group = "Data Mapping"});
    d.define({.name = "fields.include",
              .type = ConfigType::kList,
              .importance = Importance::kLow,
              .documentation = "Alias of fields.whitelist.",
              .group = "Data Mapping"});
    d.define({.name = "field.include.list",
              .type = ConfigType::kList,
              .importance = Importance::kLow,
              .documentation = "Alias of fields.whitelist (Debezium's JDBC sink).",
              .group = "Data Mapping"});
    d.define({.name = "auto.create",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation = "Create a missing table (CREATE TABLE IF NOT EXISTS) from the "
                               "record schema, or from the JSON of a schemaless record.",
              .group = "DDL Support"});
    d.define({.name = "auto.evolve",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation = "Add missing nullable columns (ALTER TABLE ... ADD COLUMN IF NOT "
                               "EXISTS) for new optional fields. Columns are never dropped or "
                               "retyped.",
              .group = "DDL Support"});
    d.define({.name = "schema.evolution",
              .type = ConfigType::kString,
              .validator = v::one_of({"none", "basic"}),
              .allowed = "none, basic",
              .importance = Importance::kLow,
              .documentation = "Debezium's JDBC sink: basic sets auto.create and auto.evolve.",
              .group = "DDL Support"});
    d.define({.name = "batch.size",
              .type = ConfigType::kInt,
              .default_value = "3000",
              .validator = v::at_least(1),
              .allowed = "[1,...]",
              .importance = Importance::kMedium,
              .documentation = "Records per write: the runtime flushes (one transaction) when "
                               "this many records are buffered.",
              .group = "Writes"});
    d.define({.name = "delete.enabled",
              .type = ConfigType::kBoolean,
              .default_value = "false",
              .importance = Importance::kMedium,
              .documentation = "A tombstone (null value) deletes the row with its key. Requires "
                               "pk.mode=record_key. When false, tombstones are skipped.",
              .group = "Writes"});
    d.define({.name = "db.timezone",
              .type = ConfigType::kString,
              .default_value = "UTC",
              .validator = v::non_empty(),
              .importance = Importance::kMedium,
              .documentation = "The session's TimeZone (SET TIME ZONE). Debezium's name: "
                               "database.time_zone.",
              .group = "Connection"});
    d.define({.name = "database.time_zone",
              .type = ConfigType::kString,
              .importance = Importance::kLow,
              .documentation = "Alias of db.timezone (Debezium's JDBC sink).",
              .group = "Connection"});
    d.define({.name = "max.retries",
              .type = ConfigType::kInt,
              .default_value = "10",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = Importance::kMedium,
              .documentation = "Retries of a write that failed with a retriable error (lost "
                               "connection, serialization failure, deadlock) before the task "
                               "fails.",
              .group = "Retries"});
    d.define({.name = "retry.backoff.ms",
              .type = ConfigType::kInt,
              .default_value = "3000",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = Importance::kMedium,
              .documentation = "Wait before retrying a failed write.",
              .group = "Retries"});
    d.define({.name = "offsets.table.name",
              .type = ConfigType::kString,
              .default_value = "kconnect_offsets",
              .validator = v::non_empty(),
              .importance = Importance::kLow,
              .documentation =
                  "kconnect's table of consumed offsets (connector, topic, partition, "
                  "next_offset), written in the same transaction as the rows: the task resumes "
                  "from it on every assignment. Created if missing.",
              .group = "Writes"});
    return d;
  }();
  return def;
}

Result<PgConfig> parse_config(const api::Config& config, std::string connector_name) {
  std::vector<std::string> problems;
  auto pick_string = [&](std::string_view key, std::string_view alias) {
    if (!config.is_set(key) && config.is_set(alias)) return config.get_string(alias);
    return config.get_string(key);
  };
  auto pick_list = [&](std::string_view key, std::initializer_list<std::string_view> aliases) {
    if (!config.is_set(key)) {
      for (auto alias : aliases) {
        if (config.is_set(alias)) return config.get_list(alias);
      }
    }
    return config.get_list(key);
  };
  PgConfig c;
  c.connector_name = std::move(connector_name);
  auto conn = to_conninfo(config.get_string("connection.url"),
                          pick_string("connection.user", "connection.username"),
                          config.get_string("connection.password"));
  if (conn) {
    c.conninfo = std::move(conn->conninfo);
    c.display_url = std::move(conn->display);
  } else {
    problems.push_back(conn.error().message());
  }
  c.table_name_format = config.get_string("table.name.format");
  auto mode = strings::to_lower(config.get_string("insert.mode"));
  c.insert_mode = mode == "upsert"   ? InsertMode::kUpsert
                  : mode == "update" ? InsertMode::kUpdate
                                     : InsertMode::kInsert;
  auto pk = strings::to_lower(pick_string("pk.mode", "primary.key.mode"));
  c.pk_mode = pk == "kafka"          ? PkMode::kKafka
              : pk == "record_key"   ? PkMode::kRecordKey
              : pk == "record_value" ? PkMode::kRecordValue
                                     : PkMode::kNone;
  c.pk_fields = pick_list("pk.fields", {"primary.key.fields"});
  c.fields_include = pick_list("fields.whitelist", {"fields.include", "field.include.list"});
  c.auto_create = config.get_bool("auto.create");
  c.auto_evolve = config.get_bool("auto.evolve");
  if (strings::to_lower(config.get_string("schema.evolution")) == "basic") {
    c.auto_create = c.auto_evolve = true;
  }
  c.batch_size = config.get_int("batch.size");
  c.delete_enabled = config.get_bool("delete.enabled");
  c.db_timezone = pick_string("db.timezone", "database.time_zone");
  c.max_retries = config.get_int("max.retries");
  c.retry_backoff_ms = config.get_int("retry.backoff.ms");
  c.offsets_table = config.get_string("offsets.table.name");

  if (c.pk_mode == PkMode::kKafka && c.pk_fields.empty()) {
    c.pk_fields = {"__connect_topic", "__connect_partition", "__connect_offset"};
  }
  if (c.pk_mode == PkMode::kKafka && c.pk_fields.size() != 3) {
    problems.push_back(
        "pk.fields: pk.mode=kafka needs three names (topic, partition and offset columns)");
  }
  if (c.pk_mode == PkMode::kNone && !c.pk_fields.empty()) {
    problems.push_back("pk.fields: set, but pk.mode=none uses no key");
  }
  if (c.insert_mode != InsertMode::kInsert && c.pk_mode == PkMode::kNone) {
    problems.push_back(
        fmt::format("insert.mode: {} needs a primary key: set pk.mode to kafka, "
                    "record_key or record_value",
                    mode));
  }
  if (c.delete_enabled && c.pk_mode != PkMode::kRecordKey) {
    problems.push_back("delete.enabled: true requires pk.mode=record_key");
  }
  if (!problems.empty()) {
    return make_error(Errc::kInvalidConfig, strings::join(problems, "; "));
  }
  return c;
}

}  // namespace kc::sink::postgres
