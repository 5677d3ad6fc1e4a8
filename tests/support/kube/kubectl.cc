#include "tests/support/kube/kubectl.h"

#include <chrono>

namespace kc::testing {

Kubectl::Kubectl(const std::string& kubeconfig_text) {
  write_text(dir_.file("kubeconfig"), kubeconfig_text);
}

std::vector<std::string> Kubectl::command(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"kubectl", "--kubeconfig", dir_.file("kubeconfig"),
                                   "--cache-dir", dir_.file("cache")};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

KubectlResult Kubectl::run(const std::vector<std::string>& args,
                           const std::string& stdin_text) const {
  auto prefix = dir_.file("run." + std::to_string(++counter_));
  std::string in = "/dev/null";
  if (!stdin_text.empty()) {
    in = prefix + ".in";
    write_text(in, stdin_text);
  }
  Process p(command(args), prefix, in);
  auto status = p.wait(std::chrono::minutes(2));
  return {status.value_or(-1), p.out(), p.err()};
}

std::unique_ptr<Process> Kubectl::start(const std::vector<std::string>& args) const {
  return std::make_unique<Process>(command(args), dir_.file("bg." + std::to_string(++counter_)));
}

}  // namespace kc::testing
