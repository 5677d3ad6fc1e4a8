#pragma once

#include "runtime/api/plugin.h"

namespace kc::sink::null {

// Accepts and discards every record. For benchmarks and for measuring the pipeline alone.
api::SinkPlugin null_sink_plugin();

}  // namespace kc::sink::null
