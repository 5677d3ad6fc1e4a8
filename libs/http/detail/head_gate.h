#pragma once

// Internal: holds new plaintext connections until the head of their first request has arrived, so
// the server can check it (authentication filter, connection limits, reserved paths) before the
// connection gets a thread. A client that connects and sends nothing, sends a head slowly or sends
// a head the server refuses costs a descriptor and a buffer here, never a thread or a place in
// the server's connection limits. Driven by the server's acceptor thread only; include from
// libs/http/*.cc only.
//
//   gate.add(std::move(transport), remote, host);            // a new connection
//   gate.poll_fds(fds);  ::poll(...);                          // with gate.next_deadline()
//   for (auto& head : gate.collect(fds_from_gate)) { ... }     // complete (or oversized) heads
//   gate.refuse(std::move(head), response_bytes);              // answered here, then closed
//
// Bounds: at most max_pending connections (max_pending_per_client per client address); at a
// bound the oldest is closed, preferring one already answered. A head must arrive within
// header_timeout. A refused connection is answered, its write side shut, and what the client still
// sends read and discarded for up to a second (a "lingering close", so it sees the answer rather
// than a reset).

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <poll.h>

#include "libs/http/detail/transport.h"

namespace kc::http::detail {

// Limits for the "lingering close" after an early error response: keep reading (and discarding)
// what the client is still sending, so it sees our response rather than a reset.
inline constexpr std::chrono::milliseconds kLingerTime{1000};
inline constexpr size_t kLingerBytes = size_t{4} * 1024 * 1024;

struct HeadGateLimits {
  size_t max_pending = 1024;
  size_t max_pending_per_client = 64;
  size_t max_header_bytes = 64 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
};

class HeadGate {
 public:
  // A connection whose first head is complete (bytes holds it and whatever followed), or whose
  // bytes exceed max_header_bytes without one (the parser will say 431).
  struct Head {
    std::unique_ptr<Transport> transport;
    std::string remote;  // "ip:port"
    std::string host;    // the client's address: what the per-client bound counts
    std::string bytes;
  };

  explicit HeadGate(HeadGateLimits limits) : limits_(limits) {}

  void add(std::unique_ptr<Transport> transport, std::string remote, std::string host);
  // Appends one pollfd per held connection, in the order collect() expects them.
  void poll_fds(std::vector<pollfd>& fds) const;
  // The earliest deadline of a held connection, or kNoDeadline.
  Clock::time_point next_deadline() const;
  // Reads what poll reported (`fds` as filled by poll_fds, after poll), closes connections past
  // their deadline, and returns the heads that are complete.
  std::vector<Head> collect(const pollfd* fds, size_t count);
  // Sends `response` (best effort, without blocking), then closes after a lingering read.
  void refuse(Head head, std::string_view response);

  // Closes every held connection.
  void clear() {
    entries_.clear();
    per_host_.clear();
  }

 private:
  struct Entry {
    Head head;
    Clock::time_point deadline;
    bool complete = false;  // the head arrived (or more bytes than a head may have)
    bool lingering = false;
    size_t discarded = 0;
  };

  // Holds a connection, first making room at a bound.
  void hold(Entry entry);
  // Closes the oldest held connection (of `host` when given), an answered one if there is one.
  void drop_oldest(const std::string* host);
  // Closes a held connection.
  void erase(std::list<Entry>::iterator it);
  // Takes a connection of `host` out of the per-client count.
  void forget_host(const std::string& host);
  // Reads what is available; false when the connection must close (EOF, error, bound).
  bool read_available(Entry& entry);

  HeadGateLimits limits_;
  std::list<Entry> entries_;  // oldest first
  std::map<std::string, size_t> per_host_;
};

}  // namespace kc::http::detail
