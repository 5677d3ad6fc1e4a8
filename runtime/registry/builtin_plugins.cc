#include "runtime/registry/builtin_plugins.h"

#include "runtime/converters/byte_array_converter.h"
#include "runtime/converters/json_converter.h"
#include "runtime/converters/schema_registry/registry_converters.h"
#include "runtime/converters/simple_header_converter.h"
#include "runtime/converters/string_converter.h"
#include "runtime/sinks/file/file_sink.h"
#include "runtime/sinks/http/http_sink.h"
#include "runtime/sinks/kusto/kusto_sink.h"
#include "runtime/sinks/null/null_sink.h"
#include "runtime/sinks/postgres/postgres_sink.h"
#include "runtime/sinks/rockset/rockset_sink.h"
#include "runtime/sinks/starrocks/starrocks_sink.h"
#include "runtime/transforms/plugins.h"

namespace kc::registry {
namespace {

template <class T>
void append(std::vector<T>& to, std::vector<T> more) {
  for (auto& p : more) to.push_back(std::move(p));
}

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
        sink::file::file_sink_plugin(),         sink::null::null_sink_plugin(),
        sink::postgres::postgres_sink_plugin(), sink::starrocks::starrocks_sink_plugin(),
        sink::kusto::kusto_sink_plugin(),       sink::http_sink::http_sink_plugin(),
        sink::rockset::rockset_sink_plugin(),
    };
    p.converters = {
        converters::json_converter_plugin(),        converters::string_converter_plugin(),
        converters::byte_array_converter_plugin(),  converters::simple_header_converter_plugin(),
        converters::avro_converter_plugin(),        converters::protobuf_converter_plugin(),
        converters::json_schema_converter_plugin(),
    };
    // Kafka Connect's single message transforms and predicates.
    append(p.transforms, transforms::insert_field_plugins());
    append(p.transforms, transforms::replace_field_plugins());
    append(p.transforms, transforms::mask_field_plugins());
    append(p.transforms, transforms::value_to_key_plugins());
    append(p.transforms, transforms::extract_field_plugins());
    append(p.transforms, transforms::hoist_field_plugins());
    append(p.transforms, transforms::cast_plugins());
    append(p.transforms, transforms::timestamp_converter_plugins());
    append(p.transforms, transforms::flatten_plugins());
    append(p.transforms, transforms::regex_router_plugins());
    append(p.transforms, transforms::timestamp_router_plugins());
    append(p.transforms, transforms::filter_plugins());
    append(p.transforms, transforms::insert_header_plugins());
    append(p.transforms, transforms::drop_headers_plugins());
    append(p.transforms, transforms::header_from_plugins());
    append(p.predicates, transforms::predicate_plugins());
    return p;
  }();
  return plugins;
}

}  // namespace kc::registry
