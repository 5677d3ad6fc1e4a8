// Predicates (org.apache.kafka.connect.transforms.predicates.*): TopicNameMatches, HasHeaderKey,
// RecordIsTombstone. Negation (`transforms.<alias>.negate`) is applied by the chain.

#include <string>
#include <unordered_map>

#include "runtime/transforms/java_regex.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

constexpr size_t kTopicCacheSize = 1024;

api::PredicatePlugin make_predicate(
    std::string name, std::string summary, std::function<const api::ConfigDef&()> def,
    std::function<Result<std::unique_ptr<api::Predicate>>(const api::Config&)> create) {
  api::PredicatePlugin p;
  p.info.class_name = fmt::format("{}{}", kPredicatePackage, name);
  p.info.name = std::move(name);
  p.info.summary = std::move(summary);
  p.info.config_def = std::move(def);
  p.create = std::move(create);
  return p;
}

// ---- TopicNameMatches -----------------------------------------------------------------------

std::optional<std::string> check_pattern(std::string_view pattern) {
  if (pattern.empty()) return "String must be non-empty";
  auto r = JavaRegex::compile(pattern);
  if (!r) return r.error().message();
  return std::nullopt;
}

const api::ConfigDef& topic_name_matches_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "pattern",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = check_pattern,
              .allowed = "non-empty string, valid regex",
              .importance = api::Importance::kMedium,
              .documentation = "A Java regular expression for matching against the name of a "
                               "record's topic."});
    return d;
  }();
  return def;
}

class TopicNameMatches final : public api::Predicate {
 public:
  explicit TopicNameMatches(JavaRegex regex) : regex_(std::move(regex)) {}

  bool test(const SinkRecord& record) const override {
    auto it = cache_.find(record.topic);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kTopicCacheSize) cache_.clear();
    bool matches = regex_.matches(record.topic);
    cache_.emplace(record.topic, matches);
    return matches;
  }

 private:
  JavaRegex regex_;
  mutable std::unordered_map<std::string, bool> cache_;  // single-threaded (sink thread)
};

// ---- HasHeaderKey ---------------------------------------------------------------------------

const api::ConfigDef& has_header_key_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "name",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = non_empty_string(),
              .allowed = "non-empty string",
              .importance = api::Importance::kMedium,
              .documentation = "The header name."});
    return d;
  }();
  return def;
}

class HasHeaderKey final : public api::Predicate {
 public:
  explicit HasHeaderKey(std::string name) : name_(std::move(name)) {}
  bool test(const SinkRecord& record) const override {
    for (const auto& h : record.headers) {
      if (h.key == name_) return true;
    }
    return false;
  }

 private:
  std::string name_;
};

// ---- RecordIsTombstone ----------------------------------------------------------------------

class RecordIsTombstone final : public api::Predicate {
 public:
  bool test(const SinkRecord& record) const override { return record.value.is_null(); }
};

const api::ConfigDef& empty_def() {
  static const api::ConfigDef def;
  return def;
}

}  // namespace

std::vector<api::PredicatePlugin> predicate_plugins() {
  return {
      make_predicate(
          "TopicNameMatches",
          "A predicate which is true for records with a topic name that matches the configured "
          "regular expression (the whole name, as Java's Matcher#matches).",
          topic_name_matches_def,
          [](const api::Config& c) -> Result<std::unique_ptr<api::Predicate>> {
            KC_ASSIGN_OR_RETURN(auto regex, JavaRegex::compile(c.get_string("pattern")));
            return std::make_unique<TopicNameMatches>(std::move(regex));
          }),
      make_predicate("HasHeaderKey",
                     "A predicate which is true for records with at least one header with the "
                     "configured name.",
                     has_header_key_def,
                     [](const api::Config& c) -> Result<std::unique_ptr<api::Predicate>> {
                       return std::make_unique<HasHeaderKey>(c.get_string("name"));
                     }),
      make_predicate("RecordIsTombstone",
                     "A predicate which is true for records which are tombstones (i.e. have null "
                     "value).",
                     empty_def,
                     [](const api::Config&) -> Result<std::unique_ptr<api::Predicate>> {
                       return std::make_unique<RecordIsTombstone>();
                     }),
  };
}

}  // namespace kc::transforms
