#pragma once

// A Kubernetes Secret (or ConfigMap) volume, updated the way the kubelet's AtomicWriter does it:
// the files live in a timestamped directory `..<timestamp>`, `..data` is a symlink to it, and each
// visible name is a symlink through `..data` (`tls.crt -> ..data/tls.crt`). An update writes a new
// directory, points `..data_tmp` at it, renames `..data_tmp` over `..data` (the one atomic step)
// and removes the old directory.

#include <map>
#include <string>

namespace kc::testing {

class SecretVolume {
 public:
  explicit SecretVolume(std::string root) : root_(std::move(root)) {}

  // Publishes a new version holding exactly `files` (name -> content).
  void publish(const std::map<std::string, std::string>& files);
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::string current_;  // the timestamped directory `..data` points at
  int generation_ = 0;
};

}  // namespace kc::testing
