#include "libs/http/detail/request_head.h"

#include <boost/beast/http/error.hpp>
#include <fmt/format.h>

#include "libs/base/strings.h"
#include "libs/http/detail/beast_stream.h"
#include "libs/http/url.h"

namespace kc::http::detail {

namespace bhttp = boost::beast::http;

HeadRefusal head_read_refusal(const boost::system::error_code& ec, size_t max_header_bytes,
                              size_t max_body_bytes) {
  if (ec == bhttp::error::body_limit) {  // Content-Length says too much: refused unread
    return {413, fmt::format("request body exceeds {} bytes", max_body_bytes)};
  }
  if (ec == bhttp::error::header_limit) {
    return {431, fmt::format("request header exceeds {} bytes", max_header_bytes)};
  }
  return {400, fmt::format("malformed request: {}", ec.message())};
}

std::optional<HeadRefusal> to_request(const RequestParser& parser, Request& request) {
  const auto& message = parser.get();
  bool http11 = message.version() >= 11;
  auto refuse = [&](int status, std::string message_text) {
    return HeadRefusal{status, std::move(message_text), http11};
  };
  request.target = std::string(std_view(message.target()));
  for (const auto& field : message) {
    request.headers.add(std::string(std_view(field.name_string())),
                        std::string(std_view(field.value())));
  }
  auto method = parse_method(std_view(message.method_string()));
  if (!method) {
    return refuse(501,
                  fmt::format("method {} is not implemented", std_view(message.method_string())));
  }
  request.method = *method;
  for (const auto& field : message) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    for (auto coding : strings::split(std_view(field.value()), ',')) {
      if (!strings::iequals(strings::trim(coding), "chunked")) {
        return refuse(501, fmt::format("transfer coding '{}' is not implemented (only chunked is)",
                                       strings::trim(coding)));
      }
    }
  }
  std::string_view target = request.target;
  auto query_start = target.find('?');
  std::string_view raw_path = target.substr(0, query_start);
  if (raw_path.empty() || raw_path.front() != '/') {
    return refuse(400, "request target must be an absolute path");
  }
  auto path = percent_decode(raw_path);
  auto query = query_start == std::string_view::npos ? Result<QueryParams>(QueryParams{})
                                                     : parse_query(target.substr(query_start + 1));
  if (!path || !query) {
    return refuse(400, fmt::format("malformed request target: {}",
                                   (!path ? path.error() : query.error()).message()));
  }
  request.path = std::move(*path);
  request.query = std::move(*query);
  return std::nullopt;
}

}  // namespace kc::http::detail
