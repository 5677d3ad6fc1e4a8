// RegexRouter (org.apache.kafka.connect.transforms.RegexRouter). Renaming sets SinkRecord::topic
// only; offsets stay on the original topic and partition (KIP-793).

#include <string>
#include <unordered_map>

#include "runtime/transforms/java_regex.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

// Topic -> result cache: a task sees a handful of topics. Cleared when full.
constexpr size_t kTopicCacheSize = 1024;

std::optional<std::string> check_regex(std::string_view pattern) {
  auto r = JavaRegex::compile(pattern);
  if (!r) return r.error().message();
  return std::nullopt;
}

const api::ConfigDef& regex_router_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "regex",
              .type = api::ConfigType::kString,
              .required = true,
              .validator = check_regex,
              .allowed = "valid regex",
              .importance = api::Importance::kHigh,
              .documentation = "Regular expression to use for matching."});
    d.define(required_string("replacement", "Replacement string.", api::Importance::kHigh));
    return d;
  }();
  return def;
}

class RegexRouter final : public api::Transform {
 public:
  RegexRouter(JavaRegex regex, JavaReplacement replacement)
      : regex_(std::move(regex)), replacement_(std::move(replacement)) {}

  static Result<std::unique_ptr<api::Transform>> create(const api::Config& config) {
    KC_ASSIGN_OR_RETURN(auto regex, JavaRegex::compile(config.get_string("regex")));
    KC_ASSIGN_OR_RETURN(auto replacement,
                        JavaReplacement::parse(config.get_string("replacement"), regex));
    return std::unique_ptr<api::Transform>(
        std::make_unique<RegexRouter>(std::move(regex), std::move(replacement)));
  }

  Result<Outcome> apply(SinkRecord& record) override {
    // Records come in runs of one topic: the last answer first, then the per-topic cache.
    if (last_ == nullptr || last_->first != record.topic) {
      auto it = cache_.find(record.topic);
      if (it == cache_.end()) {
        if (cache_.size() >= kTopicCacheSize) cache_.clear();  // invalidates last_, reset below
        it = cache_.emplace(record.topic, replace_if_matches(regex_, replacement_, record.topic))
                 .first;
      }
      last_ = &*it;
    }
    if (last_->second) record.topic = *last_->second;
    return Outcome::kKeep;
  }

 private:
  JavaRegex regex_;
  JavaReplacement replacement_;
  std::unordered_map<std::string, std::optional<std::string>> cache_;  // nullopt: no match
  const std::pair<const std::string, std::optional<std::string>>* last_ = nullptr;
};

}  // namespace

std::vector<api::TransformPlugin> regex_router_plugins() {
  return {make_transform_plugin(
      "RegexRouter", std::nullopt,
      "Update the record topic using the configured regular expression and replacement string. "
      "If the pattern matches the whole topic, the first match is replaced (Java's "
      "Matcher#replaceFirst, with $1 group references). Offsets are still committed against the "
      "original topic.",
      regex_router_def, RegexRouter::create)};
}

}  // namespace kc::transforms
