#include "runtime/config/security/librdkafka_build.h"

#include <algorithm>
#include <memory>

#include <librdkafka/rdkafka.h>

#include "libs/base/strings.h"

namespace kc::config::security {
namespace {

LibrdkafkaBuild probe() {
  LibrdkafkaBuild build;
  build.version = rd_kafka_version_str();
  build.version_number = rd_kafka_version();
  std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(),
                                                                          &rd_kafka_conf_destroy);
  char buf[1024] = {};
  size_t size = sizeof buf;
  if (rd_kafka_conf_get(conf.get(), "builtin.features", buf, &size) == RD_KAFKA_CONF_OK) {
    build.features = strings::split_list(buf);
  }
  char errstr[512];
  build.oidc = rd_kafka_conf_set(conf.get(), "sasl.oauthbearer.method", "oidc", errstr,
                                 sizeof errstr) == RD_KAFKA_CONF_OK;
  return build;
}

}  // namespace

bool LibrdkafkaBuild::has(std::string_view feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

const LibrdkafkaBuild& librdkafka_build() {
  static const LibrdkafkaBuild build = probe();
  return build;
}

}  // namespace kc::config::security
