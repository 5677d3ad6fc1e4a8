#pragma once

// HTTP vocabulary shared by the server and the client: methods, headers, requests, responses.
// Plain values: cheap to include (standard library only), copyable, no I/O, no threads.

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kc::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

// "GET", "HEAD", ...
std::string_view to_string(Method method);
// Exact, upper-case token as on the wire ("GET"); nullopt for anything else.
std::optional<Method> parse_method(std::string_view token);
// RFC 9110 idempotent methods: GET, HEAD, PUT, DELETE, OPTIONS.
bool is_idempotent(Method method);

// Standard reason phrase ("Not Found"); "Unknown" for codes without one.
std::string_view reason_phrase(int status);

// Header fields in arrival order. Names compare case-insensitively; values are kept verbatim.
// Repeated fields are kept as separate entries (get_all returns them in order).
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Field> fields);

  // First value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const;

  // Replaces every field called `name` with one field.
  void set(std::string name, std::string value);
  // Appends a field, keeping existing ones with the same name.
  void add(std::string name, std::string value);
  // Removes every field called `name`; returns how many were removed.
  size_t remove(std::string_view name);

  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// Decoded query parameters. Repeated keys are kept (`?expand=status&expand=info` gives two
// entries under "expand", in order).
using QueryParams = std::multimap<std::string, std::string, std::less<>>;

// A request as a server handler sees it.
struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: "/connectors/a%20b/status?expand=info"
  std::string path;    // percent-decoded path without the query: "/connectors/a b/status"
  QueryParams query;   // decoded ('+' is a space in the query, as in HTML forms and Go)
  Headers headers;
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;  // decoded "{name}" captures
  std::string remote_address;       // "127.0.0.1:53412" or "[::1]:53412"
  std::string client_cert_subject;  // verified TLS client certificate's subject, else empty

  // The path parameter `name`, or nullopt when the route has no such parameter.
  std::optional<std::string_view> param(std::string_view name) const;
  // First value of query key `key`, or nullopt.
  std::optional<std::string_view> query_value(std::string_view key) const;
  // All values of query key `key`, in order.
  std::vector<std::string_view> query_values(std::string_view key) const;
};

// A complete response (server handlers return it; the client returns it).
// The server sets Content-Length, Transfer-Encoding and Connection itself and ignores them here.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // `body` with Content-Type: application/json.
  static Response json(int status, std::string body);
  // `body` with Content-Type: text/plain; charset=utf-8.
  static Response text(int status, std::string body);
  // No body, no Content-Type (e.g. 204).
  static Response empty(int status);

  bool ok() const { return status >= 200 && status < 300; }
};

}  // namespace kc::http
