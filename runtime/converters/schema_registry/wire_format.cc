#include "runtime/converters/schema_registry/wire_format.h"

#include <string>

namespace kc::schema_registry {
namespace {

// A zig-zag varint of at most 32 bits (Protobuf's sint32 encoding, as Confluent writes indexes).
Result<int32_t> read_zigzag(std::string_view& in) {
  uint32_t raw = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (in.empty()) {
      return make_error(Errc::kData, "Protobuf message indexes end before the payload starts");
    }
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    raw |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      return static_cast<int32_t>((raw >> 1) ^ (~(raw & 1) + 1));
    }
  }
  return make_error(Errc::kData, "Protobuf message index is not a valid varint");
}

void write_zigzag(int32_t v, std::string& out) {
  auto raw = (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
  while (raw >= 0x80) {
    out.push_back(static_cast<char>((raw & 0x7f) | 0x80));
    raw >>= 7;
  }
  out.push_back(static_cast<char>(raw));
}

}  // namespace

Result<Framed> parse_frame(std::string_view bytes) {
  if (bytes.size() < kHeaderSize) {
    return make_error(
        Errc::kData,
        "Unknown magic byte! (the message has {} bytes, fewer than the 5 of Confluent's "
        "wire format header)",
        bytes.size());
  }
  if (static_cast<uint8_t>(bytes[0]) != kMagicByte) {
    return make_error(Errc::kData,
                      "Unknown magic byte! (found {:#04x}, expected 0x00: the message is not in "
                      "Confluent's wire format)",
                      static_cast<uint8_t>(bytes[0]));
  }
  uint32_t id = 0;
  for (size_t i = 1; i < kHeaderSize; ++i) id = (id << 8) | static_cast<uint8_t>(bytes[i]);
  return Framed{static_cast<int32_t>(id), bytes.substr(kHeaderSize)};
}

Result<std::vector<int32_t>> read_message_indexes(std::string_view& payload, size_t max_depth) {
  KC_ASSIGN_OR_RETURN(auto count, read_zigzag(payload));
  if (count == 0) return std::vector<int32_t>{0};
  if (count < 0 || static_cast<size_t>(count) > max_depth) {
    return make_error(Errc::kData, "Protobuf message index count {} is out of range (0..{})", count,
                      max_depth);
  }
  std::vector<int32_t> indexes;
  indexes.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    KC_ASSIGN_OR_RETURN(auto index, read_zigzag(payload));
    if (index < 0) return make_error(Errc::kData, "Protobuf message index {} is negative", index);
    indexes.push_back(index);
  }
  return indexes;
}

std::string frame(int32_t schema_id, std::string_view payload) {
  std::string out;
  out.reserve(kHeaderSize + payload.size());
  out.push_back(static_cast<char>(kMagicByte));
  auto id = static_cast<uint32_t>(schema_id);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((id >> shift) & 0xff));
  out.append(payload);
  return out;
}

std::string frame_protobuf(int32_t schema_id, const std::vector<int32_t>& indexes,
                           std::string_view payload) {
  std::string head;
  if (indexes.size() == 1 && indexes[0] == 0) {
    head.push_back('\0');
  } else {
    write_zigzag(static_cast<int32_t>(indexes.size()), head);
    for (auto i : indexes) write_zigzag(i, head);
  }
  return frame(schema_id, head + std::string(payload));
}

}  // namespace kc::schema_registry
