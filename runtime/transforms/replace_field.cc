// ReplaceField$Key / ReplaceField$Value (org.apache.kafka.connect.transforms.ReplaceField).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "libs/base/strings.h"
#include "runtime/api/json.h"
#include "runtime/transforms/json_text.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr std::string_view kPurpose = "field replacement";

// Java's String.split(":"): trailing empty parts are dropped.
std::vector<std::string_view> java_split_colon(std::string_view s) {
  auto parts = strings::split(s, ':');
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

std::optional<std::string> check_renames(std::string_view value) {
  for (const auto& mapping : strings::split_list(value)) {
    if (java_split_colon(mapping).size() != 2) {
      return fmt::format("Invalid rename mapping: {}", mapping);
    }
  }
  return std::nullopt;
}

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(
        {.name = "exclude",
         .type = api::ConfigType::kList,
         .default_value = "",
         .importance = api::Importance::kMedium,
         .documentation = "Fields to exclude. This takes precedence over the fields to include."});
    d.define({.name = "include",
              .type = api::ConfigType::kList,
              .default_value = "",
              .importance = api::Importance::kMedium,
              .documentation = "Fields to include. If specified, only these fields will be used."});
    d.define({.name = "renames",
              .type = api::ConfigType::kList,
              .default_value = "",
              .validator = check_renames,
              .allowed = "list of colon-delimited pairs, e.g. foo:bar,abc:xyz",
              .importance = api::Importance::kMedium,
              .documentation = "Field rename mappings."});
    d.define(replace_null_with_default_key());
    d.define({.name = "blacklist",
              .type = api::ConfigType::kList,
              .importance = api::Importance::kLow,
              .documentation = "Deprecated. Use exclude instead."});
    d.define({.name = "whitelist",
              .type = api::ConfigType::kList,
              .importance = api::Importance::kLow,
              .documentation = "Deprecated. Use include instead."});
    return d;
  }();
  return def;
}

struct Derived {
  SchemaPtr schema;
  std::vector<size_t> source;  // input field index of each output field
};

class ReplaceField final : public api::Transform {
 public:
  ReplaceField(Side side, const api::Config& config)
      : side_(side), replace_null_with_default_(config.get_bool("replace.null.with.default")) {
    // Kafka translates the deprecated names when the new ones are not set.
    exclude_ = config.is_set("exclude") || !config.is_set("blacklist")
                   ? config.get_list("exclude")
                   : config.get_list("blacklist");
    include_ = config.is_set("include") || !config.is_set("whitelist")
                   ? config.get_list("include")
                   : config.get_list("whitelist");
    for (const auto& mapping : config.get_list("renames")) {
      auto parts = java_split_colon(mapping);
      if (parts.size() != 2) continue;  // refused by the validator
      std::string from(parts[0]), to(parts[1]);
      auto it = std::find_if(renames_.begin(), renames_.end(),
                             [&](const auto& r) { return r.first == from; });
      if (it != renames_.end()) {
        it->second = to;  // the last mapping of a name wins, as in Kafka's HashMap
      } else {
        renames_.emplace_back(std::move(from), std::move(to));
      }
    }
    // Renames that share a target collide when both apply; each rename's group is the bits of
    // every rename with the same target.
    for (const auto& [from, to] : renames_) {
      std::string json;
      api::json::write_string(to, json);
      target_json_.push_back(json + ":");
    }
    target_groups_.assign(renames_.size(), 0);
    for (size_t i = 0; i < renames_.size(); ++i) {
      for (size_t j = 0; j < renames_.size(); ++j) {
        if (renames_[i].second == renames_[j].second) target_groups_[i] |= 1u << (j % 32);
      }
    }
  }

  Result<Outcome> apply(SinkRecord& record) override {
    auto [schema, value] = operand(record, side_);
    if (value.is_null()) return Outcome::kKeep;
    if (!schema) {
      if (value.type() == Type::kRawJson && replace_raw(value)) return Outcome::kKeep;
      KC_ASSIGN_OR_RETURN(auto* entries, require_map(value, record, kPurpose));
      apply_schemaless(*entries);
      return Outcome::kKeep;
    }
    KC_RETURN_IF_ERROR(require_struct(value, schema, kPurpose));
    const Derived* derived = cache_.get(schema);
    if (!derived) {
      KC_ASSIGN_OR_RETURN(auto built, derive(*schema));
      derived = &cache_.put(schema, std::move(built));
    }
    const auto& old = value.as_struct();
    Value::Fields fields;
    fields.reserve(derived->source.size());
    for (size_t i = 0; i < derived->source.size(); ++i) {
      size_t from = derived->source[i];
      const Value& v = from < old.size() ? old[from].second : Value();
      fields.emplace_back(derived->schema->fields[i].name,
                          field_value(v, *schema->fields[from].schema, replace_null_with_default_));
    }
    schema = derived->schema;
    value = Value::structure(std::move(fields));
    return Outcome::kKeep;
  }

 private:
  static bool contains(const std::vector<std::string>& list, std::string_view name) {
    for (const auto& item : list) {
      if (item.size() == name.size() && std::memcmp(item.data(), name.data(), name.size()) == 0) {
        return true;
      }
    }
    return false;
  }
  bool keep(std::string_view name) const {
    return !contains(exclude_, name) && (include_.empty() || contains(include_, name));
  }
  const std::string* renamed(std::string_view name) const {
    int r = rename_index(name);
    return r < 0 ? nullptr : &renames_[static_cast<size_t>(r)].second;
  }

  void apply_schemaless(Value::MapEntries& entries) const {
    // Filtering and renaming both use the original names, as Kafka does. In place; a rename onto
    // a name that is also present falls back to put() semantics (the later value wins).
    size_t kept = 0;
    bool collision = false;
    uint32_t targets_used = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      auto& [k, v] = entries[i];
      if (k.type() != Type::kString) continue;
      std::string_view name = k.as_text();
      if (!keep(name)) continue;
      if (!renames_.empty()) {
        if (int r = rename_index(name); r >= 0) {
          uint32_t group = target_groups_[static_cast<size_t>(r)];
          collision = collision || (targets_used & group) != 0;
          targets_used |= group;
          k = Value::string(renames_[static_cast<size_t>(r)].second);
        } else if (is_target(name)) {
          collision = true;
        }
      }
      if (kept != i) entries[kept] = std::move(entries[i]);
      ++kept;
    }
    entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(kept), entries.end());
    if (collision) dedupe(entries);
  }

  // A kRawJson object is edited as text (same result as the parsed path, without parsing the
  // values). False when the text is not an object, has escaped keys or a rename collides with
  // another name: use the parsed path.
  bool replace_raw(Value& value) {
    std::string_view text = value.as_text();
    if (!scan_.scan(text)) return false;
    bool changed = false;
    for (const auto& f : scan_) {
      if (f.key_escaped) return false;
      changed = changed || !keep(f.key) || rename_index(f.key) >= 0;
    }
    if (!changed) return true;
    std::string out;
    out.reserve(text.size() + 16);
    out += '{';
    // Kept members are copied as written; consecutive ones (with the commas between them) at once.
    const char* run_start = nullptr;
    const char* run_end = nullptr;
    auto flush = [&] {
      if (!run_start) return;
      if (out.size() > 1) out += ',';
      out.append(run_start, static_cast<size_t>(run_end - run_start));
      run_start = nullptr;
    };
    uint32_t targets_used = 0;
    for (const auto& f : scan_) {
      if (!keep(f.key)) {
        flush();
        continue;
      }
      int r = renames_.empty() ? -1 : rename_index(f.key);
      if (r >= 0) {
        uint32_t group = target_groups_[static_cast<size_t>(r)];
        if ((targets_used & group) != 0) return false;
        targets_used |= group;
        flush();
        if (out.size() > 1) out += ',';
        out += target_json_[static_cast<size_t>(r)];
        out += f.value;
        continue;
      }
      if (!renames_.empty() && is_target(f.key)) return false;
      const char* member_end = f.value.data() + f.value.size();
      if (!run_start) run_start = f.key.data() - 1;  // the key's opening quote
      run_end = member_end;
    }
    flush();
    out += '}';
    value = Value::raw_json(std::move(out));
    return true;
  }

  // HashMap.put semantics for duplicate names: the first position, the last value.
  static void dedupe(Value::MapEntries& entries) {
    Value::MapEntries out;
    out.reserve(entries.size());
    for (auto& [k, v] : entries) {
      if (Value* existing = find(out, k.as_text())) {
        *existing = std::move(v);
      } else {
        out.emplace_back(std::move(k), std::move(v));
      }
    }
    entries = std::move(out);
  }

  int rename_index(std::string_view name) const {
    for (size_t i = 0; i < renames_.size(); ++i) {
      const std::string& from = renames_[i].first;
      if (from.size() == name.size() && std::memcmp(from.data(), name.data(), name.size()) == 0) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  bool is_target(std::string_view name) const {
    for (const auto& r : renames_) {
      if (r.second == name) return true;
    }
    return false;
  }

  Result<Derived> derive(const Schema& schema) const {
    Derived d;
    auto s = copy_schema_basics(schema, Type::kStruct);
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const auto& f = schema.fields[i];
      if (!keep(f.name)) continue;
      const std::string* to = renamed(f.name);
      const std::string& name = to ? *to : f.name;
      if (s->field(name)) {
        return data_error("Cannot create field because of field name duplication {}", name);
      }
      s->fields.push_back({name, f.schema});
      d.source.push_back(i);
    }
    d.schema = s;
    return d;
  }

  Side side_;
  std::vector<std::string> exclude_, include_;
  std::vector<std::pair<std::string, std::string>> renames_;
  std::vector<uint32_t> target_groups_;
  std::vector<std::string> target_json_;  // "\"to\":" per rename
  bool replace_null_with_default_;
  DerivedCache<Derived> cache_;
  json_text::ObjectIndex scan_;  // reused between records
};

}  // namespace

std::vector<api::TransformPlugin> replace_field_plugins() {
  return key_value_plugins("ReplaceField", "Filter or rename fields of the record {}.", config_def,
                           construct<ReplaceField>());
}

}  // namespace kc::transforms
