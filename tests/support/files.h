#pragma once

#include <string>
#include <vector>

namespace kc::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Lines of a text file (without newlines); empty when the file does not exist.
std::vector<std::string> read_lines(const std::string& path);
std::string read_text(const std::string& path);

}  // namespace kc::testing

namespace kc::testing {
// Writes (replaces) a text file, creating parent directories.
void write_text(const std::string& path, const std::string& content);
}  // namespace kc::testing
