// Avro payloads read with Apache Avro C (libavro, Debian's libavro-dev), mapped to Connect data
// as Confluent's AvroData does (docs/converters.md has the table).
//
// The schema text is parsed twice: here (simdjson), for what Connect needs and libavro does not
// expose (logical types, connect.* properties, full names across references), and by libavro for
// reading. References are resolved by writing one self-contained schema for libavro in which each
// named type is defined where it is first used.

#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_set>
#include <vector>

#include <avro.h>
#include <fmt/format.h>
#include <simdjson.h>

#include "libs/base/strings.h"
#include "runtime/api/json.h"
#include "runtime/converters/schema_registry/connect_properties.h"
#include "runtime/converters/schema_registry/decoder.h"

namespace kc::schema_registry {
namespace {

namespace dom = simdjson::dom;
using api::Schema;
using api::SchemaPtr;
using api::Type;
using api::Value;

// ---- allocation budget --------------------------------------------------------------------
// libavro allocates what a payload announces (a string length, an array block count) before it
// checks that the bytes are there. While a payload is read, this thread's allocations are
// bounded, so a corrupt length fails the read (ENOMEM) instead of exhausting memory.
//
// libavro also leaks on some failed reads (a string buffer allocated before its bytes turn out to
// be missing), and after a refused realloc it has overwritten its only pointer to the old block
// with NULL. So every allocation and free during a read is recorded (a cheap append); when the
// read fails, the value is destroyed and whatever the read allocated that is still alive, and the
// blocks libavro lost, are freed here.

struct AllocationEvent {
  void* ptr;
  bool allocated;  // false: freed
};
thread_local bool budget_active = false;
thread_local size_t budget_left = 0;
thread_local std::vector<AllocationEvent> events;
thread_local std::vector<void*> orphans;                 // blocks whose growth was refused
thread_local std::unordered_set<void*>* live = nullptr;  // during the cleanup of a failed read

// libavro's allocator hook speaks malloc/realloc/free: manual memory is its contract here.
// NOLINTBEGIN(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
void* budget_allocator(void*, void* ptr, size_t old_size, size_t new_size) {
  if (new_size == 0) {
    if (budget_active && ptr) events.push_back({ptr, false});
    if (live) live->erase(ptr);
    std::free(ptr);
    return nullptr;
  }
  if (!budget_active) return std::realloc(ptr, new_size);
  if (new_size > old_size) {
    size_t grow = new_size - old_size;
    if (grow > budget_left) {
      if (ptr) {
        events.push_back({ptr, false});
        orphans.push_back(ptr);
      }
      return nullptr;
    }
    budget_left -= grow;
  }
  // Recorded before the call: the old block is gone once realloc moved it. Should realloc fail,
  // libavro loses the block as after a refusal, so it stays an orphan.
  bool had_block = ptr != nullptr;
  if (had_block) {
    events.push_back({ptr, false});
    orphans.push_back(ptr);
  }
  void* out = std::realloc(ptr, new_size);
  if (out) {
    if (had_block) orphans.pop_back();
    events.push_back({out, true});
  }
  return out;
}

void install_allocator() {
  static std::once_flag once;
  std::call_once(once, [] { avro_set_allocator(budget_allocator, nullptr); });
}

class ReadBudget {
 public:
  explicit ReadBudget(size_t payload_size) {
    events.clear();
    orphans.clear();
    budget_active = true;
    budget_left = (64u << 20) + 64 * payload_size;
  }
  ~ReadBudget() { budget_active = false; }
  ReadBudget(const ReadBudget&) = delete;
  ReadBudget& operator=(const ReadBudget&) = delete;
};

// After a failed read: runs `destroy` (which frees what the value owns), then frees what the
// read allocated that nothing owns any more.
template <class Destroy>
void clean_up_failed_read(Destroy destroy) {
  std::unordered_set<void*> alive;
  for (const auto& e : events) {
    if (e.allocated) {
      alive.insert(e.ptr);
    } else {
      alive.erase(e.ptr);
    }
  }
  live = &alive;
  destroy();
  live = nullptr;
  for (void* p : alive) std::free(p);
  for (void* p : orphans) std::free(p);
  events.clear();
  orphans.clear();
}
// NOLINTEND(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)

// ---- the schema, as Connect needs it ------------------------------------------------------

enum class Kind : uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed
};

enum class Logical : uint8_t { kNone, kDecimal, kDate, kTimeMillis, kTimestampMillis };

constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";
constexpr std::string_view kDateName = "org.apache.kafka.connect.data.Date";
constexpr std::string_view kTimeName = "org.apache.kafka.connect.data.Time";
constexpr std::string_view kTimestampName = "org.apache.kafka.connect.data.Timestamp";
constexpr std::string_view kUnionName = "io.confluent.connect.avro.Union";

struct Node {
  Kind kind = Kind::kNull;
  Logical logical = Logical::kNone;
  Type int_type = Type::kInt32;  // connect.type int8 / int16 on an int
  std::string full_name;         // named types
  std::string simple_name;
  int64_t fixed_size = 0;
  int64_t precision = 0, scale = 0;
  std::vector<std::pair<std::string, Node*>> fields;
  std::vector<std::string> symbols;
  Node* items = nullptr;  // array items, map values
  std::vector<Node*> branches;
  int null_branch = -1;  // union
  // connect.* properties (connect.meta.data) and the record's doc
  std::optional<std::string> connect_name, doc;
  std::optional<int32_t> connect_version;
  std::map<std::string, std::string> connect_parameters;

  SchemaPtr connect;  // built once
  bool building = false;
  bool emitted = false;  // written into libavro's schema text
};

class SchemaParser {
 public:
  explicit SchemaParser(std::vector<std::unique_ptr<Node>>& nodes) : nodes_(nodes) {}

  // Parses one schema text (a reference or the schema itself); named types it defines become
  // known to the ones parsed after it.
  Result<Node*> parse_text(std::string_view text) {
    dom::element root;
    if (auto err = parser_.parse(text.data(), text.size()).get(root)) {
      return tl::unexpected(
          schema_error("Avro", fmt::format("not valid JSON: {}", simdjson::error_message(err))));
    }
    return parse(root, "");
  }

 private:
  Node* make(Kind kind) {
    nodes_.push_back(std::make_unique<Node>());
    nodes_.back()->kind = kind;
    return nodes_.back().get();
  }

  static std::optional<Kind> primitive(std::string_view name) {
    static const std::pair<std::string_view, Kind> kPrimitives[] = {
        {"null", Kind::kNull},   {"boolean", Kind::kBoolean}, {"int", Kind::kInt},
        {"long", Kind::kLong},   {"float", Kind::kFloat},     {"double", Kind::kDouble},
        {"bytes", Kind::kBytes}, {"string", Kind::kString}};
    for (const auto& [n, k] : kPrimitives) {
      if (n == name) return k;
    }
    return std::nullopt;
  }

  Result<Node*> lookup(std::string_view name, const std::string& ns) {
    if (name.find('.') == std::string_view::npos && !ns.empty()) {
      if (auto it = named_.find(ns + "." + std::string(name)); it != named_.end())
        return it->second;
    }
    if (auto it = named_.find(name); it != named_.end()) return it->second;
    return tl::unexpected(schema_error(
        "Avro",
        fmt::format("unknown type '{}' (not a primitive, not defined before, not a reference)",
                    name)));
  }

  Result<Node*> parse(dom::element e, const std::string& ns) {
    if (++depth_ > 200)
      return tl::unexpected(schema_error("Avro", "nested deeper than 200 levels"));
    auto result = parse_inner(e, ns);
    --depth_;
    return result;
  }

  Result<Node*> parse_inner(dom::element e, const std::string& ns) {
    std::string_view name;
    if (!e.get(name)) {
      if (auto k = primitive(name)) return make(*k);
      return lookup(name, ns);
    }
    dom::array union_items;
    if (!e.get(union_items)) {
      Node* n = make(Kind::kUnion);
      for (auto item : union_items) {
        KC_ASSIGN_OR_RETURN(auto branch, parse(item, ns));
        if (branch->kind == Kind::kNull) n->null_branch = static_cast<int>(n->branches.size());
        if (branch->kind == Kind::kUnion) {
          return tl::unexpected(schema_error("Avro", "a union may not directly contain a union"));
        }
        n->branches.push_back(branch);
      }
      if (n->branches.empty()) return tl::unexpected(schema_error("Avro", "empty union"));
      return n;
    }
    dom::object obj;
    if (e.get(obj))
      return tl::unexpected(schema_error("Avro", "a type must be a string, array or object"));
    dom::element type_el;
    if (obj["type"].get(type_el))
      return tl::unexpected(schema_error("Avro", "object without \"type\""));
    std::string_view type;
    if (type_el.get(type)) return parse(type_el, ns);  // {"type": {...}} or {"type": [...]}
    Node* n = nullptr;
    if (type == "record" || type == "error") {
      n = make(Kind::kRecord);
      KC_RETURN_IF_ERROR(name_node(*n, obj, ns));
      read_meta(*n, obj);
      dom::array fields;
      if (obj["fields"].get(fields)) {
        return tl::unexpected(
            schema_error("Avro", fmt::format("record {} has no fields array", n->full_name)));
      }
      auto inner_ns = namespace_of(n->full_name);
      for (auto f : fields) {
        std::string_view field_name;
        dom::element field_type;
        if (f["name"].get(field_name) || f["type"].get(field_type)) {
          return tl::unexpected(schema_error(
              "Avro", fmt::format("a field of record {} has no name or type", n->full_name)));
        }
        KC_ASSIGN_OR_RETURN(auto t, parse(field_type, inner_ns));
        n->fields.emplace_back(std::string(field_name), t);
      }
    } else if (type == "enum") {
      n = make(Kind::kEnum);
      KC_RETURN_IF_ERROR(name_node(*n, obj, ns));
      read_meta(*n, obj);
      dom::array symbols;
      if (obj["symbols"].get(symbols)) {
        return tl::unexpected(
            schema_error("Avro", fmt::format("enum {} has no symbols", n->full_name)));
      }
      for (auto s : symbols) {
        std::string_view sym;
        if (s.get(sym)) return tl::unexpected(schema_error("Avro", "enum symbols must be strings"));
        n->symbols.emplace_back(sym);
      }
    } else if (type == "fixed") {
      n = make(Kind::kFixed);
      KC_RETURN_IF_ERROR(name_node(*n, obj, ns));
      if (obj["size"].get(n->fixed_size) || n->fixed_size < 0) {
        return tl::unexpected(
            schema_error("Avro", fmt::format("fixed {} has no valid size", n->full_name)));
      }
    } else if (type == "array" || type == "map") {
      n = make(type == "array" ? Kind::kArray : Kind::kMap);
      dom::element items;
      if (obj[type == "array" ? "items" : "values"].get(items)) {
        return tl::unexpected(schema_error(
            "Avro", fmt::format("{} without {}", type, type == "array" ? "items" : "values")));
      }
      KC_ASSIGN_OR_RETURN(n->items, parse(items, ns));
    } else if (auto k = primitive(type)) {
      n = make(*k);
      read_meta(*n, obj);
    } else {
      // {"type": "com.example.Named"}
      return lookup(type, ns);
    }
    read_logical(*n, obj);
    return n;
  }

  static std::string namespace_of(const std::string& full_name) {
    auto dot = full_name.rfind('.');
    return dot == std::string::npos ? std::string() : full_name.substr(0, dot);
  }

  Status name_node(Node& n, dom::object obj, const std::string& ns) {
    std::string_view name;
    if (obj["name"].get(name) || name.empty()) {
      return make_error(Errc::kData, "Avro schema: a named type has no name");
    }
    std::string_view explicit_ns;
    bool has_ns = !obj["namespace"].get(explicit_ns);
    if (name.find('.') != std::string_view::npos) {
      n.full_name = std::string(name);
    } else {
      std::string space = has_ns ? std::string(explicit_ns) : ns;
      n.full_name = space.empty() ? std::string(name) : space + "." + std::string(name);
    }
    auto dot = n.full_name.rfind('.');
    n.simple_name = dot == std::string::npos ? n.full_name : n.full_name.substr(dot + 1);
    if (named_.count(n.full_name)) {
      return make_error(Errc::kData, "Avro schema: type {} is defined twice", n.full_name);
    }
    named_[n.full_name] = &n;
    return ok();
  }

  static void read_meta(Node& n, dom::object obj) {
    std::string_view text;
    if (!obj["connect.name"].get(text)) n.connect_name = std::string(text);
    if (!obj["doc"].get(text)) n.doc = std::string(text);
    if (!obj["connect.doc"].get(text)) n.doc = std::string(text);
    read_connect_properties(obj, n.connect_version, n.connect_parameters);
    if (!obj["connect.type"].get(text) && n.kind == Kind::kInt) {
      if (text == "int8") n.int_type = Type::kInt8;
      if (text == "int16") n.int_type = Type::kInt16;
    }
  }

  static void read_logical(Node& n, dom::object obj) {
    std::string_view logical;
    if (obj["logicalType"].get(logical)) return;
    if (logical == "decimal" && (n.kind == Kind::kBytes || n.kind == Kind::kFixed)) {
      int64_t precision = 0, scale = 0;
      std::ignore = obj["precision"].get(precision);
      std::ignore = obj["scale"].get(scale);
      n.logical = Logical::kDecimal;
      n.precision = precision;
      n.scale = scale;
    } else if (logical == "date" && n.kind == Kind::kInt) {
      n.logical = Logical::kDate;
    } else if (logical == "time-millis" && n.kind == Kind::kInt) {
      n.logical = Logical::kTimeMillis;
    } else if (logical == "timestamp-millis" && n.kind == Kind::kLong) {
      n.logical = Logical::kTimestampMillis;
    }
    // time-micros, timestamp-micros, local-timestamp-*, uuid: the underlying type, as
    // Confluent's AvroData reads them.
  }

  std::vector<std::unique_ptr<Node>>& nodes_;
  std::map<std::string, Node*, std::less<>> named_;
  dom::parser parser_;
  int depth_ = 0;
};

// libavro's schema text: every named type defined at its first use, full names throughout.
void emit(Node& n, std::string& out) {
  auto name_attrs = [&] {
    auto dot = n.full_name.rfind('.');
    out += "\"name\":";
    api::json::write_string(n.simple_name, out);
    out += ",\"namespace\":";
    api::json::write_string(dot == std::string::npos ? "" : n.full_name.substr(0, dot), out);
  };
  switch (n.kind) {
    case Kind::kNull:
      out += "\"null\"";
      return;
    case Kind::kBoolean:
      out += "\"boolean\"";
      return;
    case Kind::kInt:
      out += "\"int\"";
      return;
    case Kind::kLong:
      out += "\"long\"";
      return;
    case Kind::kFloat:
      out += "\"float\"";
      return;
    case Kind::kDouble:
      out += "\"double\"";
      return;
    case Kind::kBytes:
      out += "\"bytes\"";
      return;
    case Kind::kString:
      out += "\"string\"";
      return;
    case Kind::kArray:
    case Kind::kMap:
      out += n.kind == Kind::kArray ? "{\"type\":\"array\",\"items\":"
                                    : "{\"type\":\"map\",\"values\":";
      emit(*n.items, out);
      out += "}";
      return;
    case Kind::kUnion: {
      out += "[";
      for (size_t i = 0; i < n.branches.size(); ++i) {
        if (i) out += ",";
        emit(*n.branches[i], out);
      }
      out += "]";
      return;
    }
    case Kind::kRecord:
    case Kind::kEnum:
    case Kind::kFixed:
      break;
  }
  if (n.emitted) {
    api::json::write_string(n.full_name, out);
    return;
  }
  n.emitted = true;
  if (n.kind == Kind::kFixed) {
    out += "{\"type\":\"fixed\",";
    name_attrs();
    out += fmt::format(",\"size\":{}}}", n.fixed_size);
  } else if (n.kind == Kind::kEnum) {
    out += "{\"type\":\"enum\",";
    name_attrs();
    out += ",\"symbols\":[";
    for (size_t i = 0; i < n.symbols.size(); ++i) {
      if (i) out += ",";
      api::json::write_string(n.symbols[i], out);
    }
    out += "]}";
  } else {
    out += "{\"type\":\"record\",";
    name_attrs();
    out += ",\"fields\":[";
    for (size_t i = 0; i < n.fields.size(); ++i) {
      if (i) out += ",";
      out += "{\"name\":";
      api::json::write_string(n.fields[i].first, out);
      out += ",\"type\":";
      emit(*n.fields[i].second, out);
      out += "}";
    }
    out += "]}";
  }
}

std::string union_member_name(const Node& n) {
  switch (n.kind) {
    case Kind::kRecord:
    case Kind::kEnum:
    case Kind::kFixed:
      return n.simple_name;
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kInt:
      return "int";
    case Kind::kLong:
      return "long";
    case Kind::kFloat:
      return "float";
    case Kind::kDouble:
      return "double";
    case Kind::kBytes:
      return "bytes";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
      return "map";
    case Kind::kUnion:
      return "union";
  }
  return "union";
}

class ConnectSchemas {
 public:
  explicit ConnectSchemas(const ConverterSettings& settings) : settings_(settings) {}

  Result<SchemaPtr> of(Node& n) {
    if (n.connect) return n.connect;
    if (n.building) {
      return tl::unexpected(schema_error(
          "Avro", fmt::format("{} refers to itself; recursive schemas cannot be represented "
                              "as a Connect schema",
                              n.full_name)));
    }
    n.building = true;
    auto built = build(n);
    n.building = false;
    if (!built) return built;
    n.connect = *built;
    return n.connect;
  }

 private:
  void apply_meta(const Node& n, Schema& s) const {
    if (!settings_.connect_meta_data) return;
    if (n.connect_name) s.name = *n.connect_name;
    if (n.connect_version) s.version = *n.connect_version;
    if (n.doc) s.doc = *n.doc;
    for (const auto& [k, v] : n.connect_parameters) s.parameters[k] = v;
  }

  Result<SchemaPtr> build(Node& n) {
    auto s = std::make_shared<Schema>();
    switch (n.kind) {
      case Kind::kNull:
        s->type = Type::kNull;  // only meaningful inside a union
        s->optional = true;
        break;
      case Kind::kBoolean:
        s->type = Type::kBoolean;
        break;
      case Kind::kInt:
        s->type = n.int_type;
        if (n.logical == Logical::kDate || n.logical == Logical::kTimeMillis) {
          s->type = Type::kInt32;
          s->name = std::string(n.logical == Logical::kDate ? kDateName : kTimeName);
          s->version = 1;
        }
        break;
      case Kind::kLong:
        s->type = Type::kInt64;
        if (n.logical == Logical::kTimestampMillis) {
          s->name = std::string(kTimestampName);
          s->version = 1;
        }
        break;
      case Kind::kFloat:
        s->type = Type::kFloat32;
        break;
      case Kind::kDouble:
        s->type = Type::kFloat64;
        break;
      case Kind::kString:
        s->type = Type::kString;
        break;
      case Kind::kBytes:
      case Kind::kFixed:
        s->type = Type::kBytes;
        if (n.kind == Kind::kFixed) {
          s->name = n.full_name;
          s->parameters["io.confluent.connect.avro.fixed.size"] = std::to_string(n.fixed_size);
        }
        if (n.logical == Logical::kDecimal) {
          s->name = std::string(kDecimalName);
          s->version = 1;
          s->parameters["scale"] = std::to_string(n.scale);
          s->parameters["connect.decimal.precision"] = std::to_string(n.precision);
        }
        break;
      case Kind::kEnum:
        s->type = Type::kString;
        s->name = n.full_name;
        s->parameters["io.confluent.connect.avro.Enum"] = n.full_name;
        for (const auto& sym : n.symbols) {
          s->parameters["io.confluent.connect.avro.Enum." + sym] = sym;
        }
        apply_meta(n, *s);
        break;
      case Kind::kArray:
      case Kind::kMap: {
        s->type = n.kind == Kind::kArray ? Type::kArray : Type::kMap;
        KC_ASSIGN_OR_RETURN(s->value_schema, of(*n.items));
        if (n.kind == Kind::kMap) {
          auto key = std::make_shared<Schema>();
          key->type = Type::kString;
          s->key_schema = key;
        }
        break;
      }
      case Kind::kRecord:
        s->type = Type::kStruct;
        s->name = n.full_name;
        for (auto& [name, type] : n.fields) {
          KC_ASSIGN_OR_RETURN(auto field_schema, of(*type));
          s->fields.push_back({name, field_schema});
        }
        apply_meta(n, *s);
        break;
      case Kind::kUnion: {
        size_t non_null = n.branches.size() - (n.null_branch >= 0 ? 1 : 0);
        if (non_null == 0) {
          s->type = Type::kNull;
          s->optional = true;
          break;
        }
        if (non_null == 1 && n.null_branch >= 0) {
          for (auto* b : n.branches) {
            if (b->kind == Kind::kNull) continue;
            KC_ASSIGN_OR_RETURN(auto inner, of(*b));
            auto copy = std::make_shared<Schema>(*inner);
            copy->optional = true;
            return SchemaPtr(copy);
          }
        }
        s->type = Type::kStruct;
        s->name = std::string(kUnionName);
        s->optional = n.null_branch >= 0;
        for (auto* b : n.branches) {
          if (b->kind == Kind::kNull) continue;
          KC_ASSIGN_OR_RETURN(auto inner, of(*b));
          auto copy = std::make_shared<Schema>(*inner);
          copy->optional = true;
          s->fields.push_back({union_member_name(*b), copy});
        }
        break;
      }
    }
    return SchemaPtr(s);
  }

  const ConverterSettings& settings_;
};

// ---- reading ------------------------------------------------------------------------------

Error read_error(std::string_view what) {
  return Error(Errc::kData, fmt::format("{}: {}", what, avro_strerror()));
}

class AvroDecoder final : public Decoder {
 public:
  ~AvroDecoder() override {
    if (reader_) avro_reader_free(reader_);
    if (value_.iface) avro_value_decref(&value_);
    if (iface_) avro_value_iface_decref(iface_);
    if (schema_) avro_schema_decref(schema_);
  }

  static Result<std::unique_ptr<Decoder>> create(const RegisteredSchema& registered,
                                                 const ConverterSettings& settings) {
    install_allocator();
    std::unique_ptr<AvroDecoder> d(new AvroDecoder());
    SchemaParser parser(d->nodes_);
    for (const auto& [name, text] : registered.references) {
      auto parsed = parser.parse_text(text);
      if (!parsed) {
        return make_error(Errc::kData, "reference {}: {}", name, parsed.error().message());
      }
    }
    KC_ASSIGN_OR_RETURN(d->root_, parser.parse_text(registered.text));
    ConnectSchemas connect(settings);
    KC_ASSIGN_OR_RETURN(d->connect_, connect.of(*d->root_));
    std::string text;
    emit(*d->root_, text);
    if (avro_schema_from_json_length(text.data(), text.size(), &d->schema_) != 0) {
      d->schema_ = nullptr;
      return tl::unexpected(read_error("Avro schema does not parse"));
    }
    d->iface_ = avro_generic_class_from_schema(d->schema_);
    if (!d->iface_) return tl::unexpected(read_error("Avro schema not usable"));
    KC_RETURN_IF_ERROR(d->renew_value());
    d->reader_ = avro_reader_memory(nullptr, 0);
    return std::unique_ptr<Decoder>(std::move(d));
  }

  Result<api::SchemaAndValue> decode(std::string_view payload) override {
    bool failed = false;
    {
      ReadBudget budget(payload.size());
      avro_reader_memory_set_source(reader_, payload.data(), static_cast<int64_t>(payload.size()));
      value_.iface->reset(value_.iface, value_.self);
      failed = avro_value_read(reader_, &value_) != 0 || !orphans.empty();
    }
    if (failed) {
      auto error = read_error("Avro payload does not match its schema");
      KC_RETURN_IF_ERROR(renew_value());
      return tl::unexpected(error);
    }
    KC_ASSIGN_OR_RETURN(auto value, convert(*root_, value_, 0));
    return api::SchemaAndValue{connect_, std::move(value)};
  }

 private:
  AvroDecoder() = default;

  // A value whose read failed may be inconsistent (libavro does not undo a half-grown array):
  // it is replaced, and the blocks libavro lost are freed.
  Status renew_value() {
    if (value_.iface) {
      clean_up_failed_read([&] { avro_value_decref(&value_); });
    }
    value_.iface = nullptr;
    if (avro_generic_value_new(iface_, &value_) != 0) {
      value_.iface = nullptr;
      return tl::unexpected(read_error("Avro value not usable"));
    }
    return ok();
  }

  static Result<Value> convert(const Node& n, const avro_value_t& v, int depth) {
    const auto* i = v.iface;
    auto* self = v.self;
    auto fail = [&](std::string_view what) {
      return tl::unexpected(Error(Errc::kData, fmt::format("Avro value: cannot read {}", what)));
    };
    if (depth > 500) return fail("a value nested deeper than 500 levels");
    switch (n.kind) {
      case Kind::kNull:
        return Value::null();
      case Kind::kBoolean: {
        int b = 0;
        if (i->get_boolean(i, self, &b)) return fail("boolean");
        return Value::boolean(b != 0);
      }
      case Kind::kInt: {
        int32_t x = 0;
        if (i->get_int(i, self, &x)) return fail("int");
        if (n.int_type == Type::kInt8) return Value::int8(static_cast<int8_t>(x));
        if (n.int_type == Type::kInt16) return Value::int16(static_cast<int16_t>(x));
        return Value::int32(x);
      }
      case Kind::kLong: {
        int64_t x = 0;
        if (i->get_long(i, self, &x)) return fail("long");
        return Value::int64(x);
      }
      case Kind::kFloat: {
        float x = 0;
        if (i->get_float(i, self, &x)) return fail("float");
        return Value::float32(x);
      }
      case Kind::kDouble: {
        double x = 0;
        if (i->get_double(i, self, &x)) return fail("double");
        return Value::float64(x);
      }
      case Kind::kString: {
        const char* s = nullptr;
        size_t size = 0;
        if (i->get_string(i, self, &s, &size)) return fail("string");
        // libavro counts the terminating NUL.
        return Value::string(std::string(s, size > 0 ? size - 1 : 0));
      }
      case Kind::kBytes: {
        const void* b = nullptr;
        size_t size = 0;
        if (i->get_bytes(i, self, &b, &size)) return fail("bytes");
        return Value::bytes(std::string(static_cast<const char*>(b), size));
      }
      case Kind::kFixed: {
        const void* b = nullptr;
        size_t size = 0;
        if (i->get_fixed(i, self, &b, &size)) return fail("fixed");
        return Value::bytes(std::string(static_cast<const char*>(b), size));
      }
      case Kind::kEnum: {
        int index = 0;
        if (i->get_enum(i, self, &index)) return fail("enum");
        if (index < 0 || static_cast<size_t>(index) >= n.symbols.size()) {
          return fail(fmt::format("enum {}: index {} out of range", n.full_name, index));
        }
        return Value::string(n.symbols[static_cast<size_t>(index)]);
      }
      case Kind::kArray:
      case Kind::kMap: {
        size_t size = 0;
        if (i->get_size(i, self, &size)) return fail("array or map size");
        Value::Array items;
        Value::MapEntries entries;
        (n.kind == Kind::kArray ? items.reserve(size) : entries.reserve(size));
        for (size_t k = 0; k < size; ++k) {
          avro_value_t child;
          const char* key = nullptr;
          if (i->get_by_index(i, self, k, &child, &key)) return fail("array or map element");
          KC_ASSIGN_OR_RETURN(auto item, convert(*n.items, child, depth + 1));
          if (n.kind == Kind::kArray) {
            items.push_back(std::move(item));
          } else {
            entries.emplace_back(Value::string(key ? key : ""), std::move(item));
          }
        }
        return n.kind == Kind::kArray ? Value::array(std::move(items))
                                      : Value::map(std::move(entries));
      }
      case Kind::kRecord: {
        Value::Fields fields;
        fields.reserve(n.fields.size());
        for (size_t k = 0; k < n.fields.size(); ++k) {
          avro_value_t child;
          if (i->get_by_index(i, self, k, &child, nullptr)) return fail("record field");
          KC_ASSIGN_OR_RETURN(auto field, convert(*n.fields[k].second, child, depth + 1));
          fields.emplace_back(n.fields[k].first, std::move(field));
        }
        return Value::structure(std::move(fields));
      }
      case Kind::kUnion: {
        int discriminant = -1;
        avro_value_t branch;
        if (i->get_discriminant(i, self, &discriminant) ||
            i->get_current_branch(i, self, &branch) || discriminant < 0 ||
            static_cast<size_t>(discriminant) >= n.branches.size()) {
          return fail("union branch");
        }
        const Node& chosen = *n.branches[static_cast<size_t>(discriminant)];
        if (chosen.kind == Kind::kNull) return Value::null();
        KC_ASSIGN_OR_RETURN(auto inner, convert(chosen, branch, depth + 1));
        size_t non_null = n.branches.size() - (n.null_branch >= 0 ? 1 : 0);
        if (non_null == 1) return inner;
        Value::Fields fields;
        size_t chosen_field = 0;
        for (const auto* b : n.branches) {
          if (b->kind == Kind::kNull) continue;
          if (b == &chosen) chosen_field = fields.size();
          fields.emplace_back(union_member_name(*b), Value());
        }
        fields[chosen_field].second = std::move(inner);
        return Value::structure(std::move(fields));
      }
    }
    return fail("value");
  }

  std::vector<std::unique_ptr<Node>> nodes_;
  Node* root_ = nullptr;
  SchemaPtr connect_;
  avro_schema_t schema_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t value_{nullptr, nullptr};
  avro_reader_t reader_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Decoder>> make_avro_decoder(const RegisteredSchema& schema,
                                                   const ConverterSettings& settings) {
  return AvroDecoder::create(schema, settings);
}

}  // namespace kc::schema_registry
