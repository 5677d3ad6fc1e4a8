#include "runtime/sinks/http/body.h"

#include <fmt/format.h>

#include "runtime/api/json.h"

namespace kc::sink::http_sink {
namespace {

using api::Type;
using api::Value;

bool is_text(Type type) { return type == Type::kString || type == Type::kBytes; }

// The first character that is not JSON whitespace.
char first_char(std::string_view text) {
  auto at = text.find_first_not_of(" \t\r\n");
  return at == std::string_view::npos ? '\0' : text[at];
}

Error record_error(std::string message) { return Error(Errc::kData, std::move(message)); }

// A value as a JSON document, parsed (for document ids and Rockset's receiver).
Result<Value> parsed(const Value& value) {
  if (is_text(value.type()) || value.type() == Type::kRawJson) {
    auto doc = api::json::parse(value.as_text());
    if (!doc) {
      return tl::unexpected(
          record_error(fmt::format("the value is not JSON text: {}", doc.error().message())));
    }
    return doc;
  }
  return value;
}

bool is_object(const Value& v) { return v.type() == Type::kMap || v.type() == Type::kStruct; }

// The document id as text: the key's text, or <topic>+<partition>+<offset> as consumed.
Result<std::string> document_id(const Settings& s, const api::SinkRecord& record) {
  if (s.document_id == DocumentId::kTopicPartitionOffset) {
    return fmt::format("{}+{}+{}", record.original_topic, record.original_partition,
                       record.original_offset);
  }
  const auto& key = record.key;
  if (key.is_null()) {
    return tl::unexpected(
        record_error("the record has no key, and http.document.id=key makes it the document id"));
  }
  if (is_text(key.type())) return std::string(key.as_text());
  if (key.type() == Type::kRawJson) {
    auto k = api::json::parse(key.as_text());
    if (k && k->type() == Type::kString) return std::string(k->as_text());
  }
  return api::json::to_json(key);
}

void set_field(Value& doc, const std::string& field, std::string id) {
  if (doc.type() == Type::kStruct) {
    for (auto& [name, v] : doc.mutable_struct()) {
      if (name == field) {
        v = Value::string(std::move(id));
        return;
      }
    }
    doc.mutable_struct().emplace_back(field, Value::string(std::move(id)));
    return;
  }
  for (auto& [k, v] : doc.mutable_map()) {
    if (k.type() == Type::kString && k.as_text() == field) {
      v = Value::string(std::move(id));
      return;
    }
  }
  doc.mutable_map().emplace_back(Value::string(field), Value::string(std::move(id)));
}

Status append_json(const Settings& s, const api::SinkRecord& record, std::string& out) {
  const auto& value = record.value;
  if (s.document_id == DocumentId::kNone) {
    if (is_text(value.type())) {
      // Parsed to be sure it is JSON (simdjson's minify does not validate), then written compact.
      auto doc = api::json::parse(value.as_text());
      if (!doc) {
        return tl::unexpected(record_error(
            fmt::format("the {} value is not JSON text (JSON body formats send JSON documents): {}",
                        api::type_name(value.type()), doc.error().message())));
      }
      api::json::write(*doc, out);
      return ok();
    }
    api::json::write(value, out);
    return ok();
  }
  KC_ASSIGN_OR_RETURN(auto doc, parsed(value));
  if (!is_object(doc)) {
    return tl::unexpected(record_error(
        fmt::format("the value is a {}, not a JSON object: it cannot carry a document id "
                    "(http.document.id)",
                    api::type_name(doc.type()))));
  }
  KC_ASSIGN_OR_RETURN(auto id, document_id(s, record));
  set_field(doc, s.document_id_field, std::move(id));
  api::json::write(doc, out);
  return ok();
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
void append_csv_field(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_value(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::kNull:
      return;
    case Type::kString:
    case Type::kBytes:
      append_csv_field(v.as_text(), out);
      return;
    case Type::kBoolean:
      out.append(v.as_bool() ? "true" : "false");
      return;
    default:
      if (v.is_integer()) {
        out.append(std::to_string(v.as_int()));
        return;
      }
      append_csv_field(api::json::to_json(v), out);
  }
}

Status append_csv(const api::SinkRecord& record, std::string& out) {
  KC_ASSIGN_OR_RETURN(auto value, api::json::materialize(record.value));
  auto separate = [&out, first = true]() mutable {
    if (!first) out.push_back(',');
    first = false;
  };
  switch (value.type()) {
    case Type::kString:
    case Type::kBytes: {
      // The text is the row (the StringConverter on CSV records); a line ending is dropped.
      auto text = value.as_text();
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
      out.append(text);
      return ok();
    }
    case Type::kStruct:
      for (const auto& [name, v] : value.as_struct()) {
        separate();
        append_csv_value(v, out);
      }
      return ok();
    case Type::kMap:
      for (const auto& [k, v] : value.as_map()) {
        separate();
        append_csv_value(v, out);
      }
      return ok();
    case Type::kArray:
      for (const auto& v : value.as_array()) {
        separate();
        append_csv_value(v, out);
      }
      return ok();
    default:
      append_csv_value(value, out);
      return ok();
  }
}

// Rockset's Java connector (JsonParser / AvroParser): the value must be an object, or an array
// holding exactly one; a null value is {}.
Status append_rockset_document(const Value& value, std::string& out) {
  if (value.is_null()) {
    out.append("{}");
    return ok();
  }
  if (value.type() == Type::kRawJson && first_char(value.as_text()) == '{') {
    api::json::write(value, out);  // already an object: no need to look inside
    return ok();
  }
  KC_ASSIGN_OR_RETURN(auto doc, parsed(value));
  if (doc.type() == Type::kArray && doc.as_array().size() == 1 && is_object(doc.as_array()[0])) {
    api::json::write(doc.as_array()[0], out);
    return ok();
  }
  if (!is_object(doc)) {
    return tl::unexpected(record_error(
        fmt::format("Rockset takes a JSON object (or an array of one object) as document; the "
                    "value is a {}",
                    api::type_name(doc.type()))));
  }
  api::json::write(doc, out);
  return ok();
}

Status append_rockset_message(const api::SinkRecord& record, std::string& out) {
  out.append(R"({"document":)");
  KC_RETURN_IF_ERROR(append_rockset_document(record.value, out));
  out.append(R"(,"key":)");
  if (record.key.is_null()) {
    out.append("null");
  } else {
    api::json::write(record.key, out);
  }
  out.append(fmt::format(R"(,"partition":{},"offset":{})", record.partition, record.offset));
  if (record.timestamp_type == api::TimestampType::kCreateTime) {
    out.append(fmt::format(R"(,"create_time":{})", record.timestamp));
  } else if (record.timestamp_type == api::TimestampType::kLogAppendTime) {
    out.append(fmt::format(R"(,"log_append_time":{})", record.timestamp));
  }
  out.push_back('}');
  return ok();
}

}  // namespace

Layout layout(BodyFormat format, std::string_view topic) {
  switch (format) {
    case BodyFormat::kNdjson:
      return {"application/x-ndjson", "", "\n", "\n"};
    case BodyFormat::kCsv:
      return {"text/csv", "", "\r\n", "\r\n"};
    case BodyFormat::kRockset:
      return {"application/json", R"({"data":[)", ",", "]}"};
    case BodyFormat::kRocksetKafka: {
      std::string prefix = R"({"topic":)";
      api::json::write_string(topic, prefix);
      prefix.append(R"(,"kafka_messages":[)");
      return {"application/json", std::move(prefix), ",", "]}"};
    }
    case BodyFormat::kJsonArray:
      break;
  }
  return {"application/json", "[", ",", "]"};
}

bool carries_document(BodyFormat format, const api::SinkRecord& record) {
  return format == BodyFormat::kRocksetKafka || !record.value.is_null();
}

Status append_document(const Settings& settings, const api::SinkRecord& record, std::string& out) {
  size_t mark = out.size();
  Status st = ok();
  switch (settings.format) {
    case BodyFormat::kCsv:
      st = append_csv(record, out);
      break;
    case BodyFormat::kRocksetKafka:
      st = append_rockset_message(record, out);
      break;
    default:
      st = append_json(settings, record, out);
  }
  if (!st) out.resize(mark);  // nothing of a refused record stays
  return st;
}

}  // namespace kc::sink::http_sink
