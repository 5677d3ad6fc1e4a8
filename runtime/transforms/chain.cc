#include "runtime/transforms/chain.h"

#include <algorithm>

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::transforms {
namespace {

using api::ConfigIssue;
constexpr auto kError = ConfigIssue::Severity::kError;
constexpr auto kWarning = ConfigIssue::Severity::kWarning;

std::string shown(std::string_view key, std::string_view value) {
  return api::is_sensitive_key(key) ? std::string(api::kHidden) : std::string(value);
}

bool has_error_since(const std::vector<ConfigIssue>& issues, size_t from) {
  return std::any_of(issues.begin() + static_cast<std::ptrdiff_t>(from), issues.end(),
                     [](const ConfigIssue& i) { return i.severity == kError; });
}

template <class Plugin>
std::string names_of(const std::vector<Plugin>& plugins) {
  std::vector<std::string> names;
  for (const auto& p : plugins) names.push_back(p.info.name);
  return strings::join(names, ", ");
}

}  // namespace

const api::ConfigDef& chain_config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(
        {.name = "transforms",
         .type = api::ConfigType::kList,
         .default_value = "",
         .allowed = "unique aliases",
         .importance = api::Importance::kLow,
         .documentation = "Aliases for the transformations to be applied to records, in order.",
         .group = "Transforms"});
    d.define({.name = "predicates",
              .type = api::ConfigType::kList,
              .default_value = "",
              .allowed = "unique aliases",
              .importance = api::Importance::kLow,
              .documentation = "Aliases for the predicates used by transformations.",
              .group = "Predicates"});
    return d;
  }();
  return def;
}

bool is_chain_key(std::string_view key) {
  return key == "transforms" || key == "predicates" || strings::starts_with(key, "transforms.") ||
         strings::starts_with(key, "predicates.");
}

// Validation and construction share one walk over the configuration: with `out`, instances are
// created too.
struct ChainBuilder {
  const api::RawConfig& raw;
  const registry::Plugins& plugins;
  std::vector<ConfigIssue>& issues;
  Chain* out = nullptr;

  std::vector<std::string> aliases(std::string_view key) {
    auto it = raw.find(key);
    if (it == raw.end()) return {};
    auto list = strings::split_list(it->second);
    std::vector<std::string> unique;
    for (const auto& a : list) {
      if (std::find(unique.begin(), unique.end(), a) != unique.end()) {
        issues.push_back(
            {kError, std::string(key), it->second, fmt::format("Duplicate alias provided: {}", a)});
        continue;
      }
      unique.push_back(a);
    }
    return unique;
  }

  // The plugin's own keys under `prefix`, parsed; warnings for unknown sub-keys.
  template <class Plugin>
  api::Config parse_keys(const Plugin& plugin, const std::string& prefix,
                         std::initializer_list<std::string_view> chain_keys) {
    api::RawConfig sub;
    for (auto it = raw.lower_bound(prefix);
         it != raw.end() && strings::starts_with(it->first, prefix); ++it) {
      sub.emplace(it->first.substr(prefix.size()), it->second);
    }
    for (auto k : chain_keys) sub.erase(std::string(k));
    const auto& def = plugin.info.config_def();
    auto config = api::Config::parse(def, sub, issues, prefix);
    for (const auto& [k, v] : sub) {
      const api::ConfigKey* key = def.find(k);
      if (!key) {
        issues.push_back(
            {kWarning, prefix + k, "",  // never the value of an undeclared key
             fmt::format("unknown configuration key for {} (ignored)", plugin.info.class_name)});
      } else if (strings::starts_with(key->documentation, "Deprecated.")) {
        issues.push_back({kWarning, prefix + k, shown(k, v), key->documentation});
      }
    }
    return config;
  }

  // Resolves `<prefix>type`; nullptr (with an issue) when missing or unknown.
  template <class Plugin, class Find>
  const Plugin* resolve(const std::string& prefix, const std::vector<Plugin>& all, Find find) {
    std::string key = prefix + "type";
    auto it = raw.find(key);
    if (it == raw.end() || strings::trim(it->second).empty()) {
      issues.push_back(
          {kError, key, "",
           fmt::format("Missing required configuration \"{}\" which has no default value.", key)});
      return nullptr;
    }
    std::string type(strings::trim(it->second));
    const Plugin* plugin = find(type);
    if (!plugin) {
      issues.push_back(
          {kError, key, type,
           fmt::format("Class {} could not be found (allowed: {})", type, names_of(all))});
    }
    return plugin;
  }

  void run() {
    auto transform_aliases = aliases("transforms");
    auto predicate_aliases = aliases("predicates");

    // Predicates first: transforms refer to them.
    std::vector<std::string> used;
    for (const auto& alias : predicate_aliases) {
      std::string prefix = fmt::format("predicates.{}.", alias);
      size_t mark = issues.size();
      const auto* plugin = resolve(prefix, plugins.predicates,
                                   [&](std::string_view t) { return plugins.find_predicate(t); });
      if (!plugin) continue;
      auto config = parse_keys(*plugin, prefix, {"type"});
      if (has_error_since(issues, mark)) continue;
      auto created = plugin->create(config);
      if (!created) {
        issues.push_back({kError, "predicates." + alias, "", created.error().message()});
        continue;
      }
      if (out) out->predicates_.push_back(std::move(*created));
    }

    for (const auto& alias : transform_aliases) {
      std::string prefix = fmt::format("transforms.{}.", alias);
      size_t mark = issues.size();
      Chain::Stage stage;
      stage.alias = alias;

      // predicate / negate
      std::string predicate_key = prefix + "predicate";
      auto p = raw.find(predicate_key);
      std::string predicate =
          p == raw.end() ? std::string() : std::string(strings::trim(p->second));
      if (!predicate.empty()) {
        auto at = std::find(predicate_aliases.begin(), predicate_aliases.end(), predicate);
        if (at == predicate_aliases.end()) {
          issues.push_back(
              {kError, predicate_key, predicate,
               fmt::format("Transformation '{}' uses predicate '{}', which is not "
                           "declared in predicates (declared: {})",
                           alias, predicate,
                           predicate_aliases.empty() ? std::string("none")
                                                     : strings::join(predicate_aliases, ", "))});
        } else {
          used.push_back(predicate);
          stage.predicate = static_cast<int>(at - predicate_aliases.begin());
        }
      }
      std::string negate_key = prefix + "negate";
      if (auto n = raw.find(negate_key); n != raw.end()) {
        auto b = strings::parse_bool(n->second);
        if (!b) {
          issues.push_back(
              {kError, negate_key, n->second, "Expected value to be either true or false"});
        } else {
          stage.negate = *b;
          if (*b && predicate.empty()) {
            issues.push_back({kWarning, negate_key, n->second,
                              "negate has no effect without a predicate (ignored)"});
          }
        }
      }

      const auto* plugin = resolve(prefix, plugins.transforms,
                                   [&](std::string_view t) { return plugins.find_transform(t); });
      if (!plugin) continue;
      stage.type = plugin->info.name;
      auto config = parse_keys(*plugin, prefix, {"type", "predicate", "negate"});
      if (has_error_since(issues, mark)) continue;
      auto created = plugin->create(config);
      if (!created) {
        issues.push_back({kError, "transforms." + alias, "",
                          fmt::format("{}: {}", plugin->info.name, created.error().message())});
        continue;
      }
      stage.transform = std::move(*created);
      if (out) out->stages_.push_back(std::move(stage));
    }

    for (const auto& alias : predicate_aliases) {
      if (std::find(used.begin(), used.end(), alias) == used.end()) {
        issues.push_back({kWarning, "predicates", alias,
                          fmt::format("predicate '{}' is not used by any transform", alias)});
      }
    }

    // Keys of aliases that are not listed.
    for (const auto& [key, value] : raw) {
      bool transform_key = strings::starts_with(key, "transforms.");
      bool predicate_key = strings::starts_with(key, "predicates.");
      if (!transform_key && !predicate_key) continue;
      const auto& listed = transform_key ? transform_aliases : predicate_aliases;
      std::string_view rest = std::string_view(key).substr(11);  // both prefixes are 11 chars
      bool known = std::any_of(listed.begin(), listed.end(), [&](const std::string& a) {
        return rest.size() > a.size() && strings::starts_with(rest, a) && rest[a.size()] == '.';
      });
      if (!known) {
        issues.push_back({kWarning, key, shown(key, value),
                          fmt::format("the alias is not listed in {} (ignored)",
                                      transform_key ? "transforms" : "predicates")});
      }
    }
  }
};

void validate(const api::RawConfig& connector, const registry::Plugins& plugins,
              std::vector<api::ConfigIssue>& issues) {
  ChainBuilder{connector, plugins, issues, nullptr}.run();
}

Result<Chain> Chain::create(const api::RawConfig& connector, const registry::Plugins& plugins) {
  Chain chain;
  std::vector<api::ConfigIssue> issues;
  ChainBuilder{connector, plugins, issues, &chain}.run();
  std::vector<std::string> errors;
  for (const auto& i : issues) {
    if (i.severity == kError) errors.push_back(i.to_string());
  }
  if (!errors.empty()) {
    return make_error(Errc::kInvalidConfig, "invalid transforms configuration: {}",
                      strings::join(errors, "; "));
  }
  return chain;
}

Chain::Chain(Chain&&) noexcept = default;
Chain& Chain::operator=(Chain&&) noexcept = default;
Chain::~Chain() = default;

Result<api::Transform::Outcome> Chain::apply(api::SinkRecord& record) {
  for (auto& stage : stages_) {
    if (stage.predicate >= 0 &&
        predicates_[static_cast<size_t>(stage.predicate)]->test(record) == stage.negate) {
      continue;
    }
    auto outcome = stage.transform->apply(record);
    if (!outcome) {
      const Error& e = outcome.error();
      return tl::unexpected(Error(
          e.code(), fmt::format("transform '{}' ({}): {}", stage.alias, stage.type, e.message()),
          e.retriable() ? Retry::kYes : Retry::kNo));
    }
    if (*outcome == api::Transform::Outcome::kDrop) return api::Transform::Outcome::kDrop;
  }
  return api::Transform::Outcome::kKeep;
}

}  // namespace kc::transforms
