// TimestampConverter$Key / TimestampConverter$Value
// (org.apache.kafka.connect.transforms.TimestampConverter).
//
// Every timestamp goes through milliseconds since the epoch (Java's java.util.Date). Connect's
// logical values are numbers in kconnect: Timestamp = int64 milliseconds, Date = int32 days,
// Time = int32 milliseconds of the day. Without a schema there is no Date object: Date, Time and
// Timestamp results are int64 milliseconds (what java.util.Date#getTime() would give).

#include <limits>
#include <string>

#include "runtime/transforms/date_format.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "converting timestamp formats";
constexpr int64_t kMillisPerDay = 86'400'000;

enum class Kind { kString, kUnix, kDate, kTime, kTimestamp };
enum class Precision { kSeconds, kMillis, kMicros, kNanos };

std::optional<std::string> check_format(std::string_view pattern) {
  if (pattern.empty()) return std::nullopt;
  auto f = DateFormat::compile(pattern);
  if (!f) {
    return fmt::format(
        "TimestampConverter requires a SimpleDateFormat-compatible pattern for string "
        "timestamps: {}",
        f.error().message());
  }
  return std::nullopt;
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "field",
              .type = api::ConfigType::kString,
              .default_value = "",
              .importance = api::Importance::kHigh,
              .documentation = "The field containing the timestamp, or empty if the entire value "
                               "is a timestamp"});
    d.define({.name = "target.type",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = api::validators::one_of({"string", "unix", "Date", "Time", "Timestamp"},
                                                   /*case_sensitive=*/true),
              .allowed = "[string, unix, Date, Time, Timestamp]",
              .importance = api::Importance::kHigh,
              .documentation =
                  "The desired timestamp representation: string, unix, Date, Time, or Timestamp"});
    d.define({.name = "format",
              .type = api::ConfigType::kString,
              .default_value = "",
              .validator = check_format,
              .allowed = "SimpleDateFormat pattern (see runtime/transforms/date_format.h)",
              .importance = api::Importance::kMedium,
              .documentation =
                  "A SimpleDateFormat-compatible format for the timestamp. Used to generate the "
                  "output when type=string or used to parse the input if the input is a string. "
                  "Always UTC."});
    d.define({.name = "unix.precision",
              .type = api::ConfigType::kString,
              .default_value = "milliseconds",
              .validator = api::validators::one_of(
                  {"nanoseconds", "microseconds", "milliseconds", "seconds"}, true),
              .allowed = "[nanoseconds, microseconds, milliseconds, seconds]",
              .importance = api::Importance::kLow,
              .documentation =
                  "The desired Unix precision for the timestamp: seconds, milliseconds, "
                  "microseconds, or nanoseconds. Used to generate the output when type=unix or "
                  "used to parse the input if the input is a Long. Note: This SMT will cause "
                  "precision loss during conversions from, and to, values with sub-millisecond "
                  "components."});
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

Kind kind_of(std::string_view name) {
  if (name == "string") return Kind::kString;
  if (name == "unix") return Kind::kUnix;
  if (name == "Date") return Kind::kDate;
  if (name == "Time") return Kind::kTime;
  return Kind::kTimestamp;
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kString:
      return "string";
    case Kind::kUnix:
      return "unix";
    case Kind::kDate:
      return "Date";
    case Kind::kTime:
      return "Time";
    case Kind::kTimestamp:
      return "Timestamp";
  }
  return "";
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// TimeUnit's multiplication saturates.
int64_t saturating_mul(int64_t v, int64_t factor) {
  if (v > std::numeric_limits<int64_t>::max() / factor) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min() / factor) return std::numeric_limits<int64_t>::min();
  return v * factor;
}

class TimestampConverter final : public api::Transform {
 public:
  TimestampConverter(Side side, const api::Config& config, std::optional<DateFormat> format)
      : side_(side),
        field_(config.get_string("field")),
        target_(kind_of(config.get_string("target.type"))),
        format_(std::move(format)),
        replace_null_with_default_(config.get_bool("replace.null.with.default")) {
    const std::string& p = config.get_string("unix.precision");
    precision_ = p == "seconds"        ? Precision::kSeconds
                 : p == "microseconds" ? Precision::kMicros
                 : p == "nanoseconds"  ? Precision::kNanos
                                       : Precision::kMillis;
  }

  static Result<std::unique_ptr<api::Transform>> create(Side side, const api::Config& config) {
    std::optional<DateFormat> format;
    const std::string& pattern = config.get_string("format");
    if (!pattern.empty()) {
      auto f = DateFormat::compile(pattern);
      if (!f) return tl::unexpected(f.error());
      format = std::move(*f);
    }
    if (kind_of(config.get_string("target.type")) == Kind::kString && !format) {
      return make_error(Errc::kInvalidConfig,
                        "TimestampConverter requires format option to be specified when using "
                        "string timestamps");
    }
    return std::unique_ptr<api::Transform>(
        std::make_unique<TimestampConverter>(side, config, std::move(format)));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (!schema) {
      if (value.is_null()) return Outcome::kKeep;
      if (field_.empty()) {
        KC_ASSIGN_OR_RETURN(value, convert(value, std::nullopt, /*with_schema=*/false));
        return Outcome::kKeep;
      }
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      Value* v = find(*entries, field_);
      KC_ASSIGN_OR_RETURN(auto converted, convert(v ? *v : Value(), std::nullopt, false));
      put(*entries, field_, std::move(converted));  // as in Kafka, an absent field becomes null
      return Outcome::kKeep;
    }
    if (field_.empty()) {
      KC_ASSIGN_OR_RETURN(auto from, kind_from_schema(*schema));
      KC_ASSIGN_OR_RETURN(auto converted, convert(value, from, true));
      schema = type_schema(target_, schema->optional);
      value = std::move(converted);
      return Outcome::kKeep;
    }
    if (!value.is_null()) KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    if (schema->type != Type::kStruct) {
      return data_error("Only Struct objects supported for [{}], found: {}", kPurpose,
                        api::type_name(schema->type));
    }
    const SchemaPtr* updated = cache_.get(schema);
    if (!updated) {
      auto s = copy_schema_basics(*schema, Type::kStruct);
      s->optional = schema->optional;
      for (const auto& f : schema->fields) {
        s->fields.push_back(
            f.name == field_ ? Schema::Field{f.name, type_schema(target_, f.schema->optional)} : f);
      }
      updated = &cache_.put(schema, SchemaPtr(s));
    }
    if (value.is_null()) {
      schema = *updated;
      return Outcome::kKeep;
    }
    Value::Fields fields = value.as_struct();
    for (size_t i = 0; i < fields.size() && i < schema->fields.size(); ++i) {
      const Schema& fs = *schema->fields[i].schema;
      if (fields[i].first == field_) {
        KC_ASSIGN_OR_RETURN(auto from, kind_from_schema(fs));
        KC_ASSIGN_OR_RETURN(
            fields[i].second,
            convert(field_value(fields[i].second, fs, replace_null_with_default_), from, true));
      } else {
        fields[i].second = field_value(fields[i].second, fs, replace_null_with_default_);
      }
    }
    schema = *updated;
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  static Result<Kind> kind_from_schema(const Schema& s) {
    if (s.name == kTimestampName) return Kind::kTimestamp;
    if (s.name == kDateName) return Kind::kDate;
    if (s.name == kTimeName) return Kind::kTime;
    if (s.type == Type::kString) return Kind::kString;
    if (s.type == Type::kInt64) return Kind::kUnix;
    return data_error("Schema {} does not correspond to a known timestamp type format",
                      api::type_name(s.type));
  }

  static SchemaPtr type_schema(Kind k, bool optional) {
    switch (k) {
      case Kind::kString:
        return primitive_schema(Type::kString, optional);
      case Kind::kUnix:
        return primitive_schema(Type::kInt64, optional);
      case Kind::kDate:
        return logical_schema(kDateName, optional);
      case Kind::kTime:
        return logical_schema(kTimeName, optional);
      case Kind::kTimestamp:
        return logical_schema(kTimestampName, optional);
    }
    return nullptr;
  }

  // `from` is nullopt without a schema: inferred from the value, as Kafka does.
  Result<Value> convert(const Value& v, std::optional<Kind> from, bool with_schema) const {
    if (v.is_null()) return Value();
    Kind kind;
    if (from) {
      kind = *from;
    } else if (v.type() == Type::kInt64) {
      kind = Kind::kUnix;
    } else if (v.type() == Type::kString) {
      kind = Kind::kString;
    } else {
      return data_error("TimestampConverter does not support {} objects as timestamps",
                        describe(v));
    }
    KC_ASSIGN_OR_RETURN(auto ms, to_millis(v, kind));
    return from_millis(ms, with_schema);
  }

  Result<int64_t> to_millis(const Value& v, Kind kind) const {
    switch (kind) {
      case Kind::kString:
        if (v.type() != Type::kString) {
          return data_error("Expected string timestamp to be a String, but found {}", describe(v));
        }
        if (!format_) {
          return data_error(
              "TimestampConverter requires format option to be specified to "
              "parse string timestamps");
        }
        {
          auto ms = format_->parse(v.as_text());
          if (!ms) {
            return data_error("Could not parse timestamp: value does not match pattern ({})",
                              format_->pattern());
          }
          return *ms;
        }
      case Kind::kUnix:
        if (v.type() != Type::kInt64) {
          return data_error("Expected Unix timestamp to be a Long, but found {}", describe(v));
        }
        switch (precision_) {
          case Precision::kSeconds:
            return saturating_mul(v.as_int(), 1000);
          case Precision::kMicros:
            return v.as_int() / 1000;
          case Precision::kNanos:
            return v.as_int() / 1'000'000;
          case Precision::kMillis:
            return v.as_int();
        }
        return v.as_int();
      case Kind::kDate:
        if (!v.is_integer())
          return data_error("Expected Date to be an integer, found {}", describe(v));
        return saturating_mul(v.as_int(), kMillisPerDay);
      case Kind::kTime:
      case Kind::kTimestamp:
        if (!v.is_integer()) {
          return data_error("Expected {} to be an integer, found {}", kind_name(kind), describe(v));
        }
        return v.as_int();
    }
    return v.as_int();
  }

  Value from_millis(int64_t ms, bool with_schema) const {
    switch (target_) {
      case Kind::kString:
        return Value::string(format_->format(ms));
      case Kind::kUnix:
        switch (precision_) {
          case Precision::kSeconds:
            return Value::int64(ms / 1000);
          case Precision::kMicros:
            return Value::int64(saturating_mul(ms, 1000));
          case Precision::kNanos:
            return Value::int64(saturating_mul(ms, 1'000'000));
          case Precision::kMillis:
            return Value::int64(ms);
        }
        return Value::int64(ms);
      case Kind::kDate: {
        int64_t days = floor_div(ms, kMillisPerDay);
        return with_schema ? Value::int32(static_cast<int32_t>(days))
                           : Value::int64(days * kMillisPerDay);
      }
      case Kind::kTime: {
        int64_t of_day = ms - floor_div(ms, kMillisPerDay) * kMillisPerDay;
        return with_schema ? Value::int32(static_cast<int32_t>(of_day)) : Value::int64(of_day);
      }
      case Kind::kTimestamp:
        return Value::int64(ms);
    }
    return Value::int64(ms);
  }

  Side side_;
  std::string field_;
  Kind target_;
  std::optional<DateFormat> format_;
  Precision precision_ = Precision::kMillis;
  bool replace_null_with_default_;
  SchemaCache cache_;
};

}  // namespace

std::vector<api::TransformPlugin> timestamp_converter_plugins() {
  return key_value_plugins(
      "TimestampConverter",
      "Convert timestamps in the record {} between different formats such as Unix epoch, "
      "strings, and Connect Date/Time/Timestamp types. Applies to individual fields or to the "
      "entire value.",
      config_def, TimestampConverter::create);
}

}  // namespace kc::transforms
