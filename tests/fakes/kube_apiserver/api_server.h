#pragma once

// FakeApiServer: an in-memory Kubernetes API server for tests, faithful enough that the real
// `kubectl` (v1.32) and libs/kube drive it over real HTTP(S). Start it on port 0, point a
// kubeconfig at url(), and use it like a cluster without nodes.
//
//   KC_ASSIGN_OR_RETURN(auto api, FakeApiServer::start({}));
//   write_file(dir + "/kubeconfig", api->kubeconfig());
//   // kubectl --kubeconfig dir/kubeconfig --cache-dir dir/cache apply -f crds/
//
// What it follows, and where it is written down:
//   [conv]  kubernetes/community contributors/devel/sig-architecture/api-conventions.md
//           ("Metadata", "Spec and Status", "Concurrency Control and Consistency",
//           "Response Status Kind", "Typical status properties")
//   [conc]  kubernetes.io/docs/reference/using-api/api-concepts/ ("Efficient detection of
//           changes", "Watch bookmarks", "Retrieving large results sets in chunks",
//           "Resource versions"), and KEP-956 (watch bookmarks)
//   [ssa]   kubernetes.io/docs/reference/using-api/server-side-apply/ ("Field management",
//           "Conflicts", "Upgrading from client-side apply to server-side apply")
//   [crd] kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
//           ("Specifying a structural schema", "Field pruning", "Defaulting", "Subresources",
//           "Additional printer columns")
//   [gc]    kubernetes.io/docs/concepts/architecture/garbage-collection/ and
//           .../overview/working-with-objects/finalizers/
//   kubectl v1.32's own requests are listed in shared/TESTING.md ("Kubernetes API").
// In detail:
// - REST paths /api/v1/..., /apis/{group}/{version}/[namespaces/{ns}/]{plural}[/{name}[/{sub}]];
//   errors as metav1.Status with reason and details.causes (404 NotFound, 409 AlreadyExists /
//   Conflict, 410 Expired, 422 Invalid with one cause per field, 400 BadRequest).
// - One monotonically increasing resourceVersion across all objects (an etcd revision); writes
//   that change nothing keep the version and emit no event.
// - list with limit/continue (continue tokens expire with the watch history: 410 Expired) and
//   labelSelector/fieldSelector; watch as a chunked stream of JSON lines with ADDED, MODIFIED,
//   DELETED, BOOKMARK (allowWatchBookmarks) and ERROR events; resourceVersion "" or "0" starts with
//   synthetic ADDED events; a version older than the kept history gets an ERROR event carrying a
//   410 Status ("too old resource version"), as the real server sends; timeoutSeconds ends a watch.
// - metadata.generation starts at 1 and increases only when something outside metadata and status
//   changes; uid and creationTimestamp are set by the server.
// - Subresources: status (writes to the main resource keep status, writes to /status change only
//   status) and scale (autoscaling/v1 Scale through the CRD's specReplicasPath,
//   statusReplicasPath, labelSelectorPath).
// - Patches: JSON merge patch (RFC 7386, a metadata.resourceVersion in it is a precondition), JSON
//   patch (RFC 6902), server-side apply (application/apply-patch+yaml; fieldManager required;
//   conflicts on fields another manager owns with a different value, 409 listing them, unless
//   force=true; managedFields kept in FieldsV1). Strategic merge patch is treated as a merge patch.
// - Deletion: finalizers keep an object with deletionTimestamp set until they are removed;
//   DeleteOptions propagationPolicy (Background default, Foreground via the foregroundDeletion
//   finalizer, Orphan via the orphan finalizer) and preconditions (uid, resourceVersion); owner
//   references are garbage-collected when every owner is gone; deleting a namespace deletes what
//   is in it.
// - CustomResourceDefinitions: applying one serves its kind at once (discovery, OpenAPI, REST);
//   its structural schema prunes unknown fields (fieldValidation=Strict refuses them with 400,
//   Warn — the default — reports them in a Warning header), applies defaults and validates (see
//   schema.h). Printer columns render in Table responses for kubectl get.
// - Built-in validation of names (RFC 1123 subdomains) and of ConfigMap size: data and binaryData
//   keys and values over 1 MiB are 422 Invalid ("[]: Too long: must have at most 1048576 bytes",
//   kubernetes/pkg/apis/core/validation ValidateConfigMap).
// - Discovery (/version, /api, /apis, /api/v1, /apis/{g}/{v}) and OpenAPI v3 (/openapi/v3 and one
//   document per group-version, PATCH operations tagged x-kubernetes-group-version-kind with a
//   fieldValidation parameter, so kubectl's default --validate=strict uses server-side validation).
//
// What it leaves out: authentication beyond one optional bearer token, authorization (RBAC
// objects are stored, not enforced), admission, aggregated discovery (clients fall back to the
// per-group documents), protobuf, OpenAPI v2 (404), CEL validation rules, conversion between CRD
// versions (objects are served with the requested apiVersion unchanged), strategic merge patch
// semantics, associative lists in SSA (every list is atomic), dry run, deletecollection,
// graceful pod termination, and every controller except garbage collection and namespace deletion.
//
// Fault injection (for tests of watch resumption and retries): drop_watches(), expire_watches(),
// compact(), inject(FaultRule) for 409/5xx/any status on matching requests, set_latency().
//
// Threading: thread-safe. Requests run on the HTTP server's connection threads; one mutex guards
// the store, so the server is linearizable.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/http/server.h"
#include "libs/http/types.h"
#include "libs/kube/core/object.h"

namespace kc::fakes::kube {

using kc::kube::Object;

struct FakeApiServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  std::optional<http::ServerTlsOptions> tls;
  // When set, every request must carry "Authorization: Bearer <token>" (else 401).
  std::string bearer_token;
  // Watch events kept for resuming watches and continuing lists; older versions get 410.
  size_t history_limit = 20'000;
  // How often an idle watch that asked for bookmarks gets one (the real server: about a minute).
  std::chrono::milliseconds bookmark_interval{1'000};
  // Server-side cap of a watch when the client gives no timeoutSeconds.
  std::chrono::seconds max_watch_duration{1'800};
  // Built-in kinds not served, as "group/version/plural" ("policy/v1/poddisruptionbudgets",
  // "/v1/endpoints"): a cluster without an optional API.
  std::vector<std::string> unserved;
};

// Requests matching `method` (any when unset) and whose path contains `path_contains` are answered
// with `status` instead of being served, `times` times (-1: until clear_faults()).
struct FaultRule {
  std::optional<http::Method> method;
  std::string path_contains;
  bool watch_only = false;  // only requests with watch=true
  int status = 500;
  std::string reason = "InternalError";
  int times = 1;
};

class FakeApiServer {
 public:
  // Errors: those of http::Server::start.
  static Result<std::unique_ptr<FakeApiServer>> start(FakeApiServerOptions options = {});
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>" (https with TLS)
  // A kubeconfig for kubectl and libs/kube: the server, the CA (base64 of ca_pem when given) and
  // the bearer token when one is required.
  std::string kubeconfig(const std::string& ca_pem = {}) const;
  void stop();

  // The object as stored (nullopt when absent): `api_version` "v1" / "apps/v1", `plural`.
  std::optional<Object> get(const std::string& api_version, const std::string& plural,
                            const std::string& ns, const std::string& name) const;
  // Current resourceVersion of the store.
  int64_t resource_version() const;

  // Fault injection.
  void drop_watches();    // ends every open watch stream (clean end of the chunked body)
  void expire_watches();  // sends an ERROR 410 event on every open watch, then ends it
  void compact();         // forgets the event history: any older version now gets 410
  void inject(FaultRule rule);
  void clear_faults();
  void set_latency(std::chrono::milliseconds latency);  // added before every response

  // Observability for tests.
  size_t open_watches() const;
  uint64_t watch_requests() const;               // watch calls received (resumptions count)
  std::vector<std::string> request_log() const;  // "PATCH /apis/... application/merge-patch+json"

  struct Impl;
  explicit FakeApiServer(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::fakes::kube
