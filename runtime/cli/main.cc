// kconnect-runtime: Kafka sink connectors without a JVM.

#include <iostream>

#include <CLI/CLI.hpp>

#include "libs/base/log.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/signals.h"

#ifndef KC_VERSION
#define KC_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  kc::cli::block_termination_signals();

  CLI::App app{
      "kconnect-runtime: Kafka sink connectors without a JVM.\n"
      "Runs Kafka Connect sink connector configurations as connect-standalone does.",
      "kconnect-runtime"};
  app.set_version_flag("--version", std::string("kconnect-runtime ") + KC_VERSION);
  app.require_subcommand(1);
  std::string log_format = "text", log_level = "INFO";
  app.add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->envname("KC_LOG_FORMAT");
  app.add_option("--log-level", log_level, "TRACE, DEBUG, INFO, WARN, ERROR")
      ->envname("KC_LOG_LEVEL");

  kc::cli::StandaloneOptions standalone_options;
  auto* standalone =
      app.add_subcommand("standalone", "Run connectors from files, like connect-standalone");
  standalone
      ->add_option("worker", standalone_options.worker_file,
                   "Worker configuration (.properties, .json or .yaml)")
      ->required();
  standalone
      ->add_option("connectors", standalone_options.connector_files,
                   "Connector configurations (.properties, Kafka Connect JSON, or YAML)")
      ->required();
  standalone->add_flag(
      "--exit-when-caught-up", standalone_options.exit_when_caught_up,
      "Flush, commit and exit once every assigned partition is consumed to its end "
      "(prints a JSON summary line); exit status 1 if the offsets could not be committed");
  standalone
      ->add_option("--commit-timeout", standalone_options.commit_timeout_seconds,
                   "With --exit-when-caught-up: seconds to retry the final flush and commit")
      ->check(CLI::PositiveNumber)
      ->default_val(30);

  kc::cli::ManagedOptions managed_options;
  auto* managed = app.add_subcommand(
      "managed",
      "Run as a worker of an operator-managed cluster: connectors from its ConfigMap "
      "(watched through the Kubernetes API, else the mounted files), read-only REST API");
  managed->add_option("--config-dir", managed_options.config_dir,
                      "The mounted ConfigMap: worker.properties and connectors.json");
  managed->add_option("--listeners", managed_options.listeners,
                      "REST listeners instead of worker.properties' (e.g. http://127.0.0.1:0)");

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand(
      "validate",
      "Check configuration files without connecting; prints every problem; exit 1 on errors");
  validate
      ->add_option("files", validate_files,
                   "Worker and connector files (a file with connector.class is a connector)")
      ->required();

  auto* plugins =
      app.add_subcommand("plugins", "List built-in connectors, converters and transforms");
  auto* reference =
      app.add_subcommand("config-reference", "Print every configuration key as Markdown");
  std::string reference_sink;
  reference->add_option("--sink", reference_sink,
                        "Only this sink connector's keys (its name, class or alias), for its page "
                        "in docs/sinks/");

  CLI11_PARSE(app, argc, argv);

  kc::log::set_format(log_format == "json" ? kc::log::Format::kJson : kc::log::Format::kText);
  auto level = kc::log::parse_level(log_level);
  if (!level) {
    std::cerr << "--log-level: unknown level " << log_level << "\n";
    return 2;
  }
  kc::log::set_level("root", *level);

  if (*standalone) return kc::cli::run_standalone(standalone_options);
  if (*managed) return kc::cli::run_managed(managed_options);
  if (*validate) return kc::cli::run_validate(validate_files);
  if (*plugins) return kc::cli::run_plugins();
  if (*reference) return kc::cli::run_config_reference(reference_sink);
  return 2;
}
