#include "runtime/converters/schema_registry/registry_client.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>
#include <simdjson.h>

#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::schema_registry {
namespace {

namespace dom = simdjson::dom;

// The registry's error body: {"error_code": 40403, "message": "Schema 7 not found"}.
std::string describe_error_body(std::string_view body) {
  dom::parser parser;
  dom::object obj;
  if (parser.parse(body.data(), body.size()).get(obj)) return "";
  int64_t code = 0;
  std::string_view message;
  std::string out;
  if (!obj["message"].get(message)) out = std::string(message.substr(0, 300));
  if (!obj["error_code"].get(code)) out += fmt::format("; error code: {}", code);
  return out;
}

}  // namespace

std::string_view schema_type_name(SchemaType type) {
  switch (type) {
    case SchemaType::kAvro:
      return "AVRO";
    case SchemaType::kProtobuf:
      return "PROTOBUF";
    case SchemaType::kJson:
      return "JSON";
  }
  return "AVRO";
}

std::string ClientSettings::identity() const {
  std::string out = strings::join(urls, ",");
  out += '\n';
  out += authorization;
  for (const auto& [k, v] : extra_headers) out += fmt::format("\n{}: {}", k, v);
  out += fmt::format("\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}", http.ca_file, http.ca_pem,
                     http.client_cert_file, http.client_cert_pem, http.client_key_file,
                     http.client_key_pem, http.tls_server_name, http.insecure_skip_verify,
                     http.request_timeout.count());
  return out;
}

Result<std::unique_ptr<RegistryClient>> RegistryClient::create(ClientSettings settings) {
  std::unique_ptr<RegistryClient> client(new RegistryClient());
  if (settings.urls.empty()) {
    return make_error(Errc::kInvalidConfig, "schema.registry.url: no Schema Registry URL given");
  }
  for (const auto& url : settings.urls) {
    auto options = settings.http;
    options.base_url = url;
    while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
    auto made = http::Client::create(std::move(options));
    if (!made) {
      return make_error(Errc::kInvalidConfig, "schema.registry.url {}: {}", url,
                        made.error().message());
    }
    client->clients_.push_back(std::move(*made));
  }
  client->display_urls_ = strings::join(settings.urls, ", ");
  client->settings_ = std::move(settings);
  return client;
}

Result<std::string> RegistryClient::get(const std::string& target, std::string_view what) {
  http::Headers headers = settings_.extra_headers;
  headers.set("Accept", "application/vnd.schemaregistry.v1+json, application/json");
  if (!settings_.authorization.empty()) headers.set("Authorization", settings_.authorization);
  std::optional<Error> last;
  for (size_t i = 0; i < clients_.size(); ++i) {
    const auto& url = settings_.urls[i];
    auto response = clients_[i]->request(http::Method::kGet, target, {}, headers);
    if (!response) {
      const auto& e = response.error();
      auto message = fmt::format("Schema Registry {} unreachable while fetching {}: {}", url, what,
                                 e.message());
      // A certificate that does not verify is a configuration problem, not an outage.
      if (e.code() == Errc::kPermissionDenied) {
        return make_error(Errc::kPermissionDenied, "{}", message);
      }
      // Unreachable: try the next URL (Confluent's RestService does the same on IOException).
      last = Error(e.code() == Errc::kTimeout ? Errc::kTimeout : Errc::kUnavailable,
                   std::move(message), Retry::kYes);
      continue;
    }
    int status = response->status;
    if (response->ok()) return std::move(response->body);
    auto detail = describe_error_body(response->body);
    auto message = fmt::format("Schema Registry {} answered {} to the request for {}{}{}", url,
                               status, what, detail.empty() ? "" : ": ", detail);
    if (status >= 500 || status == 429) {
      last = Error(Errc::kUnavailable, std::move(message), Retry::kYes);
      if (status >= 500) continue;  // another URL may be healthy
      return tl::unexpected(*last);
    }
    if (status == 401 || status == 403) {
      return make_error(Errc::kPermissionDenied,
                        "{} (check basic.auth.user.info / bearer.auth.token and the "
                        "credentials source)",
                        message);
    }
    if (status == 404) {
      // 40403 schema not found, 40401 subject not found, 40402 version not found: the record
      // names something this registry does not have.
      return make_error(Errc::kData, "{}", message);
    }
    return make_error(Errc::kProtocol, "{}", message);
  }
  return tl::unexpected(*last);
}

Status RegistryClient::resolve_references(std::string_view body, RegisteredSchema& out,
                                          size_t depth, std::vector<std::string>& seen) {
  dom::parser parser;
  dom::object obj;
  if (parser.parse(body.data(), body.size()).get(obj)) {
    return make_error(Errc::kProtocol, "Schema Registry answered something that is not JSON");
  }
  dom::array refs;
  if (obj["references"].get(refs)) return ok();  // none
  if (depth >= settings_.max_reference_depth) {
    return make_error(Errc::kData, "schema references nest deeper than {} levels",
                      settings_.max_reference_depth);
  }
  // Copy out first: the parser's buffers are reused by the recursive calls' own parsers.
  struct Ref {
    std::string name, subject;
    int64_t version = 0;
  };
  std::vector<Ref> wanted;
  for (auto ref : refs) {
    std::string_view name, subject;
    int64_t version = -1;
    if (ref["name"].get(name) || ref["subject"].get(subject) || ref["version"].get(version)) {
      return make_error(Errc::kProtocol,
                        "Schema Registry answered a reference without name, subject or version");
    }
    wanted.push_back({std::string(name), std::string(subject), version});
  }
  for (const auto& ref : wanted) {
    if (std::find(seen.begin(), seen.end(), ref.name) != seen.end()) continue;
    seen.push_back(ref.name);
    auto target =
        fmt::format("/subjects/{}/versions/{}", http::percent_encode(ref.subject), ref.version);
    KC_ASSIGN_OR_RETURN(auto ref_body,
                        get(target, fmt::format("reference {} (subject {} version {})", ref.name,
                                                ref.subject, ref.version)));
    KC_RETURN_IF_ERROR(resolve_references(ref_body, out, depth + 1, seen));
    dom::parser ref_parser;
    dom::object ref_obj;
    std::string_view text;
    if (ref_parser.parse(ref_body.data(), ref_body.size()).get(ref_obj) ||
        ref_obj["schema"].get(text)) {
      return make_error(Errc::kProtocol, "Schema Registry answered reference {} without a schema",
                        ref.name);
    }
    out.references.emplace_back(ref.name, std::string(text));
  }
  return ok();
}

Result<RegisteredSchema> RegistryClient::schema_by_id(int32_t id) {
  auto what = fmt::format("schema id {}", id);
  KC_ASSIGN_OR_RETURN(auto body, get(fmt::format("/schemas/ids/{}", id), what));
  RegisteredSchema out;
  out.id = id;
  {
    dom::parser parser;
    dom::object obj;
    std::string_view text;
    if (parser.parse(body.data(), body.size()).get(obj) || obj["schema"].get(text)) {
      return make_error(Errc::kProtocol, "Schema Registry {} answered {} without a schema",
                        display_urls_, what);
    }
    out.text = std::string(text);
    std::string_view type = "AVRO";
    std::ignore = obj["schemaType"].get(type);
    if (type == "AVRO") {
      out.type = SchemaType::kAvro;
    } else if (type == "PROTOBUF") {
      out.type = SchemaType::kProtobuf;
    } else if (type == "JSON") {
      out.type = SchemaType::kJson;
    } else {
      return make_error(Errc::kData, "{} has schemaType {}, which kconnect cannot read", what,
                        std::string(type.substr(0, 40)));
    }
  }
  std::vector<std::string> seen;
  KC_RETURN_IF_ERROR(resolve_references(body, out, 0, seen));
  return out;
}

}  // namespace kc::schema_registry
