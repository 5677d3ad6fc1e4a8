#include "runtime/api/plugin.h"

namespace kc::api {

std::string_view plugin_type_name(PluginType type) {
  switch (type) {
    case PluginType::kSink:
      return "sink";
    case PluginType::kConverter:
      return "converter";
    case PluginType::kHeaderConverter:
      return "header_converter";
    case PluginType::kTransform:
      return "transformation";
    case PluginType::kPredicate:
      return "predicate";
  }
  return "unknown";
}

bool PluginInfo::matches(std::string_view requested) const {
  if (requested == name || requested == class_name) return true;
  for (const auto& alias : aliases) {
    if (requested == alias) return true;
  }
  return false;
}

}  // namespace kc::api
