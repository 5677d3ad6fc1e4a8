#include "runtime/registry/builtin_plugins.h"

#include "runtime/converters/byte_array_converter.h"
#include "runtime/converters/json_converter.h"
#include "runtime/converters/simple_header_converter.h"
#include "runtime/converters/string_converter.h"
#include "runtime/sinks/file/file_sink.h"
#include "runtime/sinks/null/null_sink.h"

namespace kc::registry {
namespace {

template <class T>
const T* find_in(const std::vector<T>& plugins, std::string_view name) {
  for (const auto& p : plugins) {
    if (p.info.matches(name)) return &p;
  }
  return nullptr;
}

}  // namespace

const api::SinkPlugin* Plugins::find_sink(std::string_view name) const {
  return find_in(sinks, name);
}
const api::ConverterPlugin* Plugins::find_converter(std::string_view name) const {
  return find_in(converters, name);
}
const api::TransformPlugin* Plugins::find_transform(std::string_view name) const {
  return find_in(transforms, name);
}
const api::PredicatePlugin* Plugins::find_predicate(std::string_view name) const {
  return find_in(predicates, name);
}

const Plugins& builtin() {
  static const Plugins plugins = [] {
    Plugins p;
    p.sinks = {
        sink::file::file_sink_plugin(),
        sink::null::null_sink_plugin(),
    };
    p.converters = {
        converters::json_converter_plugin(),
        converters::string_converter_plugin(),
        converters::byte_array_converter_plugin(),
        converters::simple_header_converter_plugin(),
    };
    return p;
  }();
  return plugins;
}

}  // namespace kc::registry
