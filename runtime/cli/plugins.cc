#include <iostream>

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "runtime/cli/commands.h"
#include "runtime/registry/builtin_plugins.h"

namespace kc::cli {
namespace {

template <class Plugin>
void print_section(const char* title, const std::vector<Plugin>& plugins) {
  std::cout << title << "\n";
  if (plugins.empty()) std::cout << "  (none)\n";
  for (const auto& p : plugins) {
    std::cout << fmt::format("  {:<18} {}\n", p.info.name, p.info.class_name);
    if (!p.info.aliases.empty())
      std::cout << fmt::format("  {:<18} also: {}\n", "", strings::join(p.info.aliases, ", "));
    std::cout << fmt::format("  {:<18} {}\n", "", p.info.summary);
  }
  std::cout << "\n";
}

}  // namespace

int run_plugins() {
  const auto& plugins = registry::builtin();
  std::cout
      << "Each plugin is accepted by its short name, its Apache Kafka class name or an alias.\n\n";
  print_section("Sink connectors (connector.class):", plugins.sinks);
  print_section("Converters (key.converter, value.converter, header.converter):",
                plugins.converters);
  print_section("Transforms (transforms.<alias>.type):", plugins.transforms);
  print_section("Predicates (predicates.<alias>.type):", plugins.predicates);
  return 0;
}

}  // namespace kc::cli
