#include <iostream>

#include <fmt/format.h>

#include "libs/base/secrets.h"
#include "runtime/cli/commands.h"
#include "runtime/config/config_file.h"
#include "runtime/config/connector_config.h"
#include "runtime/config/security/material.h"
#include "runtime/config/worker_config.h"

namespace kc::cli {

size_t print_issues(std::ostream& out, const std::string& source,
                    const std::vector<api::ConfigIssue>& issues) {
  size_t errors = 0, warnings = 0;
  for (const auto& i : issues)
    (i.severity == api::ConfigIssue::Severity::kError ? errors : warnings)++;
  if (errors == 0 && warnings == 0) {
    out << source << ": OK\n";
    return 0;
  }
  out << fmt::format("{}: {} error{}, {} warning{}\n", source, errors, errors == 1 ? "" : "s",
                     warnings, warnings == 1 ? "" : "s");
  for (const auto& i : issues) {
    out << fmt::format("  {}: {}\n",
                       i.severity == api::ConfigIssue::Severity::kError ? "error" : "warning",
                       secrets::mask(i.to_string()));
  }
  return errors;
}

// Files with connector.class are connector configurations; others are worker configurations.
// Connectors are validated against the last worker file given before them (or the defaults).
int run_validate(const std::vector<std::string>& files) {
  size_t errors = 0;
  std::vector<api::ConfigIssue> none;
  config::WorkerConfig worker = config::parse_worker_config({}, none);
  for (const auto& path : files) {
    auto content = config::read_file(path);
    if (!content) {
      std::cout << fmt::format("{}: error: {}\n", path, content.error().message());
      ++errors;
      continue;
    }
    auto connector = config::parse_connector(*content, config::detect_format(path, *content));
    if (!connector) {
      std::cout << fmt::format("{}: error: {}\n", path, connector.error().message());
      ++errors;
      continue;
    }
    if (connector->config.count("connector.class") == 0) {
      std::vector<api::ConfigIssue> issues;
      worker = config::parse_worker_config(connector->config, issues);
      errors += print_issues(std::cout, fmt::format("{} (worker)", path), issues);
      continue;
    }
    auto result = config::resolve_and_validate(worker, connector->config);
    // This command runs where the files are (unlike the operator): check the TLS material too.
    if (result.config)
      config::security::check_material(result.config->consumer.security, result.issues);
    auto label = connector->name.empty() ? "unnamed connector" : "connector " + connector->name;
    errors += print_issues(std::cout, fmt::format("{} ({})", path, label), result.issues);
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace kc::cli
