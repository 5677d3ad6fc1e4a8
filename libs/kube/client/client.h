#pragma once

// A small Kubernetes API client over libs/http: the verbs controllers need, on JSON objects.
//
//   KC_ASSIGN_OR_RETURN(auto client, kube::Client::create(config, {.field_manager = "kconnect"}));
//   KC_ASSIGN_OR_RETURN(auto cm, client->get(kube::resources::config_maps(), "ns", "name"));
//   KC_RETURN_IF_ERROR(client->apply(kube::resources::config_maps(), desired));
//
// Threading: every method may be called from any thread at once; calls run on the caller's thread.
// Errors: HTTP error statuses become kc::Error as documented in libs/kube/core/api_status.h
// (kNotFound, kAlreadyExists, kConflict for a stale resourceVersion or an apply conflict, ...);
// transport failures are the libs/http errors (kUnavailable/kTimeout are retriable).
// Secrets: request and response bodies are never logged.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/client.h"
#include "libs/kube/client/config.h"
#include "libs/kube/core/object.h"
#include "libs/kube/core/resource.h"

namespace kc::kube {

struct ClientOptions {
  // Sent as fieldManager on every write; server-side apply always uses it (a fixed manager).
  std::string field_manager = "kconnect";
  std::string user_agent = "kconnect";
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;           // page size; 0: the server decides (usually everything)
  std::string continue_token;  // from the previous page
  std::string resource_version;
};

struct ObjectList {
  std::vector<Object> items;
  std::string resource_version;  // of the list: where a watch starts
  std::string continue_token;    // empty on the last page
};

struct WatchOptions {
  std::string resource_version;  // start after this version ("" or "0": from current state)
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  // Asks the server to end the watch after this long (timeoutSeconds); 0: the server's default.
  std::chrono::seconds timeout{0};
  // Longest silence tolerated between bytes; must exceed the bookmark interval. 0: none.
  std::chrono::milliseconds idle_timeout{0};
  std::stop_token cancel;
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark };
  Type type = Type::kAdded;
  Object object;
};

// How a watch call ended when it did not fail.
enum class WatchEnd {
  kClosed,   // the server ended the stream (timeoutSeconds, restart): watch again from the last rv
  kExpired,  // 410 Gone: the resourceVersion is too old; relist
  kStopped,  // on_event returned false or options.cancel was requested
};

enum class PropagationPolicy { kBackground, kForeground, kOrphan };

struct DeleteOptions {
  std::optional<PropagationPolicy> propagation;
  // Preconditions: the delete fails with kConflict when the object's uid / resourceVersion differ.
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::optional<int64_t> grace_period_seconds;
};

struct ApplyOptions {
  // Take ownership of fields another manager owns instead of failing with kConflict. Explicit:
  // a controller should only force fields it is the source of truth for.
  bool force = false;
  std::string subresource;  // "" or "status"
};

// The autoscaling/v1 Scale of an object with a scale subresource.
struct Scale {
  int32_t replicas = 0;         // spec.replicas
  int32_t status_replicas = 0;  // status.replicas
  std::string selector;         // status.selector
};

class Client {
 public:
  // Errors: kInvalidArgument (server URL), kInvalidConfig (TLS material).
  static Result<std::unique_ptr<Client>> create(const Config& config, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Result<Object> get(const ResourceType& type, std::string_view ns, std::string_view name,
                     std::string_view subresource = {});
  // One page (honouring options.limit / continue_token).
  Result<ObjectList> list(const ResourceType& type, std::string_view ns,
                          const ListOptions& options = {});
  // Every page, `page_size` objects at a time. When the continue token expires mid-way (410), the
  // list starts again from the beginning (as client-go's pager does). `each`, when set, is applied
  // to every object as its page arrives (dropping fields early keeps a large list small).
  Result<ObjectList> list_all(const ResourceType& type, std::string_view ns,
                              ListOptions options = {}, int64_t page_size = 500,
                              const std::function<void(Object&)>& each = nullptr);
  // Streams events to `on_event` (on the calling thread) until the server closes the stream,
  // the version expires, `on_event` returns false or options.cancel is requested. A watch ERROR
  // event other than 410 fails the call with the error it carries.
  Result<WatchEnd> watch(const ResourceType& type, std::string_view ns, const WatchOptions& options,
                         const std::function<bool(WatchEvent&&)>& on_event);

  Result<Object> create(const ResourceType& type, const Object& object);
  // PUT. With metadata.resourceVersion set, fails with kConflict when the stored object changed.
  Result<Object> update(const ResourceType& type, const Object& object,
                        std::string_view subresource = {});
  Result<Object> update_status(const ResourceType& type, const Object& object) {
    return update(type, object, "status");
  }
  // RFC 7386 JSON merge patch. A metadata.resourceVersion in the patch is a precondition.
  Result<Object> merge_patch(const ResourceType& type, std::string_view ns, std::string_view name,
                             const Object& patch, std::string_view subresource = {});
  // RFC 6902 JSON patch.
  Result<Object> json_patch(const ResourceType& type, std::string_view ns, std::string_view name,
                            const Object& operations, std::string_view subresource = {});
  // Server-side apply of `desired` (apiVersion, kind, metadata.name[/namespace] required) with this
  // client's field manager. Creates the object when absent.
  Result<Object> apply(const ResourceType& type, const Object& desired,
                       const ApplyOptions& options = {});
  // DELETE. Succeeds when the object is gone or marked for deletion (finalizers pending); returns
  // the object as the server returned it (a Status object when it was removed at once).
  Result<Object> remove(const ResourceType& type, std::string_view ns, std::string_view name,
                        const DeleteOptions& options = {});

  Result<Scale> get_scale(const ResourceType& type, std::string_view ns, std::string_view name);
  Result<Scale> set_scale(const ResourceType& type, std::string_view ns, std::string_view name,
                          int32_t replicas);

  // Any request (discovery, /version): `target` is a path with query; a 2xx JSON body is returned.
  Result<Object> raw(http::Method method, std::string_view target, std::string_view body = {},
                     std::string_view content_type = {});

  const ClientOptions& options() const { return options_; }
  const std::string& default_namespace() const { return default_namespace_; }

 private:
  Client(std::unique_ptr<http::Client> http, ClientOptions options, std::string ns);
  Result<Object> send(http::Method method, const std::string& target, std::string_view body,
                      std::string_view content_type, std::string_view operation);
  Result<Object> patch(const ResourceType& type, std::string_view ns, std::string_view name,
                       const Object& body, std::string_view content_type,
                       std::string_view subresource);

  std::unique_ptr<http::Client> http_;
  ClientOptions options_;
  std::string default_namespace_;
};

std::string_view to_string(WatchEvent::Type type);

}  // namespace kc::kube
