#include "libs/http/detail/head_gate.h"

#include <cerrno>

#include <sys/socket.h>

namespace kc::http::detail {
namespace {

constexpr size_t kReadChunk = size_t{16} * 1024;
constexpr std::string_view kHeadEnd = "\r\n\r\n";

}  // namespace

void HeadGate::add(std::unique_ptr<Transport> transport, std::string remote, std::string host) {
  hold(Entry{
      .head = {std::move(transport), std::move(remote), std::move(host), {}},
      .deadline = deadline_after(limits_.header_timeout),
  });
}

void HeadGate::poll_fds(std::vector<pollfd>& fds) const {
  for (const auto& entry : entries_) fds.push_back({entry.head.transport->fd(), POLLIN, 0});
}

Clock::time_point HeadGate::next_deadline() const {
  auto earliest = kNoDeadline;
  for (const auto& entry : entries_) earliest = std::min(earliest, entry.deadline);
  return earliest;
}

std::vector<HeadGate::Head> HeadGate::collect(const pollfd* fds, size_t count) {
  std::vector<Head> complete;
  auto now = Clock::now();
  auto it = entries_.begin();
  for (size_t i = 0; i < count && it != entries_.end(); ++i) {
    auto current = it++;
    Entry& entry = *current;
    bool readable = (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    if (readable && !read_available(entry)) {
      erase(current);
      continue;
    }
    if (entry.complete) {
      forget_host(entry.head.host);
      complete.push_back(std::move(entry.head));
      entries_.erase(current);
      continue;
    }
    if (now >= entry.deadline) erase(current);  // no head in time (or the linger is over)
  }
  return complete;
}

void HeadGate::refuse(Head head, std::string_view response) {
  int fd = head.transport->fd();
  auto sent = ::send(fd, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent != static_cast<ssize_t>(response.size())) return;  // the client is not reading
  head.transport->shutdown_write();
  hold(Entry{.head = std::move(head), .deadline = deadline_after(kLingerTime), .lingering = true});
}

void HeadGate::hold(Entry entry) {
  if (per_host_[entry.head.host] >= limits_.max_pending_per_client) drop_oldest(&entry.head.host);
  if (entries_.size() >= limits_.max_pending) drop_oldest(nullptr);
  ++per_host_[entry.head.host];
  entries_.push_back(std::move(entry));
}

void HeadGate::drop_oldest(const std::string* host) {
  // Connections already answered (lingering) go first: closing one loses nothing.
  for (bool lingering : {true, false}) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->lingering != lingering || (host && it->head.host != *host)) continue;
      erase(it);
      return;
    }
  }
}

void HeadGate::erase(std::list<Entry>::iterator it) {
  forget_host(it->head.host);
  entries_.erase(it);  // closes the socket
}

void HeadGate::forget_host(const std::string& host) {
  auto count = per_host_.find(host);
  if (count != per_host_.end() && --count->second == 0) per_host_.erase(count);
}

bool HeadGate::read_available(Entry& entry) {
  int fd = entry.head.transport->fd();
  char chunk[kReadChunk];
  for (;;) {
    auto n = ::recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n == 0) return false;                             // the client closed: nothing to answer
    if (n < 0) return errno == EAGAIN || errno == EINTR;  // (EWOULDBLOCK is EAGAIN on Linux)
    auto got = static_cast<size_t>(n);
    if (entry.lingering) {
      entry.discarded += got;
      if (entry.discarded > kLingerBytes) return false;
      continue;
    }
    std::string& bytes = entry.head.bytes;
    // Only the new bytes (and the three before them) can complete the terminator: a head sent a
    // byte at a time costs linear time.
    size_t from = bytes.size() < kHeadEnd.size() ? 0 : bytes.size() - (kHeadEnd.size() - 1);
    bytes.append(chunk, got);
    if (bytes.find(kHeadEnd, from) != std::string::npos ||
        bytes.size() > limits_.max_header_bytes) {
      entry.complete = true;  // a head, or more than a head may be (the parser says 431)
      return true;
    }
  }
}

}  // namespace kc::http::detail
