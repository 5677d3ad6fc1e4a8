#pragma once

#include <stop_token>
#include <string_view>

#include "libs/http/types.h"

namespace kc::http {

// What a streaming handler writes its response to (see Router::add_stream). The server owns it;
// it is valid only during the handler call and must be used only from the handler's thread
// (except stop_token(), which may be handed to other threads).
//
// A handler either send()s one complete response, or start()s a chunked response and then
// write()s chunks over time (a watch). Every call returns false once the response can no longer
// be delivered: the peer is gone, a write timed out, or the server is stopping. The handler should
// then return promptly; after a false return further calls do nothing and return false.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  // Sends a complete response with Content-Length. Only before start(); at most once.
  virtual bool send(const Response& response) = 0;

  // Sends the status line and headers of a chunked response (HTTP/1.0 peers get the body
  // unchunked and the connection closes at the end). At most once.
  virtual bool start(int status, const Headers& headers) = 0;

  // Sends `data` as one chunk and flushes it. Blocks at most the server's write timeout.
  // Empty data is a no-op. Only after start().
  virtual bool write(std::string_view data) = 0;

  // Stop is requested when the server stops or, once start() was called, when the peer hangs
  // up even while the handler is not writing. Wait with it, e.g.
  // std::condition_variable_any::wait(lock, token, predicate), so a quiet watch ends promptly.
  virtual std::stop_token stop_token() const = 0;
};

}  // namespace kc::http
