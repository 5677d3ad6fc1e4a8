#pragma once

// Runs the real kubectl against a test API server: each Kubectl has its own kubeconfig and
// --cache-dir (so discovery caches never leak between tests).
//
//   Kubectl kubectl(api->kubeconfig());
//   auto r = kubectl.run({"apply", "-f", crds_dir});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   auto watch = kubectl.start({"get", "kcc", "-w"});
//   EXPECT_TRUE(watch->wait_for_output("main", 10s));

#include <memory>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace kc::testing {

struct KubectlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class Kubectl {
 public:
  explicit Kubectl(const std::string& kubeconfig_text);

  KubectlResult run(const std::vector<std::string>& args, const std::string& stdin_text = {}) const;
  // A kubectl running in the background (`get -w`); killed when the Process goes.
  std::unique_ptr<Process> start(const std::vector<std::string>& args) const;
  const std::string& dir() const { return dir_.path(); }

 private:
  std::vector<std::string> command(const std::vector<std::string>& args) const;
  TempDir dir_;
  mutable int counter_ = 0;
};

}  // namespace kc::testing
