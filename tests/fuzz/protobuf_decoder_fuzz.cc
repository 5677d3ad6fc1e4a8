// libFuzzer target: the Protobuf decoder (message indexes, DynamicMessage parsing, the mapping to
// Connect data) on arbitrary payloads of a schema with every field kind and well-known types, and
// .proto texts parsed with libprotoc. Checks: no crash, no sanitizer report, data errors only.

#include "tests/fuzz/sr_fuzz_support.h"

namespace {

constexpr std::string_view kSchema = R"(syntax = "proto3";
package com.example;
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
message Order {
  int64 id = 1;
  string customer = 2;
  repeated string items = 3;
  map<string, int32> qty = 4;
  Status status = 5;
  Address ship_to = 6;
  oneof payment {
    string card = 7;
    string iban = 8;
  }
  double total = 9;
  bool paid = 10;
  bytes blob = 11;
  uint32 u32 = 12;
  sint64 s64 = 13;
  optional string note = 14;
  google.protobuf.Timestamp at = 15;
  google.protobuf.Int64Value maybe = 16;
  google.type.Date day = 17;
  google.type.TimeOfDay time = 18;
  repeated Address more = 19;
  fixed32 f32 = 20;
  float ratio = 21;
  message Line { string sku = 1; Line child = 2; }
  repeated Line lines = 22;
}
enum Status {
  UNKNOWN = 0;
  NEW = 1;
  SHIPPED = 2;
}
message Address {
  string city = 1;
  int32 zip = 2;
}
)";

std::unique_ptr<kc::schema_registry::Decoder> make(const kc::schema_registry::RegisteredSchema& s) {
  auto d = kc::schema_registry::make_protobuf_decoder(s, {});
  return d ? std::move(*d) : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kc::fuzz::decode_or_parse(data, size, kc::schema_registry::SchemaType::kProtobuf, kSchema,
                                   make);
}
