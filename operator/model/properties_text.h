#pragma once

// Writes Java .properties text (java.util.Properties#store escaping) that
// runtime/config/properties.h reads back unchanged. Pure.

#include <map>
#include <string>

namespace kc::operator_model {

// `header` lines become "# ..." comments; entries are written in key order.
std::string properties_text(const std::map<std::string, std::string>& entries,
                            const std::string& header);

// A short stable content hash (FNV-1a 64, 16 hex digits) for change-detection annotations.
std::string content_hash(const std::string& text);

}  // namespace kc::operator_model
