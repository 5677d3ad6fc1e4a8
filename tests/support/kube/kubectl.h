#pragma once

// Runs the real kubectl against a test API server: each Kubectl has its own kubeconfig and
// --cache-dir (so discovery caches never leak between tests).
//
//   Kubectl kubectl(api->kubeconfig());
//   auto r = kubectl.run({"apply", "-f", crds_dir});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   auto watch = kubectl.start({"get", "kcc", "-w"});
//   EXPECT_TRUE(watch.wait_for_output("main", 10s));

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "tests/support/files.h"

namespace kc::testing {

struct KubectlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A kubectl process running in the background (kubectl get -w); killed on destruction.
class KubectlProcess {
 public:
  KubectlProcess(pid_t pid, std::string out_file, std::string err_file);
  ~KubectlProcess();
  KubectlProcess(KubectlProcess&& other) noexcept;
  KubectlProcess(const KubectlProcess&) = delete;
  KubectlProcess& operator=(const KubectlProcess&) = delete;

  std::string output() const;
  // Waits until the output contains `text` `count` times (or the deadline passes).
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout,
                       size_t count = 1) const;
  // Waits for the process to exit by itself; returns its exit code or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_;
  std::string out_file_;
  std::string err_file_;
};

class Kubectl {
 public:
  explicit Kubectl(const std::string& kubeconfig_text);

  KubectlResult run(const std::vector<std::string>& args, const std::string& stdin_text = {}) const;
  KubectlProcess start(const std::vector<std::string>& args) const;
  const std::string& dir() const { return dir_.path(); }

 private:
  std::vector<std::string> command(const std::vector<std::string>& args) const;
  TempDir dir_;
  mutable int counter_ = 0;
};

// Polls `predicate` every 10 ms until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

// The repository's top directory (KC_SOURCE_DIR set by ctest, else the compile-time path).
std::string source_dir();

}  // namespace kc::testing
