#pragma once

#include <string_view>

#include <librdkafka/rdkafka.h>

#include "libs/base/error.h"

namespace kc::kafka {

// Maps a librdkafka error code to a kc::Error: connection, timeout, coordinator and leadership
// errors are retriable; authentication, authorization, SSL and configuration errors are not.
Error to_error(rd_kafka_resp_err_t err, std::string_view context);
// Same for an rd_kafka_error_t, honouring its own retriable/fatal flags. Takes ownership.
Error to_error(rd_kafka_error_t* err, std::string_view context);
bool is_retriable(rd_kafka_resp_err_t err);

}  // namespace kc::kafka
