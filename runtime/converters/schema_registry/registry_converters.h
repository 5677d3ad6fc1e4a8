#pragma once

#include "runtime/api/plugin.h"

namespace kc::converters {

// Confluent's Schema Registry converters: io.confluent.connect.avro.AvroConverter (also
// Apicurio's io.apicurio.registry.utils.converter.AvroConverter in its Confluent-compatible
// mode), io.confluent.connect.protobuf.ProtobufConverter and
// io.confluent.connect.json.JsonSchemaConverter. They read Confluent's wire format (magic byte,
// schema id; runtime/converters/schema_registry/wire_format.h), fetch each schema once per worker
// (schema_cache.h) and produce the same Connect schema + value as Confluent's converters, so
// transforms and sinks see what they would see behind a JVM worker. Reading only: from_connect is
// refused (a sink never writes these formats). docs/converters.md has keys, mapping and the
// differences from Confluent.
api::ConverterPlugin avro_converter_plugin();
api::ConverterPlugin protobuf_converter_plugin();
api::ConverterPlugin json_schema_converter_plugin();

}  // namespace kc::converters
