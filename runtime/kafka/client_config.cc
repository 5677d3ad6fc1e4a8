#include "runtime/kafka/client_config.h"

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/api/config_def.h"

namespace kc::kafka {
namespace {

void log_callback(const rd_kafka_t* rk, int level, const char* facility, const char* buf) {
  static auto& log = kc::log::get("kc.kafka.librdkafka");
  // syslog levels: 0..3 error, 4 warning, 5..6 info, 7 debug
  auto lvl = level <= 3   ? kc::log::Level::kError
             : level == 4 ? kc::log::Level::kWarn
             : level <= 6 ? kc::log::Level::kInfo
                          : kc::log::Level::kDebug;
  log.log(lvl, buf, {{"client", rd_kafka_name(rk)}, {"facility", facility}});
}

void error_callback(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
  log_client_error(rk, err, reason);
}

}  // namespace

std::optional<std::string> find_property(const Properties& properties, std::string_view key) {
  for (auto it = properties.rbegin(); it != properties.rend(); ++it) {
    if (it->first == key) return it->second;
  }
  return std::nullopt;
}

void log_client_error(rd_kafka_t* rk, int err, const char* reason) {
  static auto& log = kc::log::get("kc.kafka");
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  // Transport hiccups are retried by librdkafka itself; report them quietly.
  auto level = (code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
                   ? kc::log::Level::kDebug
                   : kc::log::Level::kWarn;
  log.log(level, "kafka client error",
          {{"client", rd_kafka_name(rk)}, {"error", rd_kafka_err2name(code)}, {"reason", reason}});
}

Result<ConfPtr> make_conf(const Properties& properties) {
  ConfPtr conf(rd_kafka_conf_new());
  std::vector<std::string> problems;
  char errstr[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      problems.push_back(api::is_sensitive_key(name) ? fmt::format("{}: invalid value", name)
                                                     : fmt::format("{}: {}", name, errstr));
    }
  }
  if (!problems.empty()) {
    return make_error(Errc::kInvalidConfig, "{}", strings::join(problems, "; "));
  }
  rd_kafka_conf_set_log_cb(conf.get(), log_callback);
  rd_kafka_conf_set_error_cb(conf.get(), error_callback);
  return conf;
}

}  // namespace kc::kafka
