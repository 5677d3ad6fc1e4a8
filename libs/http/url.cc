#include "libs/http/url.h"

#include <algorithm>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "libs/base/strings.h"

namespace kc::http {
namespace {

constexpr std::string_view kHex = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

// Splits "host[:port]" / "[v6][:port]" of an authority into `url`.
Status parse_authority(std::string_view authority, Url& url) {
  if (authority.empty()) return make_error(Errc::kInvalidArgument, "URL has no host");
  if (authority.find('@') != std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "URL must not carry user info; use headers");
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return make_error(Errc::kInvalidArgument, "unterminated IPv6 literal in URL");
    }
    host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return make_error(Errc::kInvalidArgument, "junk after IPv6 literal");
      port = rest.substr(1);
    }
    if (!is_ip_literal(host)) return make_error(Errc::kInvalidArgument, "bad IPv6 literal in URL");
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return make_error(Errc::kInvalidArgument, "URL has no host");
  if (authority.front() != '[' && host.find(':') != std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "IPv6 literal in URL must be in brackets");
  }
  url.host = strings::to_lower(host);
  if (port.empty()) {
    url.port = default_port(url.scheme);
  } else {
    auto p = strings::parse_int<uint16_t>(port);
    if (!p || *p == 0) return make_error(Errc::kInvalidArgument, "bad port '{}' in URL", port);
    url.port = *p;
  }
  return ok();
}

// Splits "path?query" into `url` ("" path becomes "/").
void set_target(std::string_view target, Url& url) {
  auto q = target.find('?');
  url.path = std::string(target.substr(0, q));
  url.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  if (url.path.empty()) url.path = "/";
}

// RFC 3986 §5.2.4 for an absolute path: "." and ".." segments removed ("/a/b/../c" -> "/a/c";
// ".." at the root stays at the root).
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  bool ends_in_directory = false;  // the last segment was "." or ".."
  size_t pos = 1;                  // after the leading '/'
  while (pos <= path.size()) {
    size_t end = std::min(path.find('/', pos), path.size());
    auto segment = path.substr(pos, end - pos);
    ends_in_directory = segment == "." || segment == "..";
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (segment != ".") {
      kept.push_back(segment);
    }
    pos = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (ends_in_directory && !out.ends_with('/')) out += '/';
  return out;
}

// The target of a reference, dot segments not yet removed.
Result<Url> resolve_reference(const Url& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return parse_url(location);
  Url url = base;
  if (strings::starts_with(location, "//")) {
    auto rest = location.substr(2);
    auto path_start = rest.find_first_of("/?");
    KC_RETURN_IF_ERROR(parse_authority(rest.substr(0, path_start), url));
    set_target(path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start),
               url);
  } else if (strings::starts_with(location, "/")) {
    set_target(location, url);
  } else {
    // Relative reference: replace the last segment of the base path.
    std::string dir = base.path.substr(0, base.path.rfind('/') + 1);
    set_target(dir + std::string(location), url);
  }
  return url;
}

}  // namespace

std::string Url::target() const { return query.empty() ? path : path + "?" + query; }

std::string Url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) h += ":" + std::to_string(port);
  return h;
}

std::string Url::origin() const { return scheme + "://" + authority(); }

Result<Url> parse_url(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "URL '{}' has no scheme (want http:// or https://)",
                      text);
  }
  Url url;
  url.scheme = strings::to_lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return make_error(Errc::kInvalidArgument, "URL scheme '{}' is not http or https", url.scheme);
  }
  auto rest = text.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "URL must not have a fragment");
  }
  auto path_start = rest.find_first_of("/?");
  KC_RETURN_IF_ERROR(parse_authority(rest.substr(0, path_start), url));
  set_target(path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start),
             url);
  return url;
}

Result<Url> resolve_url(const Url& base, std::string_view location) {
  location = location.substr(0, location.find('#'));
  KC_ASSIGN_OR_RETURN(auto url, resolve_reference(base, location));
  url.path = remove_dot_segments(url.path);
  return url;
}

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 || inet_pton(AF_INET6, h.c_str(), &v6) == 1;
}

std::string percent_encode(std::string_view text, std::string_view keep) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      bool complete = i + 2 < text.size();
      int hi = complete ? hex_value(text[i + 1]) : -1;
      int lo = complete ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return make_error(Errc::kInvalidArgument, "bad percent-escape at offset {}", i);
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<QueryParams> parse_query(std::string_view query) {
  QueryParams params;
  for (auto piece : strings::split(query, '&')) {
    if (piece.empty()) continue;
    auto eq = piece.find('=');
    KC_ASSIGN_OR_RETURN(auto key, percent_decode(piece.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      KC_ASSIGN_OR_RETURN(value, percent_decode(piece.substr(eq + 1), true));
    }
    params.emplace(std::move(key), std::move(value));
  }
  return params;
}

std::string build_query(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace kc::http
