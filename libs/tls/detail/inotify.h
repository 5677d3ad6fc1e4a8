#pragma once

// Internal: inotify on a set of directories, for MaterialWatcher. Linux only.
// Threading: one owner thread.

#include <map>
#include <set>
#include <string>

#include "libs/base/error.h"

namespace kc::tls::detail {

class DirectoryEvents {
 public:
  // Errors: Errc::kUnavailable when inotify cannot be used (limits, seccomp, not Linux).
  static Result<DirectoryEvents> open();
  DirectoryEvents(DirectoryEvents&& other) noexcept;
  DirectoryEvents& operator=(DirectoryEvents&&) = delete;
  DirectoryEvents(const DirectoryEvents&) = delete;
  ~DirectoryEvents();

  // Watches exactly `directories` from now on: entries created, written, renamed over, deleted,
  // or their attributes changed. Directories that do not exist (yet) are skipped.
  void watch(const std::set<std::string>& directories);
  // The descriptor to poll for readability.
  int fd() const { return fd_; }
  // Reads every pending event; returns how many there were.
  size_t drain();
  const std::map<std::string, int>& watched() const { return watches_; }

 private:
  explicit DirectoryEvents(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::map<std::string, int> watches_;  // directory -> watch descriptor
};

}  // namespace kc::tls::detail
