#pragma once

// Shared by the Avro and JSON Schema decoders: the connect.* properties Confluent's serializers
// write into schemas (connect.version, connect.parameters), read from the schema's JSON.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <simdjson.h>

namespace kc::schema_registry {

inline void read_connect_properties(simdjson::dom::object obj, std::optional<int32_t>& version,
                                    std::map<std::string, std::string>& parameters) {
  int64_t v = 0;
  if (!obj["connect.version"].get(v)) version = static_cast<int32_t>(v);
  simdjson::dom::object params;
  if (obj["connect.parameters"].get(params)) return;
  for (auto field : params) {
    std::string_view text;
    if (!field.value.get(text)) parameters.emplace(field.key, text);
  }
}

}  // namespace kc::schema_registry
