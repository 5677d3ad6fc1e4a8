#include "runtime/sinks/common/batch_label.h"

#include <fmt/format.h>

namespace kc::sink {
namespace {

constexpr size_t kNameChars = 24;

std::string sanitize(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, kNameChars)) {
    bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
    out.push_back(valid ? c : '_');
  }
  return out;
}

void fnv1a(uint64_t& h, std::string_view bytes) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  // A separator that no name contains, so ("ab","c") and ("a","bc") differ.
  h ^= 0xff;
  h *= 0x100000001b3ULL;
}

}  // namespace

std::string make_label(const LabelParts& parts) {
  uint64_t h = 0xcbf29ce484222325ULL;
  fnv1a(h, parts.connector);
  fnv1a(h, parts.database);
  fnv1a(h, parts.table);
  fnv1a(h, parts.topic);
  return fmt::format("{}-{}-{}-{}-{}-{:016x}", sanitize(parts.connector), sanitize(parts.table),
                     parts.partition, parts.first_offset, parts.end_offset, h);
}

}  // namespace kc::sink
