#include "libs/tls/detail/inotify.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <sys/inotify.h>
#include <unistd.h>

namespace kc::tls::detail {

Result<DirectoryEvents> DirectoryEvents::open() {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return make_error(Errc::kUnavailable, "inotify unavailable: {}", std::strerror(errno));
  }
  return DirectoryEvents(fd);
}

DirectoryEvents::DirectoryEvents(DirectoryEvents&& other) noexcept
    : fd_(other.fd_), watches_(std::move(other.watches_)) {
  other.fd_ = -1;
}

DirectoryEvents::~DirectoryEvents() {
  if (fd_ >= 0) ::close(fd_);
}

void DirectoryEvents::watch(const std::set<std::string>& directories) {
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (directories.count(it->first) == 0) {
      inotify_rm_watch(fd_, it->second);  // fails harmlessly when the directory is gone
      it = watches_.erase(it);
    } else {
      ++it;
    }
  }
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                             IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
  for (const auto& dir : directories) {
    // Re-adding an existing watch is cheap and revives one whose directory was replaced.
    int wd = inotify_add_watch(fd_, dir.c_str(), kMask);
    if (wd >= 0) {
      watches_[dir] = wd;
    } else {
      watches_.erase(dir);
    }
  }
}

size_t DirectoryEvents::drain() {
  size_t events = 0;
  alignas(inotify_event) std::array<char, 4096> buf{};
  for (;;) {
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n <= 0) break;  // EAGAIN: nothing more
    size_t offset = 0;
    while (offset + sizeof(inotify_event) <= static_cast<size_t>(n)) {
      inotify_event header{};
      std::memcpy(&header, buf.data() + offset, sizeof header);
      offset += sizeof(inotify_event) + header.len;
      ++events;
    }
  }
  return events;
}

}  // namespace kc::tls::detail
