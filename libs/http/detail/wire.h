#pragma once

// Internal: HTTP/1.1 message heads as bytes, chunk framing, and splitting a body into lines.
// Parsing is Beast's; writing a head is simple enough to do here, with strict validation so no
// caller-supplied name or value can inject a CR/LF.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "libs/http/types.h"

namespace kc::http::detail {

// RFC 9110 token characters only.
bool valid_header_name(std::string_view name);
// No CR, LF or NUL.
bool valid_header_value(std::string_view value);

// How a body is delimited on the wire.
struct Framing {
  std::optional<size_t> content_length;  // nullopt: chunked (or, for HTTP/1.0, until close)
  bool chunked = false;
  bool close = false;           // send "Connection: close"
  bool keep_alive_1_0 = false;  // HTTP/1.0 peer that asked for keep-alive
};

// "HTTP/1.1 200 OK\r\n...\r\n\r\n". Drops caller headers the server manages (Content-Length,
// Transfer-Encoding, Connection). Errors (kInvalidArgument) for bad names or values.
Result<std::string> format_response_head(int status, const Headers& headers,
                                         const Framing& framing);

// "PUT /x HTTP/1.1\r\nHost: ...\r\n...\r\n\r\n". Drops caller Host, Content-Length,
// Transfer-Encoding and Connection; sends Content-Length when there is a body or the method
// usually has one. Errors (kInvalidArgument) for a bad target, names or values.
Result<std::string> format_request_head(Method method, std::string_view target,
                                        std::string_view host, const Headers& headers,
                                        size_t body_size);

// One chunk of a chunked body ("1a\r\n<data>\r\n"); data must not be empty.
std::string chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// Splits bytes into lines ending in "\n" (a trailing "\r" is dropped) and hands each complete
// line to the callback, which returns false to stop. finish() delivers an unterminated last line.
class LineSplitter {
 public:
  using OnLine = std::function<bool(std::string_view line)>;
  LineSplitter(OnLine on_line, size_t max_line) : on_line_(std::move(on_line)), max_(max_line) {}

  // Returns false when the callback asked to stop. Errors (kProtocol) for an over-long line.
  Result<bool> feed(std::string_view data);
  Result<bool> finish();

 private:
  OnLine on_line_;
  size_t max_;
  std::string pending_;
};

}  // namespace kc::http::detail
