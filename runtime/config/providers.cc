#include "runtime/config/providers.h"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "libs/base/secrets.h"
#include "libs/base/strings.h"
#include "runtime/config/config_file.h"
#include "runtime/config/properties.h"

namespace kc::config {
namespace {

namespace fs = std::filesystem;
using api::ConfigIssue;

constexpr std::string_view kPackage = "org.apache.kafka.common.config.provider.";

struct Reference {
  size_t begin = 0, end = 0;  // [begin, end) in the value, "${" ... "}"
  std::string provider, path, key;
};

// ConfigTransformer's pattern \$\{([^}]*?):(([^}]*?):)?([^}]*?)\}: the provider is what precedes
// the first ':', the optional path what lies between the first and the second, the key the rest.
std::vector<Reference> references(std::string_view value) {
  std::vector<Reference> out;
  size_t pos = 0;
  while ((pos = value.find("${", pos)) != std::string_view::npos) {
    auto close = value.find('}', pos + 2);
    if (close == std::string_view::npos) break;
    auto inner = value.substr(pos + 2, close - pos - 2);
    auto colon = inner.find(':');
    if (colon == std::string_view::npos) {
      pos += 2;
      continue;
    }
    Reference r{.begin = pos, .end = close + 1, .provider = std::string(inner.substr(0, colon))};
    auto rest = inner.substr(colon + 1);
    auto second = rest.find(':');
    if (second == std::string_view::npos) {
      r.key = std::string(rest);
    } else {
      r.path = std::string(rest.substr(0, second));
      r.key = std::string(rest.substr(second + 1));
    }
    out.push_back(std::move(r));
    pos = close + 1;
  }
  return out;
}

std::string normalized(const std::string& path) {
  std::error_code ec;
  auto abs = fs::absolute(fs::path(path), ec);
  return (ec ? fs::path(path) : abs).lexically_normal().string();
}

bool inside(const std::string& path, const std::string& dir) {
  if (path == dir) return true;
  auto prefix = dir.ends_with('/') ? dir : dir + "/";
  return strings::starts_with(path, prefix);
}

}  // namespace

bool has_provider_reference(std::string_view value) { return !references(value).empty(); }

std::vector<ProviderReference> provider_references(std::string_view value) {
  std::vector<ProviderReference> out;
  for (auto& r : references(value)) {
    out.push_back({std::move(r.provider), std::move(r.path), std::move(r.key)});
  }
  return out;
}

std::vector<std::string> ConfigProviders::supported_classes() {
  return {std::string(kPackage) + "FileConfigProvider",
          std::string(kPackage) + "DirectoryConfigProvider",
          std::string(kPackage) + "EnvVarConfigProvider", std::string(kStrimziSecretProvider),
          std::string(kStrimziConfigMapProvider)};
}

ConfigProviders ConfigProviders::from_worker(const api::RawConfig& worker,
                                             std::vector<ConfigIssue>& issues) {
  ConfigProviders out;
  auto it = worker.find("config.providers");
  if (it == worker.end()) return out;
  for (const auto& alias : strings::split_list(it->second)) {
    std::string prefix = fmt::format("config.providers.{}.", alias);
    auto cls = worker.find(prefix + "class");
    if (cls == worker.end()) {
      issues.push_back({ConfigIssue::Severity::kError, prefix + "class", "",
                        fmt::format("config provider '{}' is listed in config.providers but has "
                                    "no class (allowed: {})",
                                    alias, strings::join(supported_classes(), ", "))});
      continue;
    }
    std::string_view simple = cls->second;
    if (strings::starts_with(simple, kPackage)) simple.remove_prefix(kPackage.size());
    Provider p{.alias = alias};
    if (simple == "FileConfigProvider") {
      p.kind = Kind::kFile;
    } else if (simple == "DirectoryConfigProvider") {
      p.kind = Kind::kDirectory;
    } else if (simple == "EnvVarConfigProvider") {
      p.kind = Kind::kEnv;
    } else if (simple == kStrimziSecretProvider) {
      p.kind = Kind::kKubernetesSecret;
    } else if (simple == kStrimziConfigMapProvider) {
      p.kind = Kind::kKubernetesConfigMap;
    } else {
      issues.push_back({ConfigIssue::Severity::kError, prefix + "class", cls->second,
                        fmt::format("Unsupported config provider class (allowed: {})",
                                    strings::join(supported_classes(), ", "))});
      continue;
    }
    for (const auto& [key, value] : worker) {
      if (!strings::starts_with(key, prefix + "param.")) continue;
      std::string_view param = std::string_view(key).substr(prefix.size() + 6);
      if (param == "allowed.paths" && p.kind != Kind::kEnv) {
        for (const auto& path : strings::split_list(value)) {
          if (!fs::path(path).is_absolute()) {
            issues.push_back(
                {ConfigIssue::Severity::kError, key, value,
                 fmt::format("allowed.paths must be absolute paths; '{}' is not", path)});
            continue;
          }
          p.allowed_paths.push_back(normalized(path));
        }
      } else if (param == "allowlist.pattern" && p.kind == Kind::kEnv) {
        try {
          p.allowlist = std::regex(value);
        } catch (const std::regex_error& e) {
          issues.push_back({ConfigIssue::Severity::kError, key, value,
                            fmt::format("Invalid regular expression: {}", e.what())});
        }
      } else {
        issues.push_back({ConfigIssue::Severity::kWarning, key, value,
                          fmt::format("unknown parameter for {} (ignored)", cls->second)});
      }
    }
    out.providers_.push_back(std::move(p));
  }
  return out;
}

void ConfigProviders::add(std::string alias, Lookup lookup) {
  std::erase_if(providers_, [&](const Provider& p) { return p.alias == alias; });
  providers_.push_back(
      Provider{.alias = std::move(alias), .kind = Kind::kCustom, .custom = std::move(lookup)});
}

void ConfigProviders::bind_kubernetes(const Lookup& secrets, const Lookup& config_maps) {
  for (auto& p : providers_) {
    if (p.kind == Kind::kKubernetesSecret) p.custom = secrets;
    if (p.kind == Kind::kKubernetesConfigMap) p.custom = config_maps;
  }
}

std::vector<std::string> ConfigProviders::kubernetes_aliases(bool secrets) const {
  std::vector<std::string> out;
  for (const auto& p : providers_) {
    if (p.kind == (secrets ? Kind::kKubernetesSecret : Kind::kKubernetesConfigMap)) {
      out.push_back(p.alias);
    }
  }
  return out;
}

const ConfigProviders::Provider* ConfigProviders::find(std::string_view alias) const {
  for (const auto& p : providers_) {
    if (p.alias == alias) return &p;
  }
  return nullptr;
}

std::string ConfigProviders::lookup(const Provider& p, const std::string& path,
                                    const std::string& key, std::string& reason) const {
  if (p.kind == Kind::kKubernetesSecret || p.kind == Kind::kKubernetesConfigMap) {
    if (!p.custom) {
      reason = fmt::format(
          "{} (config.providers.{}) reads through the Kubernetes API: only workers run by "
          "kconnect-operator (kconnect-runtime managed) can resolve it",
          p.kind == Kind::kKubernetesSecret ? kStrimziSecretProvider : kStrimziConfigMapProvider,
          p.alias);
      return {};
    }
  }
  if (p.custom) {
    auto value = p.custom(path, key);
    if (!value) {
      reason = value.error().message();
      return {};
    }
    return std::move(*value);
  }
  if (p.kind == Kind::kEnv) {
    if (!std::regex_match(key, p.allowlist)) {
      reason = fmt::format(
          "environment variable {} is not allowed by config.providers.{}.param."
          "allowlist.pattern",
          key, p.alias);
      return {};
    }
    const char* v = std::getenv(key.c_str());
    if (!v) reason = fmt::format("environment variable {} is not set", key);
    return v ? v : "";
  }
  if (path.empty()) {
    reason = fmt::format("a path is required: ${{{}:<path>:{}}}", p.alias, key);
    return {};
  }
  auto file = normalized(p.kind == Kind::kFile ? path : path + "/" + key);
  if (p.kind == Kind::kDirectory &&
      (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")) {
    reason = fmt::format("'{}' is not a file name", key);
    return {};
  }
  if (!p.allowed_paths.empty()) {
    bool allowed = false;
    for (const auto& dir : p.allowed_paths) allowed = allowed || inside(file, dir);
    if (!allowed) {
      reason = fmt::format("{} is not in config.providers.{}.param.allowed.paths", file, p.alias);
      return {};
    }
  }
  auto content = read_file(file);
  if (!content) {
    reason = content.error().message();
    return {};
  }
  if (p.kind == Kind::kDirectory) return std::move(*content);
  auto props = parse_properties(*content);
  if (!props) {
    reason = fmt::format("{}: {}", file, props.error().message());
    return {};
  }
  auto it = props->find(key);
  if (it == props->end()) {
    reason = fmt::format("{} has no key {}", file, key);
    return {};
  }
  return it->second;
}

ConfigProviders::Resolved ConfigProviders::resolve(const api::RawConfig& raw,
                                                   std::vector<ConfigIssue>& issues) const {
  Resolved out;
  for (const auto& [key, value] : raw) {
    auto refs = references(value);
    if (refs.empty()) {
      out.values.emplace(key, value);
      continue;
    }
    std::string resolved;
    size_t at = 0;
    bool any = false;
    for (const auto& r : refs) {
      resolved.append(value, at, r.begin - at);
      at = r.end;
      std::string text = value.substr(r.begin, r.end - r.begin);
      const Provider* p = find(r.provider);
      if (!p) {
        issues.push_back({ConfigIssue::Severity::kWarning, key, text,
                          fmt::format("no config provider '{}' is configured (config.providers); "
                                      "the reference is passed on unchanged",
                                      r.provider)});
        resolved += text;
        continue;
      }
      std::string reason;
      auto v = lookup(*p, r.path, r.key, reason);
      if (!reason.empty()) {
        issues.push_back({ConfigIssue::Severity::kError, key, text,
                          fmt::format("cannot resolve config provider reference: {}", reason)});
        resolved += text;
        continue;
      }
      secrets::remember(v);  // masked wherever it might be printed from now on
      resolved += v;
      any = true;
    }
    resolved.append(value, at);
    if (any) out.from_provider.insert(key);
    out.values.emplace(key, std::move(resolved));
  }
  return out;
}

}  // namespace kc::config
