#pragma once

// URLs, percent-encoding and query strings (RFC 3986). Pure functions, no I/O, thread-safe.
// Boost.URL is not in Boost 1.74, hence this small parser; it handles what our clients use:
// http(s) with a host name, IPv4 or bracketed IPv6 literal, optional port, path and query.

#include <cstdint>
#include <string>
#include <string_view>

#include "libs/base/error.h"
#include "libs/http/types.h"

namespace kc::http {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // "example.com", "10.0.0.1", "::1" (without brackets)
  uint16_t port = 0;   // explicit or the scheme's default (80 / 443)
  std::string path;    // still percent-encoded; "/" when the URL has none
  std::string query;   // still percent-encoded, without '?'; empty when absent

  bool tls() const { return scheme == "https"; }
  // Path plus "?query" when there is one: what goes on the request line.
  std::string target() const;
  // "host:port", with brackets around an IPv6 literal and the port left out when it is the
  // scheme's default: the value of the Host header.
  std::string authority() const;
  // "scheme://authority": identifies a connection pool.
  std::string origin() const;
};

// Parses an absolute http(s) URL. Errors (kInvalidArgument) name what is wrong. User info
// ("user:pw@") and fragments are refused: credentials belong in headers, fragments never reach
// a server.
Result<Url> parse_url(std::string_view text);

// Resolves a redirect Location (absolute URL, "//authority/path", "/path" or "relative/path")
// against `base`.
Result<Url> resolve_url(const Url& base, std::string_view location);

// True for IPv4 dotted quads and IPv6 literals (without brackets).
bool is_ip_literal(std::string_view host);

// Percent-encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) and
// the characters listed in `keep` (e.g. "/" to encode a path while keeping its separators).
std::string percent_encode(std::string_view text, std::string_view keep = {});

// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (query strings). A '%' not
// followed by two hex digits is an error (kInvalidArgument).
Result<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// Parses "a=1&b=x%20y&a=2&flag" into decoded pairs; a key without '=' gets an empty value;
// empty pieces ("a=1&&b=2") are skipped.
Result<QueryParams> parse_query(std::string_view query);

// Builds "a=1&a=2&b=x%20y" (keys in order, repeated keys kept), every key and value encoded.
std::string build_query(const QueryParams& params);

}  // namespace kc::http
