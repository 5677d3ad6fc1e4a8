#include "tests/fakes/schema_registry/fake_schema_registry.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/base64.h"
#include "libs/base/strings.h"

namespace kc::testing {
namespace {

using nlohmann::json;

http::Response reply(int status, const json& body) {
  auto r = http::Response::json(status, body.dump());
  r.headers.set("Content-Type", "application/vnd.schemaregistry.v1+json");
  return r;
}

http::Response error(int status, int code, const std::string& message) {
  return reply(status, {{"error_code", code}, {"message", message}});
}

}  // namespace

Result<std::unique_ptr<FakeSchemaRegistry>> FakeSchemaRegistry::start(Options options) {
  std::unique_ptr<FakeSchemaRegistry> r(new FakeSchemaRegistry());
  r->options_ = std::move(options);
  KC_RETURN_IF_ERROR(r->restart());
  return r;
}

FakeSchemaRegistry::~FakeSchemaRegistry() { stop(); }

std::string FakeSchemaRegistry::url() const {
  return fmt::format("{}://127.0.0.1:{}", options_.tls ? "https" : "http", port_);
}

void FakeSchemaRegistry::stop() {
  if (server_) server_->stop();
  server_.reset();
}

Status FakeSchemaRegistry::restart() {
  http::ServerOptions options{.port = port_, .tls = options_.tls, .name = "fake-schema-registry"};
  KC_ASSIGN_OR_RETURN(server_, http::Server::start(std::move(options), router()));
  port_ = server_->port();
  return ok();
}

size_t FakeSchemaRegistry::requests(const std::string& prefix) const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& p : paths_)
    if (strings::starts_with(p, prefix)) ++n;
  return n;
}

int FakeSchemaRegistry::register_schema(const std::string& subject, const std::string& schema,
                                        const std::string& type,
                                        const std::vector<Reference>& refs) {
  std::lock_guard lock(mu_);
  int id = 0;
  for (size_t i = 0; i < schemas_.size(); ++i) {
    const auto& s = schemas_[i];
    bool same_refs = s.refs.size() == refs.size();
    for (size_t k = 0; same_refs && k < refs.size(); ++k) {
      same_refs = s.refs[k].name == refs[k].name && s.refs[k].subject == refs[k].subject &&
                  s.refs[k].version == refs[k].version;
    }
    if (s.schema == schema && s.type == type && same_refs) id = static_cast<int>(i) + 1;
  }
  if (id == 0) {
    schemas_.push_back({schema, type, refs});
    id = static_cast<int>(schemas_.size());
  }
  auto& versions = subjects_[subject];
  if (std::find(versions.begin(), versions.end(), id) == versions.end()) versions.push_back(id);
  return id;
}

http::Router FakeSchemaRegistry::router() {
  http::Router r;
  r.set_filter([this](const http::Request& request) -> std::optional<http::Response> {
    {
      std::lock_guard lock(mu_);
      paths_.push_back(request.path);
    }
    if (!options_.basic_user_info.empty()) {
      auto auth = request.headers.get("Authorization");
      if (!auth || *auth != "Basic " + base64::encode(options_.basic_user_info)) {
        auto response = error(401, 401, "Unauthorized");
        response.headers.set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
        return response;
      }
    }
    if (unavailable_) return error(503, 50003, "Error while forwarding the request to the leader");
    if (fail_count_ > 0) {
      --fail_count_;
      return error(fail_status_, fail_status_ * 100, "injected failure");
    }
    return std::nullopt;
  });
  auto handler = [this](const http::Request& request) { return handle(request); };
  r.add(http::Method::kGet, "/schemas/ids/{id}", handler)
      .add(http::Method::kGet, "/subjects", handler)
      .add(http::Method::kGet, "/subjects/{subject}/versions", handler)
      .add(http::Method::kPost, "/subjects/{subject}/versions", handler)
      .add(http::Method::kGet, "/subjects/{subject}/versions/{version}", handler)
      .add(http::Method::kGet, "/config/{subject}", handler)
      .add(http::Method::kPut, "/config/{subject}", handler);
  return r;
}

http::Response FakeSchemaRegistry::handle(const http::Request& request) {
  auto refs_json = [](const std::vector<Reference>& refs) {
    json out = json::array();
    for (const auto& ref : refs) {
      out.push_back({{"name", ref.name}, {"subject", ref.subject}, {"version", ref.version}});
    }
    return out;
  };
  auto describe = [&](int id) {
    const auto& s = schemas_[static_cast<size_t>(id - 1)];
    json body = {{"schema", s.schema}};
    if (s.type != "AVRO") body["schemaType"] = s.type;
    if (!s.refs.empty()) body["references"] = refs_json(s.refs);
    return body;
  };
  const auto& path = request.path;
  if (strings::starts_with(path, "/config/")) {
    if (request.method == http::Method::kGet) {
      return error(404, 40408, "Subject does not have subject-level compatibility configured");
    }
    auto body = json::parse(request.body, nullptr, false);
    return reply(200, {{"compatibility", body.is_object() ? body.value("compatibility", "") : ""}});
  }
  if (request.method == http::Method::kPost) {
    auto body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("schema") || !body["schema"].is_string()) {
      return error(422, 42201, "Invalid schema");
    }
    std::vector<Reference> refs;
    if (body.contains("references") && body["references"].is_array()) {
      for (const auto& ref : body["references"]) {
        refs.push_back({ref.value("name", ""), ref.value("subject", ""), ref.value("version", 0)});
      }
    }
    std::string type = body.contains("schemaType") && body["schemaType"].is_string()
                           ? body["schemaType"].get<std::string>()
                           : "AVRO";
    int id = register_schema(std::string(*request.param("subject")), body["schema"], type, refs);
    return reply(200, {{"id", id}});
  }
  std::lock_guard lock(mu_);
  if (auto id_text = request.param("id")) {
    auto id = strings::parse_int<int>(*id_text);
    if (!id || *id < 1 || static_cast<size_t>(*id) > schemas_.size()) {
      return error(404, 40403, fmt::format("Schema {} not found", *id_text));
    }
    return reply(200, describe(*id));
  }
  if (path == "/subjects") {
    json out = json::array();
    for (const auto& [subject, ids] : subjects_) out.push_back(subject);
    return reply(200, out);
  }
  std::string subject(*request.param("subject"));
  auto it = subjects_.find(subject);
  if (it == subjects_.end())
    return error(404, 40401, fmt::format("Subject '{}' not found.", subject));
  auto version_text = request.param("version");
  if (!version_text) {
    json out = json::array();
    for (size_t v = 1; v <= it->second.size(); ++v) out.push_back(v);
    return reply(200, out);
  }
  size_t version = 0;
  if (*version_text == "latest" || *version_text == "-1") {
    version = it->second.size();
  } else if (auto v = strings::parse_int<size_t>(*version_text)) {
    version = *v;
  }
  if (version < 1 || version > it->second.size()) {
    return error(404, 40402, fmt::format("Version {} not found.", *version_text));
  }
  int id = it->second[version - 1];
  auto body = describe(id);
  body["subject"] = subject;
  body["id"] = id;
  body["version"] = version;
  if (!body.contains("schemaType")) body["schemaType"] = "AVRO";
  return reply(200, body);
}

}  // namespace kc::testing
