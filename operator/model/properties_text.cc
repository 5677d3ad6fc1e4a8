#include "operator/model/properties_text.h"

#include <cstdint>

#include <fmt/format.h>

namespace kc::operator_model {
namespace {

void escape(std::string& out, const std::string& s, bool is_key) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\f':
        out += "\\f";
        break;
      case '=':
      case ':':
        if (is_key) out += '\\';
        out += c;
        break;
      case '#':
      case '!':
        if (i == 0) out += '\\';
        out += c;
        break;
      case ' ':
        if (is_key || i == 0) out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

std::string properties_text(const std::map<std::string, std::string>& entries,
                            const std::string& header) {
  std::string out;
  if (!header.empty()) out += "# " + header + "\n";
  for (const auto& [k, v] : entries) {
    escape(out, k, true);
    out += '=';
    escape(out, v, false);
    out += '\n';
  }
  return out;
}

std::string content_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace kc::operator_model
