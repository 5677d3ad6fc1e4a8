// Schema Registry converters vs the JsonConverter on the same logical data: records/s per core of
// to_connect() into the record model (Connect schema + value). See bench/RESULTS.md.
//
//   build/bin/bench-sr-converters [--records 1000000] [--distinct 10000] [--runs 3]
//
// The data: `distinct` orders (~250 bytes as plain JSON: 11 fields, a nested address, an array,
// an optional string, a timestamp), each encoded as Avro (Apache Avro C's writer), Protobuf
// (libprotobuf's DynamicMessage) and JSON (JsonConverter::from_connect of what the Avro converter
// read, with and without the schema envelope). Each converter then converts `records` messages
// (cycling through the distinct ones) on this thread; the figure is records per CPU-second of this
// thread (CLOCK_THREAD_CPUTIME_ID), the median of `runs`. The registry is the test registry,
// in-process; every schema is fetched once, before timing starts.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <avro.h>
#include <fmt/format.h>
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <time.h>

#include "runtime/converters/json_converter.h"
#include "runtime/converters/schema_registry/registry_converters.h"
#include "runtime/converters/schema_registry/wire_format.h"
#include "tests/fakes/schema_registry/fake_schema_registry.h"

namespace {

namespace pb = google::protobuf;

constexpr const char* kAvroSchema = R"({"type":"record","name":"Order","namespace":"bench",
"fields":[{"name":"id","type":"long"},{"name":"customer","type":"string"},
{"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":"double"},
{"name":"currency","type":"string"},
{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"tags","type":{"type":"array","items":"string"}},{"name":"paid","type":"boolean"},
{"name":"note","type":["null","string"],"default":null},
{"name":"ship_to","type":{"type":"record","name":"Address","fields":[
{"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":"string"},
{"name":"country","type":"string"}]}}]})";

constexpr const char* kProtoSchema = R"(syntax = "proto3";
package bench;
import "google/protobuf/timestamp.proto";
message Order {
  int64 id = 1; string customer = 2; string sku = 3; int32 quantity = 4; double price = 5;
  string currency = 6; google.protobuf.Timestamp created_at = 7; repeated string tags = 8;
  bool paid = 9; optional string note = 10; Address ship_to = 11;
}
message Address { string street = 1; string city = 2; string zip = 3; string country = 4; }
)";

void die(const std::string& what) {
  std::fprintf(stderr, "bench-sr-converters: %s\n", what.c_str());
  std::exit(1);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Sets a field of a libavro record through its interface (the C macros cast C-style).
avro_value_t field(avro_value_t& record, const char* name) {
  avro_value_t out;
  record.iface->get_by_name(record.iface, record.self, name, &out, nullptr);
  return out;
}
void set_string(avro_value_t v, const std::string& s) {
  v.iface->set_string_len(v.iface, v.self, s.c_str(), s.size() + 1);
}

std::string avro_order(avro_value_iface_t* iface, int n) {
  avro_value_t rec;
  avro_generic_value_new(iface, &rec);
  auto id = field(rec, "id");
  id.iface->set_long(id.iface, id.self, 1'000'000 + n);
  set_string(field(rec, "customer"), fmt::format("cust-{:05}", n % 50'000));
  set_string(field(rec, "sku"), fmt::format("SKU-{:06}", (n * 7919) % 1'000'000));
  auto qty = field(rec, "quantity");
  qty.iface->set_int(qty.iface, qty.self, 1 + n % 9);
  auto price = field(rec, "price");
  price.iface->set_double(price.iface, price.self, 9.95 + (n % 1000) * 0.5);
  set_string(field(rec, "currency"), n % 3 == 0 ? "EUR" : n % 3 == 1 ? "CHF" : "USD");
  auto at = field(rec, "created_at");
  at.iface->set_long(at.iface, at.self, 1'700'000'000'000 + n * 1000LL);
  auto tags = field(rec, "tags");
  for (const char* tag : {"priority", "gift"}) {
    avro_value_t item;
    tags.iface->append(tags.iface, tags.self, &item, nullptr);
    set_string(item, tag);
  }
  auto paid = field(rec, "paid");
  paid.iface->set_boolean(paid.iface, paid.self, n % 2);
  auto note = field(rec, "note");
  avro_value_t branch;
  if (n % 4 == 0) {
    note.iface->set_branch(note.iface, note.self, 0, &branch);
    branch.iface->set_null(branch.iface, branch.self);
  } else {
    note.iface->set_branch(note.iface, note.self, 1, &branch);
    set_string(branch, "ring twice");
  }
  auto ship = field(rec, "ship_to");
  set_string(field(ship, "street"), fmt::format("Bahnhofstr. {}", n % 200));
  set_string(field(ship, "city"), "Zurich");
  set_string(field(ship, "zip"), "8001");
  set_string(field(ship, "country"), "CH");
  char buffer[4096];
  avro_writer_t writer = avro_writer_memory(buffer, sizeof buffer);
  if (avro_value_write(writer, &rec) != 0) die(avro_strerror());
  std::string out(buffer, static_cast<size_t>(avro_writer_tell(writer)));
  avro_writer_free(writer);
  avro_value_decref(&rec);
  return out;
}

class Collector final : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber, const std::string& message) override {
    die(fmt::format("proto line {}: {}", line, message));
  }
};

// The Protobuf encoding of the same order, from what the Avro converter read.
std::string protobuf_order(const pb::Descriptor* d, pb::DynamicMessageFactory& factory,
                           const kc::api::Value& v) {
  std::unique_ptr<pb::Message> m(factory.GetPrototype(d)->New());
  const auto* r = m->GetReflection();
  r->SetInt64(m.get(), d->FindFieldByName("id"), v.get("id")->as_int());
  r->SetString(m.get(), d->FindFieldByName("customer"), std::string(v.get("customer")->as_text()));
  r->SetString(m.get(), d->FindFieldByName("sku"), std::string(v.get("sku")->as_text()));
  r->SetInt32(m.get(), d->FindFieldByName("quantity"),
              static_cast<int32_t>(v.get("quantity")->as_int()));
  r->SetDouble(m.get(), d->FindFieldByName("price"), v.get("price")->as_double());
  r->SetString(m.get(), d->FindFieldByName("currency"), std::string(v.get("currency")->as_text()));
  auto* ts = r->MutableMessage(m.get(), d->FindFieldByName("created_at"), &factory);
  auto ms = v.get("created_at")->as_int();
  ts->GetReflection()->SetInt64(ts, ts->GetDescriptor()->field(0), ms / 1000);
  ts->GetReflection()->SetInt32(ts, ts->GetDescriptor()->field(1),
                                static_cast<int32_t>(ms % 1000) * 1'000'000);
  for (const auto& tag : v.get("tags")->as_array()) {
    r->AddString(m.get(), d->FindFieldByName("tags"), std::string(tag.as_text()));
  }
  r->SetBool(m.get(), d->FindFieldByName("paid"), v.get("paid")->as_bool());
  if (!v.get("note")->is_null()) {
    r->SetString(m.get(), d->FindFieldByName("note"), std::string(v.get("note")->as_text()));
  }
  auto* ship = r->MutableMessage(m.get(), d->FindFieldByName("ship_to"), &factory);
  for (const char* f : {"street", "city", "zip", "country"}) {
    ship->GetReflection()->SetString(ship, ship->GetDescriptor()->FindFieldByName(f),
                                     std::string(v.get("ship_to")->get(f)->as_text()));
  }
  return m->SerializeAsString();
}

std::unique_ptr<kc::api::Converter> converter(const kc::api::ConverterPlugin& plugin,
                                              const kc::api::RawConfig& raw) {
  std::vector<kc::api::ConfigIssue> issues;
  auto config = kc::api::Config::parse(plugin.info.config_def(), raw, issues);
  if (!issues.empty()) die(issues[0].to_string());
  auto made = plugin.create(config, kc::api::ConverterRole::kValue);
  if (!made) die(made.error().message());
  return std::move(*made);
}

struct Figure {
  std::string name;
  double bytes_per_record = 0;
  double records_per_cpu_second = 0;
};

Figure measure(const std::string& name, kc::api::Converter& c,
               const std::vector<std::string>& messages, long records, int runs) {
  double total_bytes = 0;
  for (const auto& m : messages) total_bytes += static_cast<double>(m.size());
  std::vector<double> rates;
  for (int run = 0; run < runs; ++run) {
    double start = thread_cpu_seconds();
    size_t i = 0;
    for (long k = 0; k < records; ++k) {
      auto r = c.to_connect("orders", messages[i]);
      if (!r) die(name + ": " + r.error().message());
      if (++i == messages.size()) i = 0;
    }
    rates.push_back(static_cast<double>(records) / (thread_cpu_seconds() - start));
  }
  std::sort(rates.begin(), rates.end());
  return {name, total_bytes / static_cast<double>(messages.size()), rates[rates.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  long records = 1'000'000;
  int distinct = 10'000, runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--records") records = std::atol(argv[i + 1]);
    if (arg == "--distinct") distinct = std::atoi(argv[i + 1]);
    if (arg == "--runs") runs = std::atoi(argv[i + 1]);
  }
  auto registry = kc::testing::FakeSchemaRegistry::start({});
  if (!registry) die(registry.error().message());
  int avro_id = (*registry)->register_schema("orders-avro", kAvroSchema);
  int proto_id = (*registry)->register_schema("orders-proto", kProtoSchema, "PROTOBUF");
  kc::api::RawConfig sr = {{"schema.registry.url", (*registry)->url()}};
  auto avro = converter(kc::converters::avro_converter_plugin(), sr);
  auto protobuf = converter(kc::converters::protobuf_converter_plugin(), sr);
  auto json_schemas = converter(kc::converters::json_converter_plugin(), {});
  auto json_plain =
      converter(kc::converters::json_converter_plugin(), {{"schemas.enable", "false"}});

  avro_schema_t schema;
  if (avro_schema_from_json_length(kAvroSchema, std::strlen(kAvroSchema), &schema))
    die(avro_strerror());
  avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
  pb::DescriptorPool pool(pb::DescriptorPool::generated_pool());
  pb::FileDescriptorProto file;
  Collector errors;
  pb::io::ArrayInputStream input(kProtoSchema, static_cast<int>(std::strlen(kProtoSchema)));
  pb::io::Tokenizer tokenizer(&input, &errors);
  pb::compiler::Parser parser;
  if (!parser.Parse(&tokenizer, &file)) die("proto");
  file.set_name("bench.proto");
  const auto* order = pool.BuildFile(file)->message_type(0);
  pb::DynamicMessageFactory factory(&pool);

  std::vector<std::string> avro_messages, proto_messages, json_messages, envelope_messages;
  for (int n = 0; n < distinct; ++n) {
    auto framed = kc::schema_registry::frame(avro_id, avro_order(iface, n));
    auto read = avro->to_connect("orders", framed);
    if (!read) die(read.error().message());
    read->value.own();
    proto_messages.push_back(kc::schema_registry::frame_protobuf(
        proto_id, {0}, protobuf_order(order, factory, read->value)));
    json_messages.push_back(**json_plain->from_connect("orders", *read));
    envelope_messages.push_back(**json_schemas->from_connect("orders", *read));
    avro_messages.push_back(std::move(framed));
  }
  if (distinct > 0) {
    std::printf("Sample order as plain JSON (%zu bytes): %s\n\n", json_messages[1].size(),
                json_messages[1].c_str());
  }
  std::vector<Figure> figures = {
      measure("JsonConverter, schemas.enable=true (baseline: same record model)", *json_schemas,
              envelope_messages, records, runs),
      measure("JsonConverter, schemas.enable=false (no schema; value left as raw JSON)",
              *json_plain, json_messages, records, runs),
      measure("AvroConverter", *avro, avro_messages, records, runs),
      measure("ProtobufConverter", *protobuf, proto_messages, records, runs),
  };
  std::printf(
      "| converter | bytes/record | records/s per core | vs baseline |\n|---|---|---|---|\n");
  for (const auto& f : figures) {
    std::printf("| %s | %.0f | %.0f | %.2fx |\n", f.name.c_str(), f.bytes_per_record,
                f.records_per_cpu_second,
                f.records_per_cpu_second / figures[0].records_per_cpu_second);
  }
  std::printf(
      "\n%ld records per run (cycling through %d distinct), median of %d runs; registry "
      "requests: %zu\n",
      records, distinct, runs, (*registry)->requests("/schemas/ids/"));
  avro_value_iface_decref(iface);
  avro_schema_decref(schema);
  return 0;
}
