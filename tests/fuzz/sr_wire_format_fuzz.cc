// libFuzzer target: Confluent's wire format framing (header, Protobuf message indexes). Checks:
// no crash, errors are data errors, and indexes that were read frame back to the same bytes.

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/converters/schema_registry/wire_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kc::schema_registry;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto framed = parse_frame(bytes);
  if (!framed) {
    if (framed.error().code() != kc::Errc::kData) __builtin_trap();
    return 0;
  }
  auto payload = framed->payload;
  auto indexes = read_message_indexes(payload);
  if (!indexes) {
    if (indexes.error().code() != kc::Errc::kData) __builtin_trap();
    return 0;
  }
  // Reading back what frame_protobuf wrote gives the same indexes and payload.
  auto again = frame_protobuf(framed->schema_id, *indexes, payload);
  auto reframed = parse_frame(again);
  if (!reframed || reframed->schema_id != framed->schema_id) __builtin_trap();
  auto rest = reframed->payload;
  auto reread = read_message_indexes(rest);
  if (!reread || *reread != *indexes || rest != payload) __builtin_trap();
  return 0;
}
