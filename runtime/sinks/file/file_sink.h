#pragma once

#include "runtime/api/plugin.h"

namespace kc::sink::file {

// Apache Kafka's FileStreamSinkConnector: one record value per line, appended to `file` (standard
// output when unset). Unlike Kafka's, flush() also fsyncs, so committed offsets never get ahead of
// what is on disk. Values are written as text: strings as they are, bytes raw, null as "null",
// JSON and structured values as single-line JSON (Kafka writes Java's Map.toString() instead).
// A missing parent directory of `file` is created (Kafka's fails).
api::SinkPlugin file_sink_plugin();

}  // namespace kc::sink::file
