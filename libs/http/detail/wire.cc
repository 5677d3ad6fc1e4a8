#include "libs/http/detail/wire.h"

#include "libs/base/strings.h"

namespace kc::http::detail {
namespace {

bool is_managed(std::string_view name, bool request) {
  return strings::iequals(name, "Content-Length") || strings::iequals(name, "Transfer-Encoding") ||
         strings::iequals(name, "Connection") || (request && strings::iequals(name, "Host"));
}

Status append_headers(std::string& out, const Headers& headers, bool request) {
  for (const auto& [name, value] : headers) {
    if (!valid_header_name(name)) {
      return make_error(Errc::kInvalidArgument, "invalid header name '{}'", name);
    }
    if (!valid_header_value(value)) {
      return make_error(Errc::kInvalidArgument, "invalid value for header '{}'", name);
    }
    if (is_managed(name, request)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  return ok();
}

}  // namespace

bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool valid_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Result<std::string> format_response_head(int status, const Headers& headers,
                                         const Framing& framing) {
  if (status < 100 || status > 999) {
    return make_error(Errc::kInvalidArgument, "invalid HTTP status {}", status);
  }
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  KC_RETURN_IF_ERROR(append_headers(out, headers, false));
  if (framing.content_length) {
    out += fmt::format("Content-Length: {}\r\n", *framing.content_length);
  } else if (framing.chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (framing.close) {
    out += "Connection: close\r\n";
  } else if (framing.keep_alive_1_0) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  return out;
}

Result<std::string> format_request_head(Method method, std::string_view target,
                                        std::string_view host, const Headers& headers,
                                        size_t body_size) {
  if (target.empty() || target.front() != '/') {
    return make_error(Errc::kInvalidArgument, "request target '{}' must start with '/'", target);
  }
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return make_error(Errc::kInvalidArgument,
                        "request target must be percent-encoded (it holds a space or control)");
    }
  }
  std::string out = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\n", to_string(method), target, host);
  KC_RETURN_IF_ERROR(append_headers(out, headers, true));
  if (body_size > 0 || method == Method::kPost || method == Method::kPut ||
      method == Method::kPatch) {
    out += fmt::format("Content-Length: {}\r\n", body_size);
  }
  out += "\r\n";
  return out;
}

std::string chunk(std::string_view data) {
  std::string out = fmt::format("{:x}\r\n", data.size());
  out.reserve(out.size() + data.size() + 2);
  out += data;
  out += "\r\n";
  return out;
}

Result<bool> LineSplitter::feed(std::string_view data) {
  while (!data.empty()) {
    auto nl = data.find('\n');
    if (nl == std::string_view::npos) {
      if (pending_.size() + data.size() > max_) {
        return make_error(Errc::kProtocol, "line longer than {} bytes", max_);
      }
      pending_ += data;
      return true;
    }
    std::string_view line;
    if (pending_.empty()) {
      line = data.substr(0, nl);
    } else {
      pending_ += data.substr(0, nl);
      line = pending_;
    }
    if (line.size() > max_) return make_error(Errc::kProtocol, "line longer than {} bytes", max_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool more = on_line_(line);
    pending_.clear();
    data.remove_prefix(nl + 1);
    if (!more) return false;
  }
  return true;
}

Result<bool> LineSplitter::finish() {
  if (pending_.empty()) return true;
  std::string last = std::move(pending_);
  pending_.clear();
  if (!last.empty() && last.back() == '\r') last.pop_back();
  return on_line_(last);
}

}  // namespace kc::http::detail
