#pragma once

// Confluent's wire format (the Schema Registry serializers' framing):
//
//   byte 0      magic byte 0
//   bytes 1..4  schema id, 32-bit big-endian
//   Protobuf only: the message indexes, which message of the .proto file the payload is — a
//               zig-zag varint count, then that many zig-zag varint indexes (a path through
//               nested messages); a single 0 byte is the shorthand for [0], the first message
//   the rest    the payload: Avro binary, Protobuf binary or JSON text
//
// Threading: pure functions. Errors: Errc::kData with what is wrong (never the bytes).

#include <cstdint>
#include <string_view>
#include <vector>

#include "libs/base/error.h"

namespace kc::schema_registry {

inline constexpr uint8_t kMagicByte = 0;
inline constexpr size_t kHeaderSize = 5;

struct Framed {
  int32_t schema_id = 0;
  std::string_view payload;  // borrows the input
};

// The header of a framed message. Refuses a message shorter than 5 bytes or with another
// magic byte ("Unknown magic byte!", as Confluent's deserializer says).
Result<Framed> parse_frame(std::string_view bytes);

// Reads Protobuf's message indexes from the front of `payload` and removes them from it. At most
// `max_depth` indexes (deeper nesting than any real schema has is refused as corrupt).
Result<std::vector<int32_t>> read_message_indexes(std::string_view& payload, size_t max_depth = 64);

// The framing of `schema_id` (and, for Protobuf, `indexes`) around `payload`, as Confluent's
// serializers write it; for tests and benchmarks that need framed bytes.
std::string frame(int32_t schema_id, std::string_view payload);
std::string frame_protobuf(int32_t schema_id, const std::vector<int32_t>& indexes,
                           std::string_view payload);

}  // namespace kc::schema_registry
