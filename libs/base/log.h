#pragma once

// Structured logging: one line per event, text ("logfmt"-like) or JSON, to stderr by default.
//
//   static auto& log = kc::log::get("kc.pipeline.task");
//   log.info("task started", {{"connector", name}, {"task", id}});
//
// Loggers are named hierarchically with dots. A logger's effective level is the level set on the
// nearest ancestor (or itself); "root" is the top and defaults to INFO. Levels can change at any
// time from any thread (REST /admin/loggers). Logging is thread-safe; lines never interleave.
// Never log secret values: log key names, and use redacted config views.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

namespace kc::log {

enum class Level : int { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

std::string_view to_string(Level level);
// Accepts TRACE, DEBUG, INFO, WARN, WARNING, ERROR, OFF (and log4j's FATAL = ERROR), any case.
std::optional<Level> parse_level(std::string_view text);

// One key=value pair of a log line.
struct Field {
  template <class T>
  Field(std::string_view k, const T& v) : key(k) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      value = std::string(std::string_view(v));
      quoted = true;
    } else if constexpr (std::is_same_v<T, bool>) {
      value = v ? "true" : "false";
    } else {
      value = fmt::to_string(v);
    }
  }
  std::string_view key;
  std::string value;
  bool quoted = false;  // strings are quoted in JSON output; numbers and booleans are not
};

class Logger {
 public:
  explicit Logger(std::string name) : name_(std::move(name)) {}
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  const std::string& name() const { return name_; }
  bool enabled(Level level) const { return level >= level_.load(std::memory_order_relaxed); }
  Level level() const { return level_.load(std::memory_order_relaxed); }

  void log(Level level, std::string_view message, std::initializer_list<Field> fields = {}) const;
  void trace(std::string_view m, std::initializer_list<Field> f = {}) const {
    log(Level::kTrace, m, f);
  }
  void debug(std::string_view m, std::initializer_list<Field> f = {}) const {
    log(Level::kDebug, m, f);
  }
  void info(std::string_view m, std::initializer_list<Field> f = {}) const {
    log(Level::kInfo, m, f);
  }
  void warn(std::string_view m, std::initializer_list<Field> f = {}) const {
    log(Level::kWarn, m, f);
  }
  void error(std::string_view m, std::initializer_list<Field> f = {}) const {
    log(Level::kError, m, f);
  }

 private:
  friend class Registry;
  std::string name_;
  std::atomic<Level> level_{Level::kInfo};
};

// Returns the logger with this name, creating it on first use. The reference stays valid for the
// life of the process.
Logger& get(std::string_view name);

// Sets (or with nullopt clears) the explicit level of a logger and its descendants' effective
// level.
void set_level(std::string_view name, std::optional<Level> level);
// Loggers with an explicitly set level (what Kafka Connect's GET /admin/loggers lists).
std::map<std::string, Level> explicit_levels();
// Effective level of a name, whether or not a logger with that name was created.
Level effective_level(std::string_view name);

enum class Format { kText, kJson };
void set_format(Format format);

// Replaces the output (default: stderr). Used by tests to capture lines. nullptr restores stderr.
using Sink = std::function<void(std::string_view line)>;
void set_sink(Sink sink);

}  // namespace kc::log
