#include "tests/fakes/kube_apiserver/api_server.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "libs/base/base64.h"
#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "libs/kube/core/api_status.h"
#include "libs/kube/core/label_selector.h"
#include "libs/kube/core/time.h"
#include "libs/yaml/yaml.h"
#include "tests/fakes/kube_apiserver/discovery.h"
#include "tests/fakes/kube_apiserver/managed_fields.h"
#include "tests/fakes/kube_apiserver/resource_registry.h"
#include "tests/fakes/kube_apiserver/schema.h"

namespace kc::fakes::kube {

using kc::kube::ApiStatus;
using kc::kube::ObjectPtr;
using kc::kube::StatusCause;
namespace k = kc::kube;

namespace {

log::Logger& logger() {
  static auto& l = log::get("kc.fakes.kube_apiserver");
  return l;
}

// A failed request: the Status the client gets.
struct Failure {
  ApiStatus status;
  std::vector<std::string> warnings;
};

template <class T>
using Outcome = tl::expected<T, Failure>;

tl::unexpected<Failure> fail(int code, std::string reason, std::string message,
                             std::vector<StatusCause> causes = {}) {
  return tl::unexpected(
      Failure{ApiStatus{code, std::move(reason), std::move(message), std::move(causes)}, {}});
}

std::string qualified(const ApiResource& r) {
  return r.group.empty() ? r.plural : r.plural + "." + r.group;
}

tl::unexpected<Failure> not_found(const ApiResource& r, const std::string& name) {
  return fail(404, "NotFound", fmt::format("{} \"{}\" not found", qualified(r), name));
}

tl::unexpected<Failure> conflict(const ApiResource& r, const std::string& name) {
  return fail(409, "Conflict",
              fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been "
                          "modified; please apply your changes to the latest version and try "
                          "again",
                          qualified(r), name));
}

tl::unexpected<Failure> bad_request(std::string message) {
  return fail(400, "BadRequest", std::move(message));
}

tl::unexpected<Failure> invalid(const ApiResource& r, const std::string& name,
                                std::vector<StatusCause> causes) {
  std::string kind = r.group.empty() ? r.kind : r.kind + "." + r.group;
  std::string message = fmt::format("{} \"{}\" is invalid: {}", kind, name, join_causes(causes));
  auto failure = fail(422, "Invalid", std::move(message), std::move(causes));
  failure.value().status.details_name = name;
  failure.value().status.details_group = r.group;
  failure.value().status.details_kind = r.kind;
  return failure;
}

bool valid_dns_subdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

std::string now_time() { return k::format_time(std::chrono::system_clock::now()); }

std::string random_suffix(size_t n) {
  static const char kChars[] = "bcdfghjklmnpqrstvwxz2456789";
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kChars[rng() % (sizeof(kChars) - 1)]);
  return out;
}

std::string new_uid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  return fmt::format("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                     a & 0xfff, (b >> 48) & 0xfff, b & 0xffffffffffffULL);
}

// Everything outside metadata and status: what bumps metadata.generation.
bool spec_changed(const Object& before, const Object& after) {
  Object a = before, b = after;
  for (Object* o : {&a, &b}) {
    o->erase("metadata");
    o->erase("status");
  }
  return a != b;
}

// "a=b,c!=d" against any dotted field path (metadata.name, involvedObject.uid, ...).
struct FieldRequirement {
  std::string path;
  std::string value;
  bool equals = true;
};

Outcome<std::vector<FieldRequirement>> parse_field_selector(std::string_view text) {
  std::vector<FieldRequirement> out;
  for (auto part : strings::split(text, ',')) {
    part = strings::trim(part);
    if (part.empty()) continue;
    FieldRequirement req;
    size_t pos = part.find("!=");
    size_t skip = 2;
    if (pos == std::string_view::npos) {
      pos = part.find("==");
      if (pos == std::string_view::npos) {
        pos = part.find('=');
        skip = 1;
      }
    } else {
      req.equals = false;
    }
    if (pos == std::string_view::npos) {
      return bad_request(fmt::format("invalid field selector requirement: {}", part));
    }
    req.path = std::string(strings::trim(part.substr(0, pos)));
    req.value = std::string(strings::trim(part.substr(pos + skip)));
    out.push_back(std::move(req));
  }
  return out;
}

bool fields_match(const std::vector<FieldRequirement>& reqs, const Object& object) {
  for (const auto& req : reqs) {
    const Object* v = k::find_path(object, req.path);
    std::string actual = v == nullptr ? "" : v->is_string() ? v->get<std::string>() : v->dump();
    if ((actual == req.value) != req.equals) return false;
  }
  return true;
}

struct Filter {
  std::string ns;  // empty: all namespaces
  k::LabelSelector labels;
  std::vector<FieldRequirement> fields;

  bool matches(const Object& object) const {
    if (!ns.empty() && k::namespace_of(object) != ns) return false;
    return labels.matches(object) && fields_match(fields, object);
  }
};

struct HistoryEvent {
  int64_t rv = 0;
  std::string storage_key;
  std::string type;  // ADDED, MODIFIED, DELETED
  ObjectPtr object;
  ObjectPtr previous;  // null for ADDED
};

// What a handler needs to know about the request target.
struct Target {
  ApiResourcePtr resource;
  std::string ns;
  std::string name;
  std::string subresource;
};

struct WriteContext {
  std::string manager;
  std::string validation = "Warn";  // Strict, Warn, Ignore
  std::vector<std::string> warnings;
};

}  // namespace

struct FakeApiServer::Impl {
  FakeApiServerOptions options;
  std::unique_ptr<http::Server> server;
  ResourceRegistry registry;

  mutable std::mutex mu;
  std::condition_variable_any changed;
  int64_t rv = 0;
  int64_t history_floor = 0;  // events with rv <= floor are forgotten
  std::map<std::string, std::map<std::string, ObjectPtr>> data;  // storage key -> "ns/name"
  std::deque<HistoryEvent> history;
  uint64_t drop_epoch = 0;
  uint64_t expire_epoch = 0;
  std::vector<FaultRule> faults;
  std::chrono::milliseconds latency{0};
  size_t open_watches = 0;
  uint64_t watch_requests = 0;
  std::vector<std::string> requests;

  // ---- store primitives (mu held) ----

  static std::string object_key(const std::string& ns, const std::string& name) {
    return ns.empty() ? name : ns + "/" + name;
  }

  ObjectPtr find(const ApiResource& r, const std::string& ns, const std::string& name) const {
    auto bucket = data.find(r.storage_key());
    if (bucket == data.end()) return nullptr;
    auto it = bucket->second.find(object_key(r.namespaced ? ns : "", name));
    return it == bucket->second.end() ? nullptr : it->second;
  }

  void record(std::string storage_key, std::string type, ObjectPtr object, ObjectPtr previous) {
    history.push_back(
        {rv, std::move(storage_key), std::move(type), std::move(object), std::move(previous)});
    while (history.size() > options.history_limit) {
      history_floor = history.front().rv;
      history.pop_front();
    }
    changed.notify_all();
  }

  // Stores `object` (its resourceVersion is assigned here) and records the event.
  ObjectPtr put(const ApiResource& r, Object object, const ObjectPtr& previous) {
    object["metadata"]["resourceVersion"] = std::to_string(++rv);
    auto ptr = std::make_shared<const Object>(std::move(object));
    std::string key = object_key(r.namespaced ? k::namespace_of(*ptr) : "", k::name_of(*ptr));
    data[r.storage_key()][key] = ptr;
    record(r.storage_key(), previous ? "MODIFIED" : "ADDED", ptr, previous);
    return ptr;
  }

  ObjectPtr erase(const ApiResource& r, const ObjectPtr& current) {
    Object last = *current;
    last["metadata"]["resourceVersion"] = std::to_string(++rv);
    auto ptr = std::make_shared<const Object>(std::move(last));
    std::string key =
        object_key(r.namespaced ? k::namespace_of(*current) : "", k::name_of(*current));
    data[r.storage_key()].erase(key);
    record(r.storage_key(), "DELETED", ptr, current);
    if (r.group == "apiextensions.k8s.io" && r.kind == "CustomResourceDefinition") {
      drop_crd(*current);
    }
    return ptr;
  }

  void drop_crd(const Object& crd) {
    auto resources = ResourceRegistry::parse_crd(crd);
    registry.remove_crd(k::name_of(crd));
    if (!resources || resources->empty()) return;
    const ApiResource& r = resources->front();
    auto bucket = data.find(r.storage_key());
    if (bucket == data.end()) return;
    std::vector<ObjectPtr> objects;
    for (auto& [key, obj] : bucket->second) objects.push_back(obj);
    for (auto& obj : objects) erase(r, obj);
    data.erase(r.storage_key());
  }

  ApiResourcePtr resource_for(const Object& object) const {
    std::string api_version = object.value("apiVersion", "");
    std::string kind = object.value("kind", "");
    for (const auto& r : registry.all()) {
      if (r->api_version() == api_version && r->kind == kind) return r;
    }
    return nullptr;
  }

  // ---- the write pipeline (mu held) ----

  // Turns a requested new state into the stored one and commits it. `old` is null on create.
  // `entries` are the managed fields to store (already updated for apply); for other writes
  // nullopt and they are computed here.
  Outcome<ObjectPtr> commit(const Target& t, const ObjectPtr& old, Object next, WriteContext& ctx,
                            std::optional<std::vector<ManagedEntry>> entries, FieldScope scope) {
    const ApiResource& r = *t.resource;
    if (!next.is_object()) return bad_request("the body must be a JSON object");
    std::string kind = next.value("kind", r.kind);
    if (kind != r.kind && t.subresource != "scale") {
      return bad_request(
          fmt::format("the kind \"{}\" does not match the resource \"{}\"", kind, r.kind));
    }
    next["apiVersion"] = r.api_version();
    next["kind"] = r.kind;
    Object& meta = next["metadata"];
    if (!meta.is_object()) meta = Object::object();
    if (!old) {
      if (meta.value("name", "").empty() && !meta.value("generateName", "").empty()) {
        meta["name"] = meta["generateName"].get<std::string>() + random_suffix(5);
      }
    }
    std::string name = meta.value("name", "");
    if (name.empty()) {
      return invalid(r, "",
                     {{"FieldValueRequired", "metadata.name",
                       "Required value: name or generateName is required"}});
    }
    if (!t.name.empty() && name != t.name) {
      return bad_request(
          fmt::format("the name of the object ({}) does not match the name on the "
                      "URL ({})",
                      name, t.name));
    }
    if (r.namespaced) {
      std::string ns = meta.value("namespace", "");
      if (!ns.empty() && !t.ns.empty() && ns != t.ns) {
        return bad_request(
            fmt::format("the namespace of the provided object ({}) does not match "
                        "the namespace sent on the request ({})",
                        ns, t.ns));
      }
      meta["namespace"] = t.ns;
    } else {
      meta.erase("namespace");
    }

    // Subresource scoping: /status writes change only status; main writes keep it.
    if (old) {
      if (scope == FieldScope::kStatus) {
        Object merged = *old;
        if (next.contains("status"))
          merged["status"] = next["status"];
        else
          merged.erase("status");
        if (entries) merged["metadata"]["managedFields"] = encode_managed_fields(*entries);
        next = std::move(merged);
      } else if (r.has_status) {
        if (old->contains("status"))
          next["status"] = (*old)["status"];
        else
          next.erase("status");
      }
      Object& kept = next["metadata"];  // `meta` dangles once `next` was replaced above
      for (const char* key : {"uid", "creationTimestamp", "deletionTimestamp",
                              "deletionGracePeriodSeconds", "generation"}) {
        if (old->at("metadata").contains(key))
          kept[key] = (*old)["metadata"][key];
        else
          kept.erase(key);
      }
    } else {
      if (scope == FieldScope::kStatus) return not_found(r, name);
      if (r.has_status && !r.crd_name.empty()) next.erase("status");
      if (!valid_dns_subdomain(name)) {
        return invalid(r, name,
                       {{"FieldValueInvalid", "metadata.name",
                         fmt::format("Invalid value: \"{}\": a lowercase RFC 1123 subdomain must "
                                     "consist of lower case alphanumeric characters, '-' or '.', "
                                     "and must start and end with an alphanumeric character",
                                     name)}});
      }
      meta["uid"] = new_uid();
      meta["creationTimestamp"] = now_time();
      meta.erase("deletionTimestamp");
      meta["generation"] = 1;
      if (r.namespaced && !find(*registry.find("", "v1", "namespaces"), "", t.ns)) {
        return fail(404, "NotFound", fmt::format("namespaces \"{}\" not found", t.ns));
      }
      if (r.namespaced) {
        auto ns_obj = find(*registry.find("", "v1", "namespaces"), "", t.ns);
        if (k::is_being_deleted(*ns_obj)) {
          return fail(403, "Forbidden",
                      fmt::format("{} \"{}\" is forbidden: unable to create new content in "
                                  "namespace {} because it is being terminated",
                                  qualified(r), name, t.ns));
        }
      }
    }

    // Schema: prune, default, validate (custom resources).
    if (r.schema.is_object() && !r.schema.empty()) {
      auto unknown = prune_unknown_fields(next, r.schema);
      if (!unknown.empty() && ctx.validation == "Strict") {
        std::vector<std::string> parts;
        parts.reserve(unknown.size());
        for (const auto& u : unknown) parts.push_back(fmt::format("unknown field \"{}\"", u));
        return bad_request(
            fmt::format("{} in version \"{}\" cannot be handled as a {}: strict "
                        "decoding error: {}",
                        r.kind, r.version, r.kind, fmt::join(parts, ", ")));
      }
      if (ctx.validation == "Warn") {
        for (const auto& u : unknown)
          ctx.warnings.push_back(fmt::format("unknown field \"{}\"", u));
      }
      apply_defaults(next, r.schema);
      auto causes = validate_against_schema(next, r.schema);
      if (!causes.empty()) return invalid(r, name, std::move(causes));
    }
    // kube-apiserver's ValidateConfigMap: data and binaryData (decoded) keys and values together
    // at most 1 MiB (core.MaxSecretSize), reported against the whole object.
    if (r.kind == "ConfigMap" && r.group.empty()) {
      size_t bytes = 0;
      for (const char* field : {"data", "binaryData"}) {
        if (!next.contains(field) || !next[field].is_object()) continue;
        for (const auto& [key, value] : next[field].items()) {
          if (!value.is_string()) continue;
          const auto& text = value.get_ref<const std::string&>();
          auto decoded = std::string_view(field) == "binaryData" ? base64::decode(text) : text;
          bytes += key.size() + decoded.value_or(text).size();
        }
      }
      if (bytes > (size_t{1} << 20)) {
        return invalid(r, name,
                       {{"FieldValueTooLong", "[]", "Too long: must have at most 1048576 bytes"}});
      }
    }
    if (r.kind == "CustomResourceDefinition") {
      auto resources = ResourceRegistry::parse_crd(next);
      if (!resources) {
        return invalid(r, name, {{"FieldValueInvalid", "spec", resources.error().message()}});
      }
      const Object& names = next["spec"]["names"];
      next["status"] = {
          {"acceptedNames", names},
          {"storedVersions", Object::array({resources->empty() ? "" : resources->front().version})},
          {"conditions",
           {{{"type", "NamesAccepted"},
             {"status", "True"},
             {"reason", "NoConflicts"},
             {"message", "no conflicts found"},
             {"lastTransitionTime", now_time()}},
            {{"type", "Established"},
             {"status", "True"},
             {"reason", "InitialNamesAccepted"},
             {"message", "the initial names have been accepted"},
             {"lastTransitionTime", now_time()}}}}};
      if (old && old->contains("status")) {
        next["status"]["conditions"] = (*old)["status"]["conditions"];
      }
    }

    // Generation and field ownership.
    if (old) {
      int64_t generation = k::generation_of(*old);
      if (spec_changed(*old, next)) ++generation;
      next["metadata"]["generation"] = generation;
    }
    std::string time = now_time();
    if (!entries) {
      std::vector<ManagedEntry> current =
          old ? decode_managed_fields(*old) : std::vector<ManagedEntry>{};
      bool client_set = next["metadata"].contains("managedFields") &&
                        (!old || (*old)["metadata"].value("managedFields", Object()) !=
                                     next["metadata"]["managedFields"]);
      if (client_set) {
        current = decode_managed_fields(next);  // a client rewriting ownership (kubectl's
                                                // client-side to server-side apply migration)
      } else {
        ManagedEntry writer{ctx.manager,
                            "Update",
                            r.api_version(),
                            time,
                            scope == FieldScope::kStatus ? "status" : "",
                            {}};
        record_update(current, old ? *old : Object(), next, writer, scope);
      }
      entries = std::move(current);
    }
    if (entries->empty()) {
      next["metadata"].erase("managedFields");
    } else {
      next["metadata"]["managedFields"] = encode_managed_fields(*entries);
    }

    if (old) {
      // No-op writes keep the version and emit nothing (timestamps of ownership aside).
      Object a = *old, b = next;
      for (Object* o : {&a, &b}) {
        (*o)["metadata"].erase("resourceVersion");
        if (!(*o)["metadata"].contains("managedFields")) continue;
        for (auto& entry : (*o)["metadata"]["managedFields"]) entry.erase("time");
      }
      if (a == b) return old;
    }
    auto stored = put(r, std::move(next), old);
    if (r.kind == "CustomResourceDefinition") {
      auto resources = ResourceRegistry::parse_crd(*stored);
      if (resources) registry.set_crd(k::name_of(*stored), std::move(*resources));
    }
    // Kubernetes' garbage collector also collects an object written with owner references to
    // owners that no longer exist (a controller re-applying a child after its owner went away).
    if (k::is_being_deleted(*stored) || !owners_exist(*stored)) collect_garbage();
    auto current = find(r, k::namespace_of(*stored), k::name_of(*stored));
    return current ? current : stored;
  }

  // ---- deletion and garbage collection (mu held) ----

  void remove_finalizer(const ApiResource& r, const ObjectPtr& obj, const std::string& finalizer) {
    Object next = *obj;
    auto& list = next["metadata"]["finalizers"];
    Object kept = Object::array();
    for (const auto& f : list) {
      if (f != finalizer) kept.push_back(f);
    }
    if (kept.empty())
      next["metadata"].erase("finalizers");
    else
      list = kept;
    put(r, std::move(next), obj);
  }

  // Starts deleting `obj`: marks it when finalizers (or the policy) keep it, else removes it.
  void begin_delete(const ApiResource& r, const ObjectPtr& obj, const std::string& policy) {
    if (k::is_being_deleted(*obj)) return;
    Object next = *obj;
    auto& meta = next["metadata"];
    if (policy == "Foreground" || policy == "Orphan") {
      std::string f = policy == "Foreground" ? "foregroundDeletion" : "orphan";
      if (!k::has_finalizer(next, f)) meta["finalizers"].push_back(f);
    }
    bool is_namespace = r.kind == "Namespace" && r.group.empty();
    if (!k::finalizers_of(next).empty() || is_namespace) {
      meta["deletionTimestamp"] = now_time();
      meta["deletionGracePeriodSeconds"] = 0;
      if (is_namespace) next["status"]["phase"] = "Terminating";
      put(r, std::move(next), obj);
    } else {
      erase(r, obj);
    }
  }

  struct Located {
    ApiResourcePtr resource;
    ObjectPtr object;
  };

  std::vector<Located> all_objects() const {
    std::vector<Located> out;
    std::map<std::string, ApiResourcePtr> by_key;
    for (const auto& r : registry.all()) {
      if (r->storage_version || !by_key.count(r->storage_key())) by_key[r->storage_key()] = r;
    }
    for (const auto& [key, bucket] : data) {
      auto r = by_key.find(key);
      if (r == by_key.end()) continue;
      for (const auto& [name, obj] : bucket) out.push_back({r->second, obj});
    }
    return out;
  }

  // True when `obj` has no owner references or at least one of its owners is stored.
  bool owners_exist(const Object& obj) const {
    auto refs = k::owner_references_of(obj);
    if (refs.empty()) return true;
    for (const auto& o : all_objects()) {
      for (const auto& ref : refs) {
        if (ref.uid == k::uid_of(*o.object)) return true;
      }
    }
    return false;
  }

  // Runs the garbage collector and the namespace controller until nothing changes.
  void collect_garbage() {
    for (int round = 0; round < 100; ++round) {
      bool progress = false;
      auto objects = all_objects();
      std::set<std::string> uids;
      std::map<std::string, std::vector<Located>> dependents;
      for (const auto& o : objects) {
        uids.insert(k::uid_of(*o.object));
        for (const auto& ref : k::owner_references_of(*o.object)) dependents[ref.uid].push_back(o);
      }
      for (const auto& o : objects) {
        const ApiResource& r = *o.resource;
        if (k::is_being_deleted(*o.object)) {
          auto& deps = dependents[k::uid_of(*o.object)];
          if (k::has_finalizer(*o.object, "orphan")) {
            for (const auto& d : deps) {
              Object next = *d.object;
              Object refs = Object::array();
              for (const auto& ref : next["metadata"]["ownerReferences"]) {
                if (ref.value("uid", "") != k::uid_of(*o.object)) refs.push_back(ref);
              }
              if (refs.empty())
                next["metadata"].erase("ownerReferences");
              else
                next["metadata"]["ownerReferences"] = refs;
              put(*d.resource, std::move(next), d.object);
            }
            remove_finalizer(r, o.object, "orphan");
            progress = true;
            break;
          }
          if (k::has_finalizer(*o.object, "foregroundDeletion")) {
            if (deps.empty()) {
              remove_finalizer(r, o.object, "foregroundDeletion");
              progress = true;
              break;
            }
            for (const auto& d : deps) {
              if (!k::is_being_deleted(*d.object)) {
                begin_delete(*d.resource, d.object, "Foreground");
                progress = true;
              }
            }
            if (progress) break;
          }
          if (r.kind == "Namespace" && r.group.empty()) {
            std::string ns = k::name_of(*o.object);
            bool empty = true;
            for (const auto& inner : objects) {
              if (!inner.resource->namespaced || k::namespace_of(*inner.object) != ns) continue;
              empty = false;
              if (!k::is_being_deleted(*inner.object)) {
                begin_delete(*inner.resource, inner.object, "Background");
                progress = true;
              }
            }
            if (empty && k::finalizers_of(*o.object).empty()) {
              erase(r, o.object);
              progress = true;
            }
            if (progress) break;
            continue;
          }
          if (k::finalizers_of(*o.object).empty()) {
            erase(r, o.object);
            progress = true;
            break;
          }
          continue;
        }
        auto refs = k::owner_references_of(*o.object);
        if (!refs.empty() && std::none_of(refs.begin(), refs.end(), [&](const auto& ref) {
              return uids.count(ref.uid) > 0;
            })) {
          begin_delete(r, o.object, "Background");
          progress = true;
          break;
        }
      }
      if (!progress) return;
    }
  }

  // ---- helpers for handlers ----

  bool should_fail(const http::Request& req, FaultRule& out) {
    std::lock_guard lock(mu);
    bool is_watch = req.query_value("watch").value_or("") == "true";
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (it->method && *it->method != req.method) continue;
      if (req.path.find(it->path_contains) == std::string::npos) continue;
      if (it->watch_only && !is_watch) continue;
      out = *it;
      if (it->times > 0 && --it->times == 0) faults.erase(it);
      return true;
    }
    return false;
  }

  std::string list_rv() const { return std::to_string(rv); }
};

namespace {

http::Response status_response(const ApiStatus& status,
                               const std::vector<std::string>& warnings = {}) {
  auto response = http::Response::json(status.code, status.to_json().dump());
  for (const auto& w : warnings) response.headers.add("Warning", fmt::format("299 - \"{}\"", w));
  return response;
}

http::Response json_response(int code, const Object& body,
                             const std::vector<std::string>& warnings = {}) {
  auto response = http::Response::json(code, body.dump());
  for (const auto& w : warnings) response.headers.add("Warning", fmt::format("299 - \"{}\"", w));
  return response;
}

bool wants_table(const http::Request& req) {
  auto accept = req.headers.get("Accept");
  return accept && accept->find("as=Table") != std::string_view::npos;
}

std::string manager_of(const http::Request& req) {
  if (auto m = req.query_value("fieldManager"); m && !m->empty()) return std::string(*m);
  std::string agent(req.headers.get("User-Agent").value_or("unknown"));
  return agent.substr(0, agent.find('/'));
}

Outcome<Object> parse_body(const http::Request& req) {
  auto content_type = req.headers.get("Content-Type").value_or("application/json");
  if (content_type.find("yaml") != std::string_view::npos) {
    auto parsed = yaml::to_json(req.body);
    if (!parsed) return bad_request(parsed.error().message());
    return *parsed;
  }
  auto parsed = Object::parse(req.body, nullptr, false);
  if (parsed.is_discarded()) return bad_request("the request body is not valid JSON");
  return parsed;
}

Object scale_of(const ApiResource& r, const Object& object) {
  const ScalePaths& paths = *r.scale;
  auto first = [&](const std::string& path) -> Object {
    auto values = eval_json_path(object, path);
    return values.empty() ? Object() : values[0];
  };
  Object replicas = first(paths.spec_replicas);
  Object status_replicas = first(paths.status_replicas);
  Object scale = {
      {"kind", "Scale"},
      {"apiVersion", "autoscaling/v1"},
      {"metadata",
       {{"name", k::name_of(object)},
        {"uid", k::uid_of(object)},
        {"resourceVersion", k::resource_version_of(object)},
        {"creationTimestamp", object["metadata"].value("creationTimestamp", "")}}},
      {"spec", {{"replicas", replicas.is_number_integer() ? replicas : Object(0)}}},
      {"status",
       {{"replicas", status_replicas.is_number_integer() ? status_replicas : Object(0)}}}};
  if (r.namespaced) scale["metadata"]["namespace"] = k::namespace_of(object);
  if (!paths.label_selector.empty()) {
    Object selector = first(paths.label_selector);
    if (selector.is_string()) scale["status"]["selector"] = selector;
  } else if (const Object* match = k::find_path(object, "spec.selector.matchLabels");
             match && match->is_object()) {
    std::vector<std::string> parts;
    for (auto it = match->begin(); it != match->end(); ++it) {
      parts.push_back(it.key() + "=" + it.value().get<std::string>());
    }
    scale["status"]["selector"] = strings::join(parts, ",");
  }
  return scale;
}

void set_dotted(Object& object, const std::string& path, const Object& value) {
  Object* at = &object;
  for (auto part : strings::split(path, '.')) {
    if (part.empty()) continue;
    if (!at->is_object()) *at = Object::object();
    at = &(*at)[std::string(part)];
  }
  *at = value;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Request handling

namespace {

class Handlers {
 public:
  explicit Handlers(FakeApiServer::Impl& impl) : s_(impl) {}

  void dispatch(const http::Request& req, http::ResponseStream& stream) {
    {
      std::lock_guard lock(s_.mu);
      std::string line = fmt::format("{} {} {}", http::to_string(req.method), req.target,
                                     req.headers.get("Content-Type").value_or(""));
      logger().debug("request", {{"line", line}});
      if (s_.requests.size() < 10'000) s_.requests.push_back(std::move(line));
    }
    std::chrono::milliseconds latency;
    {
      std::lock_guard lock(s_.mu);
      latency = s_.latency;
    }
    if (latency.count() > 0) std::this_thread::sleep_for(latency);
    if (!s_.options.bearer_token.empty()) {
      auto auth = req.headers.get("Authorization").value_or("");
      if (auth != "Bearer " + s_.options.bearer_token) {
        stream.send(status_response({401, "Unauthorized", "Unauthorized", {}}));
        return;
      }
    }
    FaultRule fault;
    if (s_.should_fail(req, fault)) {
      stream.send(status_response(
          {fault.status, fault.reason, fmt::format("injected fault: {}", fault.reason), {}}));
      return;
    }
    try {
      route(req, stream);
    } catch (const std::exception& e) {
      logger().error("handler failed", {{"target", req.target}, {"error", e.what()}});
      stream.send(status_response({500, "InternalError", e.what(), {}}));
    }
  }

 private:
  FakeApiServer::Impl& s_;

  void send(http::ResponseStream& stream, const Outcome<Object>& result, int ok_code = 200) {
    if (result) {
      stream.send(json_response(ok_code, *result));
    } else {
      stream.send(status_response(result.error().status, result.error().warnings));
    }
  }

  void route(const http::Request& req, http::ResponseStream& stream) {
    const std::string& path = req.path;
    auto parts = strings::split(std::string_view(path).substr(path.empty() ? 0 : 1), '/');
    std::vector<std::string> seg;
    for (auto p : parts) {
      if (!p.empty()) seg.emplace_back(p);
    }
    auto resources = s_.registry.all();
    if (path == "/version") return stream.send(json_response(200, version_info())), void();
    if (path == "/healthz" || path == "/readyz" || path == "/livez") {
      return stream.send(http::Response::text(200, "ok")), void();
    }
    if (path == "/api") {
      std::string addr = fmt::format("{}:{}", s_.options.address, s_.server->port());
      return stream.send(json_response(200, core_api_versions(addr))), void();
    }
    if (path == "/apis") return stream.send(json_response(200, api_group_list(resources))), void();
    if (!seg.empty() && seg[0] == "openapi") {
      if (seg.size() == 2 && seg[1] == "v3") {
        return stream.send(json_response(200, openapi_v3_root(resources))), void();
      }
      if (seg.size() >= 3 && seg[1] == "v3") {
        std::string gv = path.substr(std::string("/openapi/v3/").size());
        Object doc = openapi_v3_document(resources, gv);
        if (!doc.empty()) return stream.send(json_response(200, doc)), void();
      }
      return stream.send(status_response({404,
                                          "NotFound",
                                          "the server could not find the "
                                          "requested resource",
                                          {}})),
             void();
    }
    // Resource paths.
    std::string group, version;
    size_t i = 0;
    if (seg.size() >= 2 && seg[0] == "api") {
      version = seg[1];
      i = 2;
    } else if (seg.size() >= 3 && seg[0] == "apis") {
      group = seg[1];
      version = seg[2];
      i = 3;
    } else if (seg.size() == 2 && seg[0] == "apis") {
      // /apis/{group}: APIGroup
      Object list = api_group_list(resources);
      for (const auto& g : list["groups"]) {
        if (g["name"] == seg[1]) {
          Object doc = g;
          doc["kind"] = "APIGroup";
          doc["apiVersion"] = "v1";
          return stream.send(json_response(200, doc)), void();
        }
      }
      return not_found_path(stream);
    } else {
      return not_found_path(stream);
    }
    if (i == seg.size()) {
      Object doc = api_resource_list(resources, group, version);
      if (doc.empty()) return not_found_path(stream);
      return stream.send(json_response(200, doc)), void();
    }
    Target t;
    std::vector<std::string> rest(seg.begin() + static_cast<std::ptrdiff_t>(i), seg.end());
    // namespaces/{ns}/{plural}[/{name}[/{sub}]] unless it is the namespace object itself.
    if (group.empty() && rest[0] == "namespaces" &&
        (rest.size() <= 2 ||
         (rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize")))) {
      t.resource = s_.registry.find("", version, "namespaces");
      if (rest.size() >= 2) t.name = rest[1];
      if (rest.size() == 3) t.subresource = rest[2];
    } else if (rest[0] == "namespaces" && rest.size() >= 3) {
      t.ns = rest[1];
      t.resource = s_.registry.find(group, version, rest[2]);
      if (t.resource && !t.resource->namespaced) t.resource = nullptr;
      if (rest.size() >= 4) t.name = rest[3];
      if (rest.size() >= 5) t.subresource = rest[4];
      if (rest.size() > 5) t.resource = nullptr;
    } else {
      t.resource = s_.registry.find(group, version, rest[0]);
      if (rest.size() >= 2) t.name = rest[1];
      if (rest.size() >= 3) t.subresource = rest[2];
      if (rest.size() > 3) t.resource = nullptr;
    }
    if (!t.resource) return not_found_path(stream);
    const ApiResource& r = *t.resource;
    if (!t.subresource.empty() &&
        !((t.subresource == "status" && r.has_status) || (t.subresource == "scale" && r.scale))) {
      return not_found_path(stream);
    }
    bool collection = t.name.empty();
    switch (req.method) {
      case http::Method::kGet:
      case http::Method::kHead:
        if (collection) {
          if (req.query_value("watch").value_or("") == "true" ||
              req.query_value("watch").value_or("") == "1") {
            return watch(req, t, stream);
          }
          return list(req, t, stream);
        }
        return send(stream, get(req, t));
      case http::Method::kPost:
        if (!collection) return method_not_allowed(stream);
        return send(stream, create(req, t), 201);
      case http::Method::kPut:
        if (collection) return method_not_allowed(stream);
        return send(stream, update(req, t));
      case http::Method::kPatch:
        if (collection) return method_not_allowed(stream);
        return send_patch(stream, req, t);
      case http::Method::kDelete:
        if (collection) return method_not_allowed(stream);
        return send(stream, remove(req, t));
      default:
        return method_not_allowed(stream);
    }
  }

  void not_found_path(http::ResponseStream& stream) {
    stream.send(
        status_response({404, "NotFound", "the server could not find the requested resource", {}}));
  }
  void method_not_allowed(http::ResponseStream& stream) {
    stream.send(status_response({405,
                                 "MethodNotAllowed",
                                 "the server does not allow this method on the requested "
                                 "resource",
                                 {}}));
  }

  Object render(const http::Request& req, const ApiResource& r, const ObjectPtr& obj) {
    if (wants_table(req)) {
      bool include = req.query_value("includeObject").value_or("") == "Object";
      return to_table(r, {obj}, include, k::resource_version_of(*obj), "");
    }
    return with_version(r, *obj);
  }

  // Objects are stored once per kind; serve them with the requested version's apiVersion.
  static Object with_version(const ApiResource& r, const Object& obj) {
    if (obj.value("apiVersion", "") == r.api_version()) return obj;
    Object copy = obj;
    copy["apiVersion"] = r.api_version();
    return copy;
  }

  Outcome<Object> get(const http::Request& req, const Target& t) {
    std::lock_guard lock(s_.mu);
    auto obj = s_.find(*t.resource, t.ns, t.name);
    if (!obj) return not_found(*t.resource, t.name);
    if (t.subresource == "scale") return scale_of(*t.resource, *obj);
    return render(req, *t.resource, obj);
  }

  Outcome<Filter> filter_of(const http::Request& req, const Target& t) {
    Filter f;
    f.ns = t.resource->namespaced ? t.ns : "";
    auto labels = k::LabelSelector::parse(req.query_value("labelSelector").value_or(""));
    if (!labels) return bad_request(labels.error().message());
    f.labels = std::move(*labels);
    auto fields = parse_field_selector(req.query_value("fieldSelector").value_or(""));
    if (!fields) return tl::unexpected(fields.error());
    f.fields = std::move(*fields);
    return f;
  }

  void list(const http::Request& req, const Target& t, http::ResponseStream& stream) {
    const ApiResource& r = *t.resource;
    auto filter = filter_of(req, t);
    if (!filter) return stream.send(status_response(filter.error().status)), void();
    int64_t limit = strings::parse_int<int64_t>(req.query_value("limit").value_or("0")).value_or(0);
    std::string start;
    std::vector<ObjectPtr> items;
    std::string next_token, rv;
    {
      std::lock_guard lock(s_.mu);
      if (auto token = req.query_value("continue"); token && !token->empty()) {
        auto decoded = base64::decode(*token);
        auto parsed = decoded ? Object::parse(*decoded, nullptr, false) : Object();
        if (!parsed.is_object())
          return stream.send(status_response({400, "BadRequest", "invalid continue token", {}})),
                 void();
        if (parsed.value("rv", int64_t{0}) < s_.history_floor) {
          return stream.send(status_response(
                     {410,
                      "Expired",
                      "The provided continue parameter is too old to display a consistent list "
                      "result. You can start a new list without the continue parameter.",
                      {}})),
                 void();
        }
        start = parsed.value("start", "");
      }
      rv = s_.list_rv();
      auto bucket = s_.data.find(r.storage_key());
      if (bucket != s_.data.end()) {
        auto it = start.empty() ? bucket->second.begin() : bucket->second.upper_bound(start);
        for (; it != bucket->second.end(); ++it) {
          if (!filter->matches(*it->second)) continue;
          if (limit > 0 && static_cast<int64_t>(items.size()) == limit) {
            next_token =
                base64::encode(Object{{"rv", s_.rv}, {"start", std::prev(it)->first}}.dump());
            break;
          }
          items.push_back(it->second);
        }
      }
    }
    if (wants_table(req)) {
      bool include = req.query_value("includeObject").value_or("") == "Object";
      return stream.send(json_response(200, to_table(r, items, include, rv, next_token))), void();
    }
    Object body = {{"kind", r.kind + "List"},
                   {"apiVersion", r.api_version()},
                   {"metadata", {{"resourceVersion", rv}}},
                   {"items", Object::array()}};
    if (!next_token.empty()) body["metadata"]["continue"] = next_token;
    for (const auto& item : items) body["items"].push_back(with_version(r, *item));
    stream.send(json_response(200, body));
  }

  void watch(const http::Request& req, const Target& t, http::ResponseStream& stream) {
    const ApiResource& r = *t.resource;
    auto filter = filter_of(req, t);
    if (!filter) return stream.send(status_response(filter.error().status)), void();
    bool table = wants_table(req);
    bool include = req.query_value("includeObject").value_or("") == "Object";
    bool bookmarks = req.query_value("allowWatchBookmarks").value_or("") == "true";
    std::string rv_param(req.query_value("resourceVersion").value_or(""));
    auto timeout = std::chrono::seconds(
        strings::parse_int<int64_t>(req.query_value("timeoutSeconds").value_or("0")).value_or(0));
    if (timeout.count() <= 0 || timeout > s_.options.max_watch_duration) {
      timeout = s_.options.max_watch_duration;
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;

    auto encode = [&](const std::string& type, const Object& obj) {
      Object payload = table ? to_table(r, {std::make_shared<const Object>(obj)}, include,
                                        k::resource_version_of(obj), "")
                             : with_version(r, obj);
      return Object{{"type", type}, {"object", payload}}.dump() + "\n";
    };
    auto gone = [](const std::string& message) {
      return Object{{"type", "ERROR"}, {"object", ApiStatus{410, "Expired", message, {}}.to_json()}}
                 .dump() +
             "\n";
    };

    std::string initial;
    int64_t position = 0;
    uint64_t drop_epoch = 0, expire_epoch = 0;
    bool too_old = false;
    {
      std::lock_guard lock(s_.mu);
      ++s_.watch_requests;
      ++s_.open_watches;
      drop_epoch = s_.drop_epoch;
      expire_epoch = s_.expire_epoch;
      if (rv_param.empty() || rv_param == "0") {
        auto bucket = s_.data.find(r.storage_key());
        if (bucket != s_.data.end()) {
          for (const auto& [key, obj] : bucket->second) {
            if (filter->matches(*obj)) initial += encode("ADDED", *obj);
          }
        }
        position = s_.rv;
      } else {
        auto parsed = strings::parse_int<int64_t>(rv_param);
        if (!parsed) {
          --s_.open_watches;
          return stream.send(status_response(
                     {400, "BadRequest", "invalid resourceVersion " + rv_param, {}})),
                 void();
        }
        position = *parsed;
        too_old = position < s_.history_floor;
      }
    }
    struct Closer {
      FakeApiServer::Impl& s;
      ~Closer() {
        std::lock_guard lock(s.mu);
        --s.open_watches;
      }
    } closer{s_};
    http::Headers headers{{"Content-Type", "application/json"}};
    if (!stream.start(200, headers)) return;
    if (too_old) {
      stream.write(
          gone(fmt::format("too old resource version: {} ({})", position, s_.history_floor + 1)));
      return;
    }
    if (!initial.empty() && !stream.write(initial)) return;

    auto token = stream.stop_token();
    auto next_bookmark = std::chrono::steady_clock::now() + s_.options.bookmark_interval;
    while (!token.stop_requested()) {
      std::string out;
      bool expire = false;
      {
        std::unique_lock lock(s_.mu);
        auto wake = std::min(deadline, next_bookmark);
        s_.changed.wait_until(lock, token, wake, [&] {
          return s_.rv > position || s_.drop_epoch != drop_epoch || s_.expire_epoch != expire_epoch;
        });
        if (token.stop_requested() || s_.drop_epoch != drop_epoch) return;
        if (s_.expire_epoch != expire_epoch || position < s_.history_floor) {
          expire = true;
        } else {
          auto it = std::upper_bound(s_.history.begin(), s_.history.end(), position,
                                     [](int64_t v, const HistoryEvent& e) { return v < e.rv; });
          for (; it != s_.history.end(); ++it) {
            if (it->storage_key != r.storage_key()) continue;
            bool now_matches = filter->matches(*it->object);
            bool was_matching = it->previous && filter->matches(*it->previous);
            std::string type = it->type;
            if (type == "MODIFIED" && now_matches && !was_matching) type = "ADDED";
            if (type == "MODIFIED" && !now_matches && was_matching) type = "DELETED";
            if (type == "DELETED" ? !(now_matches || was_matching) : !now_matches) {
              continue;
            }
            out += encode(type, *it->object);
          }
          position = s_.rv;
        }
      }
      if (expire) {
        stream.write(gone("too old resource version"));
        return;
      }
      auto now = std::chrono::steady_clock::now();
      if (out.empty() && bookmarks && now >= next_bookmark) {
        Object mark = {{"kind", r.kind},
                       {"apiVersion", r.api_version()},
                       {"metadata", {{"resourceVersion", std::to_string(position)}}}};
        out = Object{{"type", "BOOKMARK"}, {"object", mark}}.dump() + "\n";
      }
      if (now >= next_bookmark) next_bookmark = now + s_.options.bookmark_interval;
      if (!out.empty() && !stream.write(out)) return;
      if (now >= deadline) return;
    }
  }

  WriteContext context(const http::Request& req) {
    WriteContext ctx;
    ctx.manager = manager_of(req);
    std::string v(req.query_value("fieldValidation").value_or("Warn"));
    ctx.validation = v.empty() ? "Warn" : v;
    return ctx;
  }

  Outcome<Object> finish(const http::Request& req, const ApiResource& r, Outcome<ObjectPtr> result,
                         WriteContext& ctx, const Target& t) {
    if (!result) {
      result.error().warnings = ctx.warnings;
      return tl::unexpected(result.error());
    }
    if (t.subresource == "scale") return scale_of(r, **result);
    return render(req, r, *result);
  }

  Outcome<Object> create(const http::Request& req, const Target& t) {
    auto body = parse_body(req);
    if (!body) return tl::unexpected(body.error());
    auto ctx = context(req);
    std::lock_guard lock(s_.mu);
    std::string name = (*body)["metadata"].value("name", "");
    if (!name.empty() && s_.find(*t.resource, t.ns, name)) {
      return fail(409, "AlreadyExists",
                  fmt::format("{} \"{}\" already exists", qualified(*t.resource), name));
    }
    Target target = t;
    if (!t.resource->namespaced) target.ns.clear();
    if (t.resource->namespaced && target.ns.empty()) {
      target.ns = (*body)["metadata"].value("namespace", "default");
    }
    auto result =
        s_.commit(target, nullptr, std::move(*body), ctx, std::nullopt, FieldScope::kMain);
    return finish(req, *t.resource, std::move(result), ctx, t);
  }

  Outcome<Object> update(const http::Request& req, const Target& t) {
    auto body = parse_body(req);
    if (!body) return tl::unexpected(body.error());
    auto ctx = context(req);
    std::lock_guard lock(s_.mu);
    auto old = s_.find(*t.resource, t.ns, t.name);
    if (!old) return not_found(*t.resource, t.name);
    std::string rv = (*body)["metadata"].value("resourceVersion", "");
    if (!rv.empty() && rv != k::resource_version_of(*old)) return conflict(*t.resource, t.name);
    Object next = std::move(*body);
    if (t.subresource == "scale") {
      auto replicas = k::find_path(next, "spec.replicas");
      if (replicas == nullptr || !replicas->is_number_integer()) {
        return invalid(*t.resource, t.name,
                       {{"FieldValueRequired", "spec.replicas", "Required value"}});
      }
      Object scaled = *old;
      set_dotted(scaled, t.resource->scale->spec_replicas, *replicas);
      next = std::move(scaled);
    }
    auto scope = t.subresource == "status" ? FieldScope::kStatus : FieldScope::kMain;
    auto result = s_.commit(t, old, std::move(next), ctx, std::nullopt, scope);
    return finish(req, *t.resource, std::move(result), ctx, t);
  }

  void send_patch(http::ResponseStream& stream, const http::Request& req, const Target& t) {
    bool created = false;
    auto result = patch(req, t, created);
    send(stream, result, created ? 201 : 200);
  }

  Outcome<Object> patch(const http::Request& req, const Target& t, bool& created) {
    std::string content_type(req.headers.get("Content-Type").value_or(""));
    content_type = content_type.substr(0, content_type.find(';'));
    auto ctx = context(req);
    auto scope = t.subresource == "status" ? FieldScope::kStatus : FieldScope::kMain;
    if (content_type == "application/apply-patch+yaml" ||
        content_type == "application/apply-patch+cbor") {
      return apply(req, t, ctx, scope, created);
    }
    auto body = parse_body(req);
    if (!body) return tl::unexpected(body.error());
    std::lock_guard lock(s_.mu);
    auto old = s_.find(*t.resource, t.ns, t.name);
    if (!old) return not_found(*t.resource, t.name);
    Object current = t.subresource == "scale" ? scale_of(*t.resource, *old) : *old;
    Object next;
    if (content_type == "application/json-patch+json") {
      if (!body->is_array()) return bad_request("a JSON patch must be an array of operations");
      try {
        next = current.patch(*body);
      } catch (const std::exception& e) {
        // A failed "test" operation is how JSON patch expresses preconditions.
        std::string what = e.what();
        if (what.find("unsuccessful") != std::string::npos) return conflict(*t.resource, t.name);
        return fail(422, "Invalid", fmt::format("the JSON patch could not be applied: {}", what));
      }
    } else if (content_type == "application/merge-patch+json" ||
               content_type == "application/strategic-merge-patch+json") {
      if (!body->is_object()) return bad_request("a merge patch must be a JSON object");
      if (const Object* rv = k::find_path(*body, "metadata.resourceVersion");
          rv && rv->is_string() && rv->get<std::string>() != k::resource_version_of(*old)) {
        return conflict(*t.resource, t.name);
      }
      next = current;
      next.merge_patch(*body);
    } else {
      return fail(415, "UnsupportedMediaType",
                  fmt::format("the body of the request was in an unknown format - accepted "
                              "media types include: application/json-patch+json, "
                              "application/merge-patch+json, application/apply-patch+yaml "
                              "(got \"{}\")",
                              content_type));
    }
    if (t.subresource == "scale") {
      const Object* replicas = k::find_path(next, "spec.replicas");
      if (replicas == nullptr || !replicas->is_number_integer()) {
        return invalid(
            *t.resource, t.name,
            {{"FieldValueInvalid", "spec.replicas", "Invalid value: must be an integer"}});
      }
      Object scaled = *old;
      set_dotted(scaled, t.resource->scale->spec_replicas, *replicas);
      next = std::move(scaled);
    }
    auto result = s_.commit(t, old, std::move(next), ctx, std::nullopt, scope);
    return finish(req, *t.resource, std::move(result), ctx, t);
  }

  Outcome<Object> apply(const http::Request& req, const Target& t, WriteContext& ctx,
                        FieldScope scope, bool& created) {
    if (!req.query_value("fieldManager") || req.query_value("fieldManager")->empty()) {
      return bad_request("PATCH with application/apply-patch+yaml requires a fieldManager");
    }
    if (t.subresource == "scale") return bad_request("apply to /scale is not supported here");
    auto body = parse_body(req);
    if (!body) return tl::unexpected(body.error());
    if (!body->is_object() || body->value("apiVersion", "").empty() ||
        body->value("kind", "").empty()) {
      return bad_request("an apply configuration needs apiVersion and kind");
    }
    bool force = req.query_value("force").value_or("") == "true";
    std::lock_guard lock(s_.mu);
    auto old = s_.find(*t.resource, t.ns, t.name);
    if (!old && scope == FieldScope::kStatus) return not_found(*t.resource, t.name);
    auto entries = old ? decode_managed_fields(*old) : std::vector<ManagedEntry>{};
    ManagedEntry applier{ctx.manager,
                         "Apply",
                         t.resource->api_version(),
                         now_time(),
                         scope == FieldScope::kStatus ? "status" : "",
                         {}};
    Object config = std::move(*body);
    config["metadata"]["name"] = t.name;
    auto outcome =
        apply_configuration(entries, old ? *old : Object(), config, applier, force, scope);
    if (!outcome.conflicts.empty()) {
      std::vector<StatusCause> causes;
      std::vector<std::string> lines;
      for (const auto& c : outcome.conflicts) {
        std::string message = fmt::format("conflict with \"{}\" using {}: {}", c.manager,
                                          t.resource->api_version(), c.path);
        causes.push_back({"FieldManagerConflict", c.path, message});
        lines.push_back(message);
      }
      std::string message = fmt::format("Apply failed with {} conflict{}: {}", causes.size(),
                                        causes.size() == 1 ? "" : "s", fmt::join(lines, "\n"));
      return fail(409, "Conflict", std::move(message), std::move(causes));
    }
    Object next = std::move(outcome.object);
    next["apiVersion"] = config["apiVersion"];
    next["kind"] = config["kind"];
    next["metadata"]["name"] = t.name;
    next["metadata"]["managedFields"] = encode_managed_fields(entries);
    created = !old;
    Target target = t;
    auto result = s_.commit(target, old, std::move(next), ctx, entries, scope);
    return finish(req, *t.resource, std::move(result), ctx, t);
  }

  Outcome<Object> remove(const http::Request& req, const Target& t) {
    if (!t.subresource.empty()) return bad_request("cannot delete a subresource");
    Object options = Object::object();
    if (!req.body.empty()) {
      options = Object::parse(req.body, nullptr, false);
      if (options.is_discarded()) return bad_request("DeleteOptions are not valid JSON");
    }
    std::string policy(req.query_value("propagationPolicy").value_or(""));
    if (options.is_object() && options.contains("propagationPolicy")) {
      policy = options["propagationPolicy"].get<std::string>();
    }
    if (policy.empty()) policy = "Background";
    if (policy != "Background" && policy != "Foreground" && policy != "Orphan") {
      return bad_request(fmt::format("unknown propagationPolicy \"{}\"", policy));
    }
    std::lock_guard lock(s_.mu);
    auto old = s_.find(*t.resource, t.ns, t.name);
    if (!old) return not_found(*t.resource, t.name);
    if (const Object* uid = k::find_path(options, "preconditions.uid");
        uid && uid->is_string() && uid->get<std::string>() != k::uid_of(*old)) {
      return fail(
          409, "Conflict",
          fmt::format("Precondition failed: UID in precondition: {}, UID in object meta: {}",
                      uid->get<std::string>(), k::uid_of(*old)));
    }
    if (const Object* rv = k::find_path(options, "preconditions.resourceVersion");
        rv && rv->is_string() && rv->get<std::string>() != k::resource_version_of(*old)) {
      return fail(409, "Conflict",
                  fmt::format("Precondition failed: ResourceVersion in precondition: {}, "
                              "ResourceVersion in object meta: {}",
                              rv->get<std::string>(), k::resource_version_of(*old)));
    }
    s_.begin_delete(*t.resource, old, policy);
    s_.collect_garbage();
    auto now = s_.find(*t.resource, t.ns, t.name);
    if (now) return with_version(*t.resource, *now);
    ApiStatus ok{200, "", "", {}};
    Object status = ok.to_json();
    status["details"] = {{"name", t.name},
                         {"group", t.resource->group},
                         {"kind", t.resource->plural},
                         {"uid", k::uid_of(*old)}};
    return status;
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------

FakeApiServer::FakeApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FakeApiServer::~FakeApiServer() { stop(); }

Result<std::unique_ptr<FakeApiServer>> FakeApiServer::start(FakeApiServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  for (const auto& gvr : impl->options.unserved) {
    auto first = gvr.find('/'), second = gvr.rfind('/');
    if (first == std::string::npos || second == first) continue;
    impl->registry.remove_builtin(gvr.substr(0, first), gvr.substr(first + 1, second - first - 1),
                                  gvr.substr(second + 1));
  }
  // The namespaces every cluster has.
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    Object obj = {
        {"apiVersion", "v1"},
        {"kind", "Namespace"},
        {"metadata",
         {{"name", ns}, {"uid", new_uid()}, {"creationTimestamp", now_time()}, {"generation", 1}}},
        {"spec", {{"finalizers", {"kubernetes"}}}},
        {"status", {{"phase", "Active"}}}};
    impl->put(*impl->registry.find("", "v1", "namespaces"), std::move(obj), nullptr);
  }
  auto handlers = std::make_shared<Handlers>(*impl);
  http::Router router;
  router.set_fallback([handlers](const http::Request& req, http::ResponseStream& stream) {
    handlers->dispatch(req, stream);
  });
  http::ServerOptions server_options;
  server_options.address = impl->options.address;
  server_options.port = impl->options.port;
  server_options.tls = impl->options.tls;
  server_options.name = "kube-apiserver-fake";
  server_options.idle_timeout = std::chrono::milliseconds(120'000);
  KC_ASSIGN_OR_RETURN(impl->server, http::Server::start(server_options, std::move(router)));
  return std::make_unique<FakeApiServer>(std::move(impl));
}

uint16_t FakeApiServer::port() const { return impl_->server->port(); }

std::string FakeApiServer::url() const {
  return fmt::format("{}://{}:{}", impl_->options.tls ? "https" : "http", impl_->options.address,
                     port());
}

std::string FakeApiServer::kubeconfig(const std::string& ca_pem) const {
  std::string cluster = fmt::format("    server: {}\n", url());
  if (!ca_pem.empty()) {
    cluster += fmt::format("    certificate-authority-data: {}\n", base64::encode(ca_pem));
  }
  std::string user = impl_->options.bearer_token.empty()
                         ? "  user: {}\n"
                         : fmt::format("  user:\n    token: {}\n", impl_->options.bearer_token);
  return fmt::format(
      "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster:\n"
      "{}contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n"
      "    namespace: default\nusers:\n- name: fake\n{}",
      cluster, user);
}

void FakeApiServer::stop() {
  if (impl_ && impl_->server) impl_->server->stop();
}

std::optional<Object> FakeApiServer::get(const std::string& api_version, const std::string& plural,
                                         const std::string& ns, const std::string& name) const {
  auto slash = api_version.find('/');
  std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  auto r = impl_->registry.find(group, version, plural);
  if (!r) return std::nullopt;
  std::lock_guard lock(impl_->mu);
  auto obj = impl_->find(*r, ns, name);
  if (!obj) return std::nullopt;
  return *obj;
}

int64_t FakeApiServer::resource_version() const {
  std::lock_guard lock(impl_->mu);
  return impl_->rv;
}

void FakeApiServer::drop_watches() {
  std::lock_guard lock(impl_->mu);
  ++impl_->drop_epoch;
  impl_->changed.notify_all();
}

void FakeApiServer::expire_watches() {
  std::lock_guard lock(impl_->mu);
  ++impl_->expire_epoch;
  impl_->changed.notify_all();
}

void FakeApiServer::compact() {
  std::lock_guard lock(impl_->mu);
  impl_->history.clear();
  impl_->history_floor = impl_->rv;
  impl_->changed.notify_all();
}

void FakeApiServer::inject(FaultRule rule) {
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(rule));
}

void FakeApiServer::clear_faults() {
  std::lock_guard lock(impl_->mu);
  impl_->faults.clear();
  impl_->latency = std::chrono::milliseconds(0);
}

void FakeApiServer::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(impl_->mu);
  impl_->latency = latency;
}

size_t FakeApiServer::open_watches() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open_watches;
}

uint64_t FakeApiServer::watch_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->watch_requests;
}

std::vector<std::string> FakeApiServer::request_log() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

}  // namespace kc::fakes::kube
