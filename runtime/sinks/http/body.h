#pragma once

// Request bodies of the http and rockset sinks: how one record becomes a document, and how a
// batch's documents are wrapped for each body format (settings.h BodyFormat).
//
//   json_array     [doc,doc]                                  application/json
//   ndjson         doc\ndoc\n                                 application/x-ndjson
//   csv            row\r\nrow\r\n  (RFC 4180)                 text/csv
//   rockset        {"data":[doc,doc]}                         application/json
//   rockset_kafka  {"topic":"t","kafka_messages":[msg,msg]}   application/json
//
// JSON documents: structs and maps as objects, raw JSON (the JsonConverter without schemas) as
// is, string and bytes values as the JSON text they hold (the StringConverter on JSON records),
// refused when they hold none. A document id (http.document.id) is set in the document's
// object, replacing a field of that name. Rockset's Kafka receiver message (its Java connector's
// KafkaMessage): {"document":{..},"key":..,"partition":p,"offset":o} plus "create_time" or
// "log_append_time" (ms) by the record's timestamp type; a null value is the document {}.
// Errors (kData) are the record's: its value cannot be that document.

#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/record.h"
#include "runtime/sinks/http/settings.h"

namespace kc::sink::http_sink {

struct Layout {
  std::string_view content_type;
  std::string prefix;  // before the first document
  std::string_view separator;
  std::string_view suffix;  // after the last document
};

// `topic`: the records' topic after transforms (rockset_kafka names it in the body).
Layout layout(BodyFormat format, std::string_view topic);

// Whether a record is sent at all: tombstones (null values) are not, except to Rockset's
// receiver (the document {}).
bool carries_document(BodyFormat format, const api::SinkRecord& record);

// Appends the document `record` becomes (without separators).
Status append_document(const Settings& settings, const api::SinkRecord& record, std::string& out);

}  // namespace kc::sink::http_sink
