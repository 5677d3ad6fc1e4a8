#include "runtime/sinks/starrocks/settings.h"

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::sink::starrocks {
namespace {

constexpr std::string_view kPropertiesPrefix = "sink.properties.";
constexpr int64_t kMiB = int64_t{1024} * 1024;

std::optional<std::string> check_topic_map(std::string_view value) {
  for (const auto& entry : strings::split_list(value)) {
    auto colon = entry.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size() ||
        entry.find(':', colon + 1) != std::string::npos) {
      return fmt::format("entry \"{}\" is not <topic>:<table>", entry);
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_urls(std::string_view value) {
  auto entries = strings::split_list(value);
  if (entries.empty()) return "needs at least one <fe_host>:<fe_http_port>";
  for (const auto& entry : entries) {
    std::string_view rest = entry;
    if (strings::starts_with(rest, "http://")) rest.remove_prefix(7);
    if (strings::starts_with(rest, "https://")) rest.remove_prefix(8);
    if (rest.empty() || rest.find('/') != std::string_view::npos ||
        rest.find('@') != std::string_view::npos) {
      return fmt::format("entry \"{}\" is not <fe_host>:<fe_http_port>", entry);
    }
  }
  return std::nullopt;
}

void define_property(api::ConfigDef& d, const std::string& name, std::string documentation,
                     std::optional<std::string> default_value = std::nullopt,
                     api::Validator validator = {}, std::string allowed = {}) {
  d.define({.name = std::string(kPropertiesPrefix) + name,
            .type = api::ConfigType::kString,
            .default_value = std::move(default_value),
            .validator = std::move(validator),
            .allowed = std::move(allowed),
            .importance = api::Importance::kLow,
            .documentation = std::move(documentation),
            .group = "Stream Load"});
}

}  // namespace

const std::string& Settings::table_for(const std::string& topic) const {
  auto it = topic_to_table.find(topic);
  return it == topic_to_table.end() ? topic : it->second;
}

std::string decode_delimiter(const std::string& text) {
  std::string_view s = text;
  if (strings::starts_with(s, "\\\\x")) s.remove_prefix(1);
  if (strings::starts_with(s, "\\x") && s.size() > 2 && s.size() % 2 == 0) {
    std::string out;
    for (size_t i = 2; i < s.size(); i += 2) {
      auto hex = std::string(s.substr(i, 2));
      if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return text;
      out.push_back(static_cast<char>(std::stoi(hex, nullptr, 16)));
    }
    return out;
  }
  if (s == "\\t") return "\t";
  if (s == "\\n") return "\n";
  return text;
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    namespace v = api::validators;
    api::ConfigDef d;
    d.define({.name = "starrocks.http.url",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = check_urls,
              .allowed = "<fe_host>:<fe_http_port>[,...]",
              .importance = api::Importance::kHigh,
              .documentation =
                  "The HTTP addresses of the FE nodes, comma-separated (e.g. "
                  "\"fe1:8030,fe2:8030\"; an http:// or https:// prefix is allowed). Stream "
                  "Loads go to the first FE that answers; a connection failure moves to the next.",
              .group = "StarRocks"});
    d.define({.name = "starrocks.database.name",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = v::non_empty(),
              .importance = api::Importance::kHigh,
              .documentation = "The StarRocks database the tables are in.",
              .group = "StarRocks"});
    d.define({.name = "starrocks.username",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = v::non_empty(),
              .importance = api::Importance::kHigh,
              .documentation =
                  "The StarRocks user (HTTP Basic authentication); it needs INSERT on the tables.",
              .group = "StarRocks"});
    d.define({.name = "starrocks.password",
              .type = api::ConfigType::kPassword,
              .required = true,
              .importance = api::Importance::kHigh,
              .documentation = "The user's password. Use a config provider, e.g. "
                               "${secret:starrocks:password}.",
              .group = "StarRocks"});
    d.define({.name = "starrocks.topic2table.map",
              .type = api::ConfigType::kString,
              .default_value = "",
              .validator = check_topic_map,
              .allowed = "<topic>:<table>[,...]",
              .importance = api::Importance::kMedium,
              .documentation =
                  "Tables for topics whose name is not the table's: "
                  "\"<topic-1>:<table-1>,<topic-2>:<table-2>\". Other topics load into the table "
                  "of their own name. The topic is the record's topic after transforms.",
              .group = "StarRocks"});
    d.define({.name = "bufferflush.maxbytes",
              .type = api::ConfigType::kLong,
              .default_value = std::to_string(64 * kMiB),
              .validator = v::range(64 * kMiB, 10240 * kMiB),
              .allowed = "[67108864,...,10737418240]",
              .importance = api::Importance::kMedium,
              .documentation = "Bytes of rows buffered for one table and partition before "
                               "they are loaded (a flush also loads what is buffered).",
              .group = "StarRocks"});
    d.define({.name = "bufferflush.maxrecords",
              .type = api::ConfigType::kLong,
              .default_value = "0",
              .validator = v::at_least(0),
              .allowed = "[0,...]",
              .importance = api::Importance::kLow,
              .documentation = "kconnect only: records buffered for one table and partition "
                               "before they are loaded; 0 means no limit.",
              .group = "StarRocks"});
    d.define({.name = "bufferflush.intervalms",
              .type = api::ConfigType::kLong,
              .default_value = "1000",
              .validator = v::range(1000, 3'600'000),
              .allowed = "[1000,...,3600000]",
              .importance = api::Importance::kMedium,
              .documentation = "Longest time (ms) records wait in the buffer before a flush.",
              .group = "StarRocks"});
    d.define({.name = "connect.timeoutms",
              .type = api::ConfigType::kLong,
              .default_value = "100",
              .validator = v::range(100, 60'000),
              .allowed = "[100,...,60000]",
              .importance = api::Importance::kLow,
              .documentation = "Timeout (ms) for connecting to an FE or BE.",
              .group = "StarRocks"});
    d.define({.name = "sink.maxretries",
              .type = api::ConfigType::kLong,
              .default_value = "3",
              .validator = v::at_least(-1),
              .allowed = "[-1,...]",
              .importance = api::Importance::kMedium,
              .documentation =
                  "Retries of a Stream Load that failed retriably (connection errors, 429, 5xx, "
                  "Status Fail for a transient reason), each under the same label; -1: no limit. "
                  "When they run out the task fails.",
              .group = "StarRocks"});
    define_property(d, "format",
                    "Stream Load format of the rows: JSON (one object per record, sent as an "
                    "array with strip_outer_array=true) or CSV (each record value as one line).",
                    "json", v::one_of({"json", "csv"}), "json, csv");
    define_property(d, "strip_outer_array",
                    "JSON: always sent as true (the body is an array with one element per "
                    "record); a value given here is replaced.");
    define_property(d, "jsonpaths", "JSON: the fields to load, e.g. [\"$.id\",\"$.name\"].");
    define_property(d, "json_root", "JSON: the element holding the rows.");
    define_property(d, "columns",
                    "The table's columns in the order of the data, with optional derived "
                    "columns, e.g. \"id,name,ts=now()\".");
    define_property(d, "column_separator",
                    "CSV: the column separator (default \\t); \\x01 style hex is accepted.");
    define_property(d, "row_delimiter",
                    "CSV: the row delimiter (default \\n); \\x01 style hex is accepted.");
    define_property(d, "partial_update",
                    "true: update only the columns given (primary key "
                    "tables).");
    define_property(d, "partial_update_mode", "row or column.");
    define_property(d, "merge_condition",
                    "A column whose larger value wins on primary key "
                    "tables.");
    define_property(d, "where", "A filter rows must pass.");
    define_property(d, "partitions", "Partitions to load into.");
    define_property(d, "max_filter_ratio",
                    "Largest fraction of rows that may be filtered out (default 0).");
    define_property(d, "strict_mode", "Strict column type conversion.");
    define_property(d, "timezone", "Time zone for time functions.");
    define_property(d, "timeout",
                    "Stream Load timeout in seconds (default 600); the request waits that long.",
                    std::nullopt, v::range(1, 259'200), "[1,...,259200]");
    define_property(d, "load_mem_limit", "Memory limit of one load (bytes).");
    define_property(d, "compression", "Body compression StarRocks should expect.");
    define_property(d, "ignore_json_size", "JSON: lift the 100 MB body limit.");
    define_property(d, "log_rejected_record_num", "How many rejected rows StarRocks logs.");
    return d;
  }();
  return def;
}

Result<Settings> parse_settings(const api::Config& config) {
  Settings s;
  for (const auto& entry : strings::split_list(config.get_string("starrocks.http.url"))) {
    bool has_scheme =
        strings::starts_with(entry, "http://") || strings::starts_with(entry, "https://");
    s.fe_urls.push_back(has_scheme ? entry : "http://" + entry);
  }
  s.database = config.get_string("starrocks.database.name");
  s.username = config.get_string("starrocks.username");
  s.password = config.get_string("starrocks.password");
  for (const auto& entry : strings::split_list(config.get_string("starrocks.topic2table.map"))) {
    auto colon = entry.find(':');
    s.topic_to_table[std::string(strings::trim(entry.substr(0, colon)))] =
        std::string(strings::trim(entry.substr(colon + 1)));
  }
  s.flush_max_bytes = config.get_long("bufferflush.maxbytes");
  s.flush_max_records = config.get_long("bufferflush.maxrecords");
  s.flush_interval = std::chrono::milliseconds(config.get_long("bufferflush.intervalms"));
  s.connect_timeout = std::chrono::milliseconds(config.get_long("connect.timeoutms"));
  s.max_retries = config.get_long("sink.maxretries");

  // Every sink.properties.* key given, declared or not, is a Stream Load header.
  for (const auto& [key, value] : config.with_prefix(kPropertiesPrefix)) {
    if (!key.empty() && key != "label") s.load_headers[key] = value;  // labels are ours
  }
  auto format = strings::to_lower(config.get_string("sink.properties.format"));
  s.format = format == "csv" ? Format::kCsv : Format::kJson;
  s.load_headers["format"] = format;
  if (s.format == Format::kJson) {
    s.load_headers["strip_outer_array"] = "true";  // the body is always an array of rows
  } else if (auto it = s.load_headers.find("row_delimiter"); it != s.load_headers.end()) {
    s.row_delimiter = decode_delimiter(it->second);
  }
  if (auto it = s.load_headers.find("timeout"); it != s.load_headers.end()) {
    s.load_timeout = std::chrono::seconds(std::stoll(it->second));
  }
  return s;
}

}  // namespace kc::sink::starrocks
