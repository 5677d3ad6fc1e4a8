// Protobuf payloads read with Debian's protobuf library: the registry's .proto text is parsed with
// libprotoc's compiler::Parser into descriptors (references and well-known imports first), and
// payloads are parsed into DynamicMessages, then mapped to Connect data as Confluent's
// ProtobufData does (docs/converters.md has the table).

#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include "libs/base/time.h"
#include "runtime/converters/schema_registry/decoder.h"
#include "runtime/converters/schema_registry/wire_format.h"

namespace kc::schema_registry {
namespace {

namespace pb = google::protobuf;
using api::Schema;
using api::SchemaPtr;
using api::Type;
using api::Value;

constexpr std::string_view kTimestampName = "org.apache.kafka.connect.data.Timestamp";
constexpr std::string_view kDateName = "org.apache.kafka.connect.data.Date";
constexpr std::string_view kTimeName = "org.apache.kafka.connect.data.Time";
constexpr std::string_view kUnionPrefix = "io.confluent.connect.protobuf.Union.";
constexpr std::string_view kEnumParam = "io.confluent.connect.protobuf.Enum";

// Imports Confluent's serializers do not register as references (skip.known.types) and that
// libprotobuf does not carry compiled in: their public definitions.
const std::map<std::string, std::string, std::less<>>& known_files() {
  static const std::map<std::string, std::string, std::less<>> files = {
      {"google/type/date.proto",
       "syntax = \"proto3\"; package google.type; "
       "message Date { int32 year = 1; int32 month = 2; int32 day = 3; }"},
      {"google/type/timeofday.proto",
       "syntax = \"proto3\"; package google.type; "
       "message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; "
       "int32 nanos = 4; }"},
      {"confluent/type/decimal.proto",
       "syntax = \"proto3\"; package confluent.type; "
       "message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }"},
      {"confluent/meta.proto",
       "syntax = \"proto3\"; package confluent; import \"google/protobuf/descriptor.proto\"; "
       "message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }"
       "extend google.protobuf.FileOptions { Meta file_meta = 1088; }"
       "extend google.protobuf.MessageOptions { Meta message_meta = 1088; }"
       "extend google.protobuf.FieldOptions { Meta field_meta = 1088; }"
       "extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }"
       "extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }"},
  };
  return files;
}

class Collector final : public pb::io::ErrorCollector, public pb::DescriptorPool::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (first.empty()) first = fmt::format("line {}:{}: {}", line + 1, column + 1, message);
  }
  void AddError(const std::string& filename, const std::string& element_name, const pb::Message*,
                ErrorLocation, const std::string& message) override {
    if (first.empty()) first = fmt::format("{} ({}): {}", filename, element_name, message);
  }
  std::string first;
};

class Files {
 public:
  Files(pb::DescriptorPool& pool, const RegisteredSchema& schema) : pool_(pool) {
    for (const auto& [name, text] : schema.references) texts_.emplace(name, text);
  }

  Result<const pb::FileDescriptor*> build(const std::string& name, std::string_view text,
                                          int depth = 0) {
    if (const auto* done = pool_.FindFileByName(name)) return done;
    if (depth > 64)
      return tl::unexpected(schema_error("Protobuf", "imports nest deeper than 64 levels"));
    pb::FileDescriptorProto proto;
    Collector errors;
    pb::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
    pb::io::Tokenizer tokenizer(&input, &errors);
    pb::compiler::Parser parser;
    parser.RecordErrorsTo(&errors);
    if (!parser.Parse(&tokenizer, &proto) || !errors.first.empty()) {
      return tl::unexpected(
          schema_error("Protobuf", fmt::format("{} does not parse: {}", name, errors.first)));
    }
    proto.set_name(name);
    for (const auto& dependency : proto.dependency()) {
      if (pool_.FindFileByName(dependency)) continue;
      std::string_view dep_text;
      if (auto it = texts_.find(dependency); it != texts_.end()) {
        dep_text = it->second;
      } else if (auto known = known_files().find(dependency); known != known_files().end()) {
        dep_text = known->second;
      } else {
        return tl::unexpected(schema_error(
            "Protobuf",
            fmt::format(
                "{} imports {}, which is neither among the schema's references nor a known type",
                name, dependency)));
      }
      KC_RETURN_IF_ERROR(build(dependency, dep_text, depth + 1));
    }
    const auto* file = pool_.BuildFileCollectingErrors(proto, &errors);
    if (!file) {
      return tl::unexpected(schema_error(
          "Protobuf", fmt::format("{} is not a valid schema: {}", name, errors.first)));
    }
    return file;
  }

 private:
  pb::DescriptorPool& pool_;
  std::map<std::string, std::string, std::less<>> texts_;
};

enum class Special { kNone, kTimestamp, kDate, kTimeOfDay, kWrapper };

Special special_of(const pb::Descriptor* d, const ConverterSettings& settings) {
  const auto& name = d->full_name();
  if (name == "google.protobuf.Timestamp") return Special::kTimestamp;
  if (name == "google.type.Date") return Special::kDate;
  if (name == "google.type.TimeOfDay") return Special::kTimeOfDay;
  if (settings.wrapper_for_raw_primitives &&
      d->file()->name() == "google/protobuf/wrappers.proto") {
    return Special::kWrapper;
  }
  return Special::kNone;
}

class ProtobufDecoder final : public Decoder {
 public:
  static Result<std::unique_ptr<Decoder>> create(const RegisteredSchema& registered,
                                                 const ConverterSettings& settings) {
    std::unique_ptr<ProtobufDecoder> d(new ProtobufDecoder(settings));
    Files files(*d->pool_, registered);
    KC_ASSIGN_OR_RETURN(
        d->file_, files.build(fmt::format("schema-{}.proto", registered.id), registered.text));
    if (d->file_->message_type_count() == 0) {
      return tl::unexpected(schema_error("Protobuf", "the schema defines no message"));
    }
    return std::unique_ptr<Decoder>(std::move(d));
  }

  Result<api::SchemaAndValue> decode(std::string_view payload) override {
    KC_ASSIGN_OR_RETURN(auto indexes, read_message_indexes(payload));
    const pb::Descriptor* d = nullptr;
    for (size_t i = 0; i < indexes.size(); ++i) {
      int count = i == 0 ? file_->message_type_count() : d->nested_type_count();
      if (indexes[i] >= count) {
        return make_error(Errc::kData, "message index {} names no message of the schema",
                          indexes[i]);
      }
      d = i == 0 ? file_->message_type(indexes[i]) : d->nested_type(indexes[i]);
    }
    auto& slot = messages_[d];
    if (!slot) slot.reset(factory_.GetPrototype(d)->New());
    slot->Clear();
    if (!slot->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return make_error(Errc::kData, "Protobuf payload does not parse as {}", d->full_name());
    }
    KC_ASSIGN_OR_RETURN(auto schema, message_schema(d));
    KC_ASSIGN_OR_RETURN(auto value, message_value(*slot));
    // The top-level struct is not optional (Confluent's ProtobufData).
    return api::SchemaAndValue{schema, std::move(value)};
  }

 private:
  explicit ProtobufDecoder(const ConverterSettings& settings)
      : settings_(settings),
        pool_(std::make_unique<pb::DescriptorPool>(pb::DescriptorPool::generated_pool())),
        factory_(pool_.get()) {}

  // ---- schemas --------------------------------------------------------------------------

  Result<SchemaPtr> message_schema(const pb::Descriptor* d, bool optional = false) {
    auto key = std::make_pair(d, optional);
    if (auto it = schemas_.find(key); it != schemas_.end()) return it->second;
    if (building_.count(d)) {
      return tl::unexpected(schema_error(
          "Protobuf",
          fmt::format("{} refers to itself; recursive messages cannot be a Connect schema",
                      d->full_name())));
    }
    building_.insert(d);
    auto built = build_message_schema(d, optional);
    building_.erase(d);
    if (built) schemas_[key] = *built;
    return built;
  }

  Result<SchemaPtr> build_message_schema(const pb::Descriptor* d, bool optional) {
    auto s = std::make_shared<Schema>();
    s->optional = optional;
    switch (special_of(d, settings_)) {
      case Special::kTimestamp:
        s->type = Type::kInt64;
        s->name = std::string(kTimestampName);
        s->version = 1;
        return SchemaPtr(s);
      case Special::kDate:
        s->type = Type::kInt32;
        s->name = std::string(kDateName);
        s->version = 1;
        return SchemaPtr(s);
      case Special::kTimeOfDay:
        s->type = Type::kInt32;
        s->name = std::string(kTimeName);
        s->version = 1;
        return SchemaPtr(s);
      case Special::kWrapper: {
        KC_ASSIGN_OR_RETURN(auto inner, field_schema(d->field(0), true));
        return inner;
      }
      case Special::kNone:
        break;
    }
    s->type = Type::kStruct;
    s->name = settings_.enhanced_schema_support ? d->full_name() : d->name();
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      const auto* oneof = f->real_containing_oneof();
      if (oneof) {
        if (oneof->field(0) != f) continue;  // the union goes where its first field is
        auto u = std::make_shared<Schema>();
        u->type = Type::kStruct;
        u->optional = true;
        u->name = fmt::format("{}{}", kUnionPrefix, union_name(oneof));
        for (int k = 0; k < oneof->field_count(); ++k) {
          KC_ASSIGN_OR_RETURN(auto member, field_schema(oneof->field(k), true));
          u->fields.push_back({oneof->field(k)->name(), member});
        }
        s->fields.push_back({union_name(oneof), u});
        continue;
      }
      KC_ASSIGN_OR_RETURN(auto fs, field_schema(f, true));
      s->fields.push_back({f->name(), fs});
    }
    return SchemaPtr(s);
  }

  std::string union_name(const pb::OneofDescriptor* oneof) const {
    return settings_.generate_index_for_unions ? fmt::format("{}_{}", oneof->name(), oneof->index())
                                               : oneof->name();
  }

  Result<SchemaPtr> scalar_schema(const pb::FieldDescriptor* f, bool optional) {
    auto s = std::make_shared<Schema>();
    s->optional = optional;
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
        s->type = Type::kInt32;
        break;
      case pb::FieldDescriptor::CPPTYPE_INT64:
      case pb::FieldDescriptor::CPPTYPE_UINT32:
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        s->type = Type::kInt64;
        break;
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        s->type = Type::kFloat32;
        break;
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        s->type = Type::kFloat64;
        break;
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        s->type = Type::kBoolean;
        break;
      case pb::FieldDescriptor::CPPTYPE_STRING:
        s->type = f->type() == pb::FieldDescriptor::TYPE_BYTES ? Type::kBytes : Type::kString;
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        const auto* e = f->enum_type();
        if (settings_.int_for_enums) {
          s->type = Type::kInt32;
          break;
        }
        s->type = Type::kString;
        s->name = settings_.enhanced_schema_support ? e->full_name() : e->name();
        s->parameters[std::string(kEnumParam)] = e->name();
        for (int k = 0; k < e->value_count(); ++k) {
          s->parameters[fmt::format("{}.{}", kEnumParam, e->value(k)->name())] =
              std::to_string(e->value(k)->number());
        }
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        return message_schema(f->message_type(), optional);
    }
    return SchemaPtr(s);
  }

  Result<SchemaPtr> field_schema(const pb::FieldDescriptor* f, bool optional) {
    if (f->is_map()) {
      auto s = std::make_shared<Schema>();
      s->type = Type::kMap;
      s->optional = optional;
      KC_ASSIGN_OR_RETURN(s->key_schema, scalar_schema(f->message_type()->map_key(), true));
      KC_ASSIGN_OR_RETURN(s->value_schema, scalar_schema(f->message_type()->map_value(), true));
      return SchemaPtr(s);
    }
    if (f->is_repeated()) {
      auto s = std::make_shared<Schema>();
      s->type = Type::kArray;
      s->optional = optional;
      KC_ASSIGN_OR_RETURN(s->value_schema, scalar_schema(f, false));
      return SchemaPtr(s);
    }
    return scalar_schema(f, optional);
  }

  // ---- values ---------------------------------------------------------------------------

  Result<Value> scalar(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
    const auto* r = m.GetReflection();
    bool repeated = index >= 0;
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
        return Value::int32(repeated ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return Value::int64(repeated ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        return Value::int64(repeated ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        return Value::int64(static_cast<int64_t>(repeated ? r->GetRepeatedUInt64(m, f, index)
                                                          : r->GetUInt64(m, f)));
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        return Value::float32(repeated ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        return Value::float64(repeated ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        return Value::boolean(repeated ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f));
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        std::string text = repeated ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
        return f->type() == pb::FieldDescriptor::TYPE_BYTES ? Value::bytes(std::move(text))
                                                            : Value::string(std::move(text));
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        int number = repeated ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
        if (settings_.int_for_enums) return Value::int32(number);
        const auto* v = f->enum_type()->FindValueByNumber(number);
        // An unknown number (a newer writer) keeps its number as text.
        return Value::string(v ? v->name() : std::to_string(number));
      }
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        return message_value(repeated ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f));
    }
    return Value();
  }

  Result<Value> field_value(const pb::Message& m, const pb::FieldDescriptor* f) {
    const auto* r = m.GetReflection();
    if (f->is_map()) {
      Value::MapEntries entries;
      int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        const auto& entry = r->GetRepeatedMessage(m, f, i);
        KC_ASSIGN_OR_RETURN(auto k, scalar(entry, f->message_type()->map_key(), -1));
        KC_ASSIGN_OR_RETURN(auto v, scalar(entry, f->message_type()->map_value(), -1));
        entries.emplace_back(std::move(k), std::move(v));
      }
      return Value::map(std::move(entries));
    }
    if (f->is_repeated()) {
      Value::Array items;
      int n = r->FieldSize(m, f);
      items.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        KC_ASSIGN_OR_RETURN(auto item, scalar(m, f, i));
        items.push_back(std::move(item));
      }
      return Value::array(std::move(items));
    }
    // Unset messages and proto3 `optional` fields are null; other scalars have their default.
    if (f->has_presence() && !r->HasField(m, f)) return Value::null();
    return scalar(m, f, -1);
  }

  Result<Value> message_value(const pb::Message& m) {
    const auto* d = m.GetDescriptor();
    const auto* r = m.GetReflection();
    switch (special_of(d, settings_)) {
      case Special::kTimestamp: {
        int64_t seconds = r->GetInt64(m, d->field(0));
        int32_t nanos = r->GetInt32(m, d->field(1));
        return Value::int64(seconds * 1000 + nanos / 1'000'000);
      }
      case Special::kDate: {
        auto y = r->GetInt32(m, d->field(0)), mo = r->GetInt32(m, d->field(1)),
             day = r->GetInt32(m, d->field(2));
        if (mo < 1 || mo > 12 || day < 1 || day > 31) {
          return make_error(Errc::kData, "google.type.Date {}-{}-{} is not a date", y, mo, day);
        }
        return Value::int32(static_cast<int32_t>(
            days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(day))));
      }
      case Special::kTimeOfDay: {
        int64_t ms =
            ((int64_t{r->GetInt32(m, d->field(0))} * 60 + r->GetInt32(m, d->field(1))) * 60 +
             r->GetInt32(m, d->field(2))) *
                1000 +
            r->GetInt32(m, d->field(3)) / 1'000'000;
        return Value::int32(static_cast<int32_t>(ms));
      }
      case Special::kWrapper:
        return scalar(m, d->field(0), -1);
      case Special::kNone:
        break;
    }
    Value::Fields fields;
    fields.reserve(static_cast<size_t>(d->field_count()));
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      const auto* oneof = f->real_containing_oneof();
      if (oneof) {
        if (oneof->field(0) != f) continue;
        const auto* set = r->GetOneofFieldDescriptor(m, oneof);
        if (!set) {
          fields.emplace_back(union_name(oneof), Value());
          continue;
        }
        Value::Fields members;
        for (int k = 0; k < oneof->field_count(); ++k) {
          const auto* member = oneof->field(k);
          if (member == set) {
            KC_ASSIGN_OR_RETURN(auto v, scalar(m, member, -1));
            members.emplace_back(member->name(), std::move(v));
          } else {
            members.emplace_back(member->name(), Value());
          }
        }
        fields.emplace_back(union_name(oneof), Value::structure(std::move(members)));
        continue;
      }
      KC_ASSIGN_OR_RETURN(auto v, field_value(m, f));
      fields.emplace_back(f->name(), std::move(v));
    }
    return Value::structure(std::move(fields));
  }

  const ConverterSettings settings_;  // a copy: callers may pass a temporary
  std::unique_ptr<pb::DescriptorPool> pool_;
  pb::DynamicMessageFactory factory_;
  const pb::FileDescriptor* file_ = nullptr;
  std::unordered_map<const pb::Descriptor*, std::unique_ptr<pb::Message>> messages_;
  std::map<std::pair<const pb::Descriptor*, bool>, SchemaPtr> schemas_;
  std::set<const pb::Descriptor*> building_;
};

}  // namespace

Result<std::unique_ptr<Decoder>> make_protobuf_decoder(const RegisteredSchema& schema,
                                                       const ConverterSettings& settings) {
  // libprotobuf logs every payload it refuses (e.g. a string that is not UTF-8) to stderr; the
  // converter reports those as data errors already, through the task's error handling.
  static std::once_flag quiet;
  std::call_once(quiet, [] { pb::SetLogHandler(nullptr); });
  return ProtobufDecoder::create(schema, settings);
}

}  // namespace kc::schema_registry
