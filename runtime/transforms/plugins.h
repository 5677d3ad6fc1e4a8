#pragma once

// Kafka Connect's single message transforms and predicates (org.apache.kafka.connect.transforms.*)
// as kconnect plugins. Each function returns one family's descriptors; registry/builtin_plugins.cc
// lists them. Names are Kafka's simple class names ("InsertField$Value", "RegexRouter"); class
// names are Kafka's ("org.apache.kafka.connect.transforms.InsertField$Value").
//
// Instances are created per task and called from its sink thread only. Differences from Kafka are
// listed in runtime/transforms/README.md.

#include <vector>

#include "runtime/api/plugin.h"

namespace kc::transforms {

std::vector<api::TransformPlugin> insert_field_plugins();         // InsertField$Key/$Value
std::vector<api::TransformPlugin> replace_field_plugins();        // ReplaceField$Key/$Value
std::vector<api::TransformPlugin> mask_field_plugins();           // MaskField$Key/$Value
std::vector<api::TransformPlugin> value_to_key_plugins();         // ValueToKey
std::vector<api::TransformPlugin> extract_field_plugins();        // ExtractField$Key/$Value
std::vector<api::TransformPlugin> hoist_field_plugins();          // HoistField$Key/$Value
std::vector<api::TransformPlugin> cast_plugins();                 // Cast$Key/$Value
std::vector<api::TransformPlugin> timestamp_converter_plugins();  // TimestampConverter$Key/$Value
std::vector<api::TransformPlugin> flatten_plugins();              // Flatten$Key/$Value
std::vector<api::TransformPlugin> regex_router_plugins();         // RegexRouter
std::vector<api::TransformPlugin> timestamp_router_plugins();     // TimestampRouter
std::vector<api::TransformPlugin> filter_plugins();               // Filter
std::vector<api::TransformPlugin> insert_header_plugins();        // InsertHeader
std::vector<api::TransformPlugin> drop_headers_plugins();         // DropHeaders
std::vector<api::TransformPlugin> header_from_plugins();          // HeaderFrom$Key/$Value

// TopicNameMatches, HasHeaderKey, RecordIsTombstone
std::vector<api::PredicatePlugin> predicate_plugins();

}  // namespace kc::transforms
