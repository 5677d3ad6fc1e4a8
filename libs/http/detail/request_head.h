#pragma once

// Internal: turns a parsed HTTP request head into a Request, refusing what the server does not
// serve. Shared by the server's connection threads and its head gate (which checks a new
// connection's first head before the connection gets a thread). Include from libs/http/*.cc only.

#include <cstddef>
#include <optional>
#include <string>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "libs/http/types.h"

namespace kc::http::detail {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// What the server answers instead of serving a request, before any handler runs.
struct HeadRefusal {
  int status = 400;
  std::string message;
  bool http11 = true;
};

// The refusal for an error while reading a head: 413 (Content-Length above max_body_bytes),
// 431 (head above max_header_bytes) or 400 (malformed).
HeadRefusal head_read_refusal(const boost::system::error_code& ec, size_t max_header_bytes,
                              size_t max_body_bytes);

// From a parser whose head is complete: fills the request's method, target, path, query and
// headers. Refuses an unknown method (501), a transfer coding other than chunked (501: RFC 9112
// §6.1, reading such a body as empty would run its bytes as the next request) and a malformed
// target (400).
std::optional<HeadRefusal> to_request(const RequestParser& parser, Request& request);

}  // namespace kc::http::detail
