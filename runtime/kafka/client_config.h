#pragma once

// Building librdkafka configurations. Property names here are librdkafka's; translation from Java
// client keys happens in runtime/config before this point.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/base/error.h"
#include "runtime/kafka/handles.h"

namespace kc::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

// The value `key` ends up with: its last entry, as make_conf() sets them in order; nullopt when
// absent.
std::optional<std::string> find_property(const Properties& properties, std::string_view key);

// Creates a configuration with every property set in order (later entries win) and librdkafka's
// log and error callbacks routed to the "kc.kafka" logger. Reports every refused property at once;
// values of sensitive properties (api::is_sensitive_key) are never echoed.
Result<ConfPtr> make_conf(const Properties& properties);

// The error callback make_conf() installs (logs to "kc.kafka"), for clients that install their
// own error callback and still want the log line.
void log_client_error(rd_kafka_t* rk, int err, const char* reason);

}  // namespace kc::kafka
