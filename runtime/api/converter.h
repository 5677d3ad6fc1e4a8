#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "runtime/api/value.h"

namespace kc::api {

struct SchemaAndValue {
  SchemaPtr schema;
  Value value;
};

// Kafka Connect's Converter (and HeaderConverter): bytes <-> Connect data.
// One instance per task and role (key, value, header), called from the task's sink thread only.
class Converter {
 public:
  virtual ~Converter() = default;

  // `bytes` is nullopt for a Kafka null (tombstone). The result may borrow `bytes`.
  // Errors: Errc::kData, with a message that says what is wrong with the data (never the data).
  virtual Result<SchemaAndValue> to_connect(std::string_view topic,
                                            std::optional<std::string_view> bytes) = 0;
  // The reverse, for sinks and the dead-letter queue; nullopt encodes a Kafka null.
  virtual Result<std::optional<std::string>> from_connect(std::string_view topic,
                                                          const SchemaAndValue& data) = 0;
};

enum class ConverterRole { kKey, kValue, kHeader };

}  // namespace kc::api
