#pragma once

// Bearer-token authentication for the REST API: the expected token lives in a file (a mounted
// Kubernetes Secret, typically) and is read again whenever the file changes (inode, size or
// modification time), so the token rotates without a restart.
//
// Guarantees: fails closed — a missing, unreadable or empty file accepts nothing; tokens are
// compared in constant time; the token never appears in a log line or an error.
// Threading: accepts() may be called from any number of threads at once.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kc::rest {

class BearerToken {
 public:
  explicit BearerToken(std::string path);

  // True when `authorization` is "Bearer <token>" and <token> is the file's current content
  // (surrounding whitespace, such as a trailing newline, ignored).
  bool accepts(std::optional<std::string_view> authorization);

 private:
  struct FileKey {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = -1;
    bool operator==(const FileKey&) const = default;
  };
  void refresh_locked();

  std::string path_;
  std::mutex mu_;
  std::optional<FileKey> key_;
  std::string token_;  // empty: accept nothing
  bool missing_reported_ = false;
};

}  // namespace kc::rest
