#include "libs/kube/client/client.h"

#include <fmt/format.h>

#include "libs/base/log.h"
#include "libs/http/url.h"
#include "libs/kube/core/api_status.h"

namespace kc::kube {
namespace {

log::Logger& logger() {
  static auto& l = log::get("kc.kube.client");
  return l;
}

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kMergePatch = "application/merge-patch+json";
constexpr std::string_view kJsonPatch = "application/json-patch+json";
constexpr std::string_view kApplyPatch = "application/apply-patch+yaml";

std::string with_query(std::string path, const http::QueryParams& query) {
  if (query.empty()) return path;
  return path + "?" + http::build_query(query);
}

std::string describe(std::string_view verb, const ResourceType& type, std::string_view ns,
                     std::string_view name) {
  std::string what = fmt::format("{} {}", verb, type.group_resource());
  if (!ns.empty() && type.namespaced)
    what += fmt::format(" {}/{}", ns, name);
  else if (!name.empty())
    what += fmt::format(" {}", name);
  return what;
}

std::optional<WatchEvent::Type> parse_event_type(std::string_view type) {
  if (type == "ADDED") return WatchEvent::Type::kAdded;
  if (type == "MODIFIED") return WatchEvent::Type::kModified;
  if (type == "DELETED") return WatchEvent::Type::kDeleted;
  if (type == "BOOKMARK") return WatchEvent::Type::kBookmark;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(WatchEvent::Type type) {
  switch (type) {
    case WatchEvent::Type::kAdded:
      return "ADDED";
    case WatchEvent::Type::kModified:
      return "MODIFIED";
    case WatchEvent::Type::kDeleted:
      return "DELETED";
    case WatchEvent::Type::kBookmark:
      return "BOOKMARK";
  }
  return "?";
}

Result<std::unique_ptr<Client>> Client::create(const Config& config, ClientOptions options) {
  http::ClientOptions http_options;
  http_options.base_url = config.server;
  http_options.ca_file = config.ca_file;
  http_options.ca_pem = config.ca_pem;
  http_options.client_cert_file = config.client_cert_file;
  http_options.client_cert_pem = config.client_cert_pem;
  http_options.client_key_file = config.client_key_file;
  http_options.client_key_pem = config.client_key_pem;
  http_options.tls_server_name = config.tls_server_name;
  http_options.insecure_skip_verify = config.insecure_skip_tls_verify;
  http_options.user_agent = options.user_agent;
  http_options.request_timeout = options.request_timeout;
  http_options.connect_timeout = options.connect_timeout;
  if (!config.token_file.empty()) {
    auto file = std::make_shared<TokenFile>(config.token_file);
    http_options.bearer_token = [file] { return file->token(); };
  } else if (!config.token.empty()) {
    http_options.bearer_token = [token = config.token]() -> Result<std::string> { return token; };
  }
  KC_ASSIGN_OR_RETURN(auto http, http::Client::create(std::move(http_options)));
  return std::unique_ptr<Client>(new Client(std::move(http), std::move(options), config.ns));
}

Client::Client(std::unique_ptr<http::Client> http, ClientOptions options, std::string ns)
    : http_(std::move(http)), options_(std::move(options)), default_namespace_(std::move(ns)) {}

Client::~Client() = default;

Result<Object> Client::send(http::Method method, const std::string& target, std::string_view body,
                            std::string_view content_type, std::string_view operation) {
  http::Headers headers{{"Accept", std::string(kJson)}};
  if (!content_type.empty()) headers.set("Content-Type", std::string(content_type));
  auto response = http_->request(method, target, body, headers);
  if (!response) return tl::unexpected(std::move(response).error().with_context(operation));
  if (!response->ok()) {
    logger().debug("request failed", {{"operation", operation}, {"status", response->status}});
    return tl::unexpected(
        to_error(ApiStatus::from_body(response->status, response->body), operation));
  }
  if (response->body.empty()) return Object::object();
  auto parsed = parse_json(response->body);
  if (!parsed) return tl::unexpected(std::move(parsed).error().with_context(operation));
  return parsed;
}

Result<Object> Client::raw(http::Method method, std::string_view target, std::string_view body,
                           std::string_view content_type) {
  return send(method, std::string(target), body, content_type, std::string(target));
}

Result<Object> Client::get(const ResourceType& type, std::string_view ns, std::string_view name,
                           std::string_view subresource) {
  return send(http::Method::kGet, object_path(type, ns, name, subresource), {}, {},
              describe("get", type, ns, name));
}

Result<ObjectList> Client::list(const ResourceType& type, std::string_view ns,
                                const ListOptions& options) {
  http::QueryParams query;
  if (!options.label_selector.empty()) query.emplace("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.emplace("fieldSelector", options.field_selector);
  if (options.limit > 0) query.emplace("limit", std::to_string(options.limit));
  if (!options.continue_token.empty()) query.emplace("continue", options.continue_token);
  if (!options.resource_version.empty()) {
    query.emplace("resourceVersion", options.resource_version);
  }
  KC_ASSIGN_OR_RETURN(auto body,
                      send(http::Method::kGet, with_query(collection_path(type, ns), query), {}, {},
                           describe("list", type, ns, "")));
  ObjectList list;
  if (body.contains("items") && body["items"].is_array()) {
    list.items.reserve(body["items"].size());
    for (auto& item : body["items"]) {
      // Lists omit apiVersion/kind on items; put them back so every object is self-describing.
      if (!item.contains("apiVersion")) item["apiVersion"] = type.api_version();
      if (!item.contains("kind")) item["kind"] = type.kind;
      list.items.push_back(std::move(item));
    }
  }
  if (const Object* rv = find_path(body, "metadata.resourceVersion"); rv && rv->is_string()) {
    list.resource_version = rv->get<std::string>();
  }
  if (const Object* c = find_path(body, "metadata.continue"); c && c->is_string()) {
    list.continue_token = c->get<std::string>();
  }
  return list;
}

Result<ObjectList> Client::list_all(const ResourceType& type, std::string_view ns,
                                    ListOptions options, int64_t page_size,
                                    const std::function<void(Object&)>& each) {
  options.limit = page_size;
  options.continue_token.clear();
  ObjectList all;
  for (int restarts = 0;;) {
    auto page = list(type, ns, options);
    if (!page) {
      // An expired continue token (410) restarts the whole list once or twice.
      bool expired = page.error().code() == Errc::kConflict && !options.continue_token.empty();
      if (!expired || ++restarts > 3) return tl::unexpected(std::move(page).error());
      logger().info("list continue token expired; listing again",
                    {{"resource", type.group_resource()}});
      all = {};
      options.continue_token.clear();
      continue;
    }
    for (auto& item : page->items) {
      if (each) each(item);
      all.items.push_back(std::move(item));
    }
    all.resource_version = page->resource_version;
    if (page->continue_token.empty()) return all;
    options.continue_token = page->continue_token;
  }
}

Result<WatchEnd> Client::watch(const ResourceType& type, std::string_view ns,
                               const WatchOptions& options,
                               const std::function<bool(WatchEvent&&)>& on_event) {
  http::QueryParams query{{"watch", "true"}};
  if (!options.resource_version.empty()) {
    query.emplace("resourceVersion", options.resource_version);
  }
  if (options.allow_bookmarks) query.emplace("allowWatchBookmarks", "true");
  if (!options.label_selector.empty()) query.emplace("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.emplace("fieldSelector", options.field_selector);
  if (options.timeout.count() > 0) {
    query.emplace("timeoutSeconds", std::to_string(options.timeout.count()));
  }
  std::string operation = describe("watch", type, ns, "");
  std::optional<Error> failure;
  bool expired = false, stopped = false;
  auto on_line = [&](std::string_view line) -> bool {
    if (line.empty()) return true;
    auto parsed = parse_json(line);
    if (!parsed || !parsed->is_object()) {
      failure = Error(Errc::kProtocol, operation + ": malformed watch event");
      return false;
    }
    std::string type_name = parsed->value("type", "");
    if (type_name == "ERROR") {
      auto status = ApiStatus::from_body(500, (*parsed)["object"].dump());
      if (is_expired(status)) {
        expired = true;
      } else {
        failure = to_error(status, operation);
      }
      return false;
    }
    auto event_type = parse_event_type(type_name);
    if (!event_type) {
      failure = Error(Errc::kProtocol, operation + ": unknown watch event type " + type_name);
      return false;
    }
    if (!on_event(WatchEvent{*event_type, std::move((*parsed)["object"])})) {
      stopped = true;
      return false;
    }
    return true;
  };
  http::StreamOptions stream_options{.idle_timeout = options.idle_timeout,
                                     .cancel = options.cancel};
  auto head = http_->stream_lines(http::Method::kGet, with_query(collection_path(type, ns), query),
                                  {{"Accept", std::string(kJson)}}, on_line, stream_options);
  if (!head) {
    if (head.error().code() == Errc::kCancelled) return WatchEnd::kStopped;
    return tl::unexpected(std::move(head).error().with_context(operation));
  }
  if (!head->ok()) {
    auto status = ApiStatus::from_body(head->status, head->body);
    if (is_expired(status)) return WatchEnd::kExpired;
    return tl::unexpected(to_error(status, operation));
  }
  if (failure) return tl::unexpected(std::move(*failure));
  if (expired) return WatchEnd::kExpired;
  if (stopped || options.cancel.stop_requested()) return WatchEnd::kStopped;
  return WatchEnd::kClosed;
}

Result<Object> Client::create(const ResourceType& type, const Object& object) {
  std::string ns = namespace_of(object);
  http::QueryParams query{{"fieldManager", options_.field_manager}};
  return send(http::Method::kPost, with_query(collection_path(type, ns), query), object.dump(),
              kJson, describe("create", type, ns, name_of(object)));
}

Result<Object> Client::update(const ResourceType& type, const Object& object,
                              std::string_view subresource) {
  std::string ns = namespace_of(object), name = name_of(object);
  http::QueryParams query{{"fieldManager", options_.field_manager}};
  return send(http::Method::kPut, with_query(object_path(type, ns, name, subresource), query),
              object.dump(), kJson, describe("update", type, ns, name));
}

Result<Object> Client::patch(const ResourceType& type, std::string_view ns, std::string_view name,
                             const Object& body, std::string_view content_type,
                             std::string_view subresource) {
  http::QueryParams query{{"fieldManager", options_.field_manager}};
  return send(http::Method::kPatch, with_query(object_path(type, ns, name, subresource), query),
              body.dump(), content_type, describe("patch", type, ns, name));
}

Result<Object> Client::merge_patch(const ResourceType& type, std::string_view ns,
                                   std::string_view name, const Object& patch_body,
                                   std::string_view subresource) {
  return patch(type, ns, name, patch_body, kMergePatch, subresource);
}

Result<Object> Client::json_patch(const ResourceType& type, std::string_view ns,
                                  std::string_view name, const Object& operations,
                                  std::string_view subresource) {
  return patch(type, ns, name, operations, kJsonPatch, subresource);
}

Result<Object> Client::apply(const ResourceType& type, const Object& desired,
                             const ApplyOptions& options) {
  std::string ns = namespace_of(desired), name = name_of(desired);
  if (name.empty()) {
    return make_error(Errc::kInvalidArgument, "apply {}: metadata.name is required",
                      type.group_resource());
  }
  http::QueryParams query{{"fieldManager", options_.field_manager}};
  if (options.force) query.emplace("force", "true");
  return send(http::Method::kPatch,
              with_query(object_path(type, ns, name, options.subresource), query), desired.dump(),
              kApplyPatch, describe("apply", type, ns, name));
}

Result<Object> Client::remove(const ResourceType& type, std::string_view ns, std::string_view name,
                              const DeleteOptions& options) {
  Object body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.propagation) {
    switch (*options.propagation) {
      case PropagationPolicy::kBackground:
        body["propagationPolicy"] = "Background";
        break;
      case PropagationPolicy::kForeground:
        body["propagationPolicy"] = "Foreground";
        break;
      case PropagationPolicy::kOrphan:
        body["propagationPolicy"] = "Orphan";
        break;
    }
  }
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  return send(http::Method::kDelete, object_path(type, ns, name), body.dump(), kJson,
              describe("delete", type, ns, name));
}

namespace {
Scale scale_from(const Object& body) {
  Scale scale;
  if (const Object* r = find_path(body, "spec.replicas"); r && r->is_number_integer()) {
    scale.replicas = r->get<int32_t>();
  }
  if (const Object* r = find_path(body, "status.replicas"); r && r->is_number_integer()) {
    scale.status_replicas = r->get<int32_t>();
  }
  if (const Object* s = find_path(body, "status.selector"); s && s->is_string()) {
    scale.selector = s->get<std::string>();
  }
  return scale;
}
}  // namespace

Result<Scale> Client::get_scale(const ResourceType& type, std::string_view ns,
                                std::string_view name) {
  KC_ASSIGN_OR_RETURN(auto body, get(type, ns, name, "scale"));
  return scale_from(body);
}

Result<Scale> Client::set_scale(const ResourceType& type, std::string_view ns,
                                std::string_view name, int32_t replicas) {
  KC_ASSIGN_OR_RETURN(auto body,
                      merge_patch(type, ns, name, {{"spec", {{"replicas", replicas}}}}, "scale"));
  return scale_from(body);
}

}  // namespace kc::kube
