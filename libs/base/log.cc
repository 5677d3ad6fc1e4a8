#include "libs/base/log.h"

#include <chrono>
#include <memory>
#include <mutex>

#include <unistd.h>

#include "libs/base/secrets.h"
#include "libs/base/strings.h"

namespace kc::log {
namespace {

std::string_view parent_of(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view("root") : name.substr(0, dot);
}

using strings::append_json_string;

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

std::string timestamp_now() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

}  // namespace

class Registry {
 public:
  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  Logger& get(std::string_view name) {
    std::lock_guard lock(mu_);
    auto it = loggers_.find(name);
    if (it != loggers_.end()) return *it->second;
    auto logger = std::make_unique<Logger>(std::string(name));
    logger->level_.store(effective_locked(name), std::memory_order_relaxed);
    return *loggers_.emplace(std::string(name), std::move(logger)).first->second;
  }

  void set_level(std::string_view name, std::optional<Level> level) {
    std::lock_guard lock(mu_);
    if (level) {
      explicit_[std::string(name)] = *level;
    } else {
      explicit_.erase(std::string(name));
    }
    for (auto& [n, logger] : loggers_) {
      logger->level_.store(effective_locked(n), std::memory_order_relaxed);
    }
  }

  std::map<std::string, Level> explicit_levels() {
    std::lock_guard lock(mu_);
    return {explicit_.begin(), explicit_.end()};
  }

  Level effective(std::string_view name) {
    std::lock_guard lock(mu_);
    return effective_locked(name);
  }

  void write(std::string_view line) {
    std::lock_guard lock(out_mu_);
    if (sink_) {
      sink_(line);
      return;
    }
    std::string buf(line);
    buf.push_back('\n');
    std::string_view rest = buf;
    while (!rest.empty()) {
      auto n = ::write(STDERR_FILENO, rest.data(), rest.size());
      if (n <= 0) break;
      rest.remove_prefix(static_cast<size_t>(n));
    }
  }

  std::atomic<Format> format{Format::kText};

  void set_sink(Sink sink) {
    std::lock_guard lock(out_mu_);
    sink_ = std::move(sink);
  }

 private:
  Level effective_locked(std::string_view name) const {
    for (std::string_view n = name;; n = parent_of(n)) {
      auto it = explicit_.find(n);
      if (it != explicit_.end()) return it->second;
      if (n == "root") return Level::kInfo;
    }
  }

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Logger>, std::less<>> loggers_;
  std::map<std::string, Level, std::less<>> explicit_;
  std::mutex out_mu_;
  Sink sink_;
};

std::string_view to_string(Level level) {
  switch (level) {
    case Level::kTrace:
      return "TRACE";
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
    case Level::kOff:
      return "OFF";
  }
  return "INFO";
}

std::optional<Level> parse_level(std::string_view text) {
  std::string upper = strings::to_upper(strings::trim(text));
  if (upper == "TRACE") return Level::kTrace;
  if (upper == "DEBUG") return Level::kDebug;
  if (upper == "INFO") return Level::kInfo;
  if (upper == "WARN" || upper == "WARNING") return Level::kWarn;
  if (upper == "ERROR" || upper == "FATAL") return Level::kError;
  if (upper == "OFF") return Level::kOff;
  return std::nullopt;
}

void Logger::log(Level level, std::string_view message, std::initializer_list<Field> fields) const {
  if (!enabled(level) || level == Level::kOff) return;
  std::string line;
  line.reserve(128);
  auto& registry = Registry::instance();
  if (registry.format.load(std::memory_order_relaxed) == Format::kJson) {
    line += "{\"ts\":";
    append_json_string(line, timestamp_now());
    line += ",\"level\":";
    append_json_string(line, to_string(level));
    line += ",\"logger\":";
    append_json_string(line, name_);
    line += ",\"msg\":";
    append_json_string(line, message);
    for (const auto& f : fields) {
      line.push_back(',');
      append_json_string(line, f.key);
      line.push_back(':');
      if (f.quoted) {
        append_json_string(line, f.value);
      } else {
        line += f.value;
      }
    }
    line.push_back('}');
  } else {
    line = fmt::format("{} {:<5} {} {}", timestamp_now(), to_string(level), name_, message);
    for (const auto& f : fields) {
      line.push_back(' ');
      line += f.key;
      line.push_back('=');
      if (needs_quotes(f.value)) {
        append_json_string(line, f.value);
      } else {
        line += f.value;
      }
    }
  }
  registry.write(secrets::mask(line));  // a config provider's value never reaches the output
}

Logger& get(std::string_view name) { return Registry::instance().get(name); }
void set_level(std::string_view name, std::optional<Level> level) {
  Registry::instance().set_level(name, level);
}
std::map<std::string, Level> explicit_levels() { return Registry::instance().explicit_levels(); }
Level effective_level(std::string_view name) { return Registry::instance().effective(name); }
void set_format(Format format) { Registry::instance().format.store(format); }
void set_sink(Sink sink) { Registry::instance().set_sink(std::move(sink)); }

}  // namespace kc::log
