#include "tests/fakes/kube_apiserver/discovery.h"

#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "libs/kube/core/time.h"

namespace kc::fakes::kube {
namespace {

std::vector<std::string> verbs_for(const ApiResource&) {
  return {"create", "delete", "get", "list", "patch", "update", "watch"};
}

std::string reverse_group(const std::string& group) {
  // "kconnect.dev" -> "dev.kconnect" (OpenAPI definition names, like the real server's).
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto dot = group.find('.', start);
    parts.push_back(group.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : ".") + *it;
  return out;
}

Object gvk(const ApiResource& r) {
  return {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
}

Object patch_operation(const ApiResource& r) {
  Object params = Object::array();
  for (const char* name : {"dryRun", "fieldManager", "fieldValidation", "force"}) {
    params.push_back({{"name", name}, {"in", "query"}, {"schema", {{"type", "string"}}}});
  }
  return {{"operationId", "patch" + r.kind},
          {"parameters", params},
          {"x-kubernetes-action", "patch"},
          {"x-kubernetes-group-version-kind", gvk(r)},
          {"responses", {{"200", {{"description", "OK"}}}}}};
}

}  // namespace

Object version_info() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-kconnect-fake"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

Object core_api_versions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

Object api_group_list(const std::vector<ApiResourcePtr>& resources) {
  std::map<std::string, std::vector<std::string>> versions;
  std::map<std::string, std::string> preferred;
  for (const auto& r : resources) {
    if (r->group.empty()) continue;
    auto& list = versions[r->group];
    if (std::find(list.begin(), list.end(), r->version) == list.end()) list.push_back(r->version);
    if (r->storage_version || !preferred.count(r->group)) preferred[r->group] = r->version;
  }
  Object groups = Object::array();
  for (const auto& [group, list] : versions) {
    Object vs = Object::array();
    for (const auto& v : list) {
      std::string group_version = group;
      group_version += "/";
      group_version += v;
      vs.push_back({{"groupVersion", group_version}, {"version", v}});
    }
    groups.push_back(
        {{"name", group},
         {"versions", vs},
         {"preferredVersion",
          {{"groupVersion", group + "/" + preferred[group]}, {"version", preferred[group]}}}});
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

Object api_resource_list(const std::vector<ApiResourcePtr>& resources, const std::string& group,
                         const std::string& version) {
  Object list = Object::array();
  for (const auto& r : resources) {
    if (r->group != group || r->version != version) continue;
    Object entry = {{"name", r->plural},
                    {"singularName", r->singular},
                    {"namespaced", r->namespaced},
                    {"kind", r->kind},
                    {"verbs", verbs_for(*r)}};
    if (!r->short_names.empty()) entry["shortNames"] = r->short_names;
    if (!r->categories.empty()) entry["categories"] = r->categories;
    list.push_back(entry);
    if (r->has_status) {
      list.push_back({{"name", r->plural + "/status"},
                      {"singularName", ""},
                      {"namespaced", r->namespaced},
                      {"kind", r->kind},
                      {"verbs", {"get", "patch", "update"}}});
    }
    if (r->scale) {
      list.push_back({{"name", r->plural + "/scale"},
                      {"singularName", ""},
                      {"namespaced", r->namespaced},
                      {"group", "autoscaling"},
                      {"version", "v1"},
                      {"kind", "Scale"},
                      {"verbs", {"get", "patch", "update"}}});
    }
  }
  if (list.empty()) return Object::object();
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", list}};
}

Object openapi_v3_root(const std::vector<ApiResourcePtr>& resources) {
  Object paths = Object::object();
  std::set<std::string> seen;
  for (const auto& r : resources) {
    std::string key =
        r->group.empty() ? "api/" + r->version : "apis/" + r->group + "/" + r->version;
    if (!seen.insert(key).second) continue;
    std::string doc = openapi_v3_document(resources, key).dump();
    auto hash = std::hash<std::string>{}(doc);
    paths[key] = {{"serverRelativeURL", fmt::format("/openapi/v3/{}?hash={:016X}", key, hash)}};
  }
  return {{"paths", paths}};
}

Object openapi_v3_document(const std::vector<ApiResourcePtr>& resources,
                           const std::string& group_version_path) {
  Object paths = Object::object();
  Object schemas = Object::object();
  for (const auto& r : resources) {
    std::string key =
        r->group.empty() ? "api/" + r->version : "apis/" + r->group + "/" + r->version;
    if (key != group_version_path) continue;
    std::string prefix = "/" + key + (r->namespaced ? "/namespaces/{namespace}/" : "/") + r->plural;
    Object post = {{"operationId", "create" + r->kind},
                   {"x-kubernetes-action", "post"},
                   {"x-kubernetes-group-version-kind", gvk(*r)},
                   {"parameters", patch_operation(*r)["parameters"]},
                   {"responses", {{"201", {{"description", "Created"}}}}}};
    paths[prefix] = {{"post", post}};
    paths[prefix + "/{name}"] = {{"patch", patch_operation(*r)}};
    std::string definition =
        (r->group.empty() ? std::string("io.k8s.api.core") : reverse_group(r->group)) + "." +
        r->version + "." + r->kind;
    Object schema =
        r->schema.is_object() && !r->schema.empty()
            ? r->schema
            : Object{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
    schema["x-kubernetes-group-version-kind"] = Object::array({gvk(*r)});
    schemas[definition] = schema;
  }
  if (paths.empty()) return Object::object();
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

std::vector<Object> eval_json_path(const Object& object, const std::string& path) {
  std::vector<Object> current = {object};
  size_t i = 0;
  if (!path.empty() && path[0] == '{') i = 1;  // tolerate "{.a.b}"
  while (i < path.size() && path[i] != '}') {
    std::vector<Object> next;
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[}", i + 1);
      std::string key =
          path.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      for (const auto& v : current) {
        if (v.is_object() && v.contains(key)) next.push_back(v[key]);
      }
      i = end == std::string::npos ? path.size() : end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string::npos) return {};
      std::string inner = path.substr(i + 1, end - i - 1);
      i = end + 1;
      for (const auto& v : current) {
        if (!v.is_array()) continue;
        if (inner == "*") {
          for (const auto& item : v) next.push_back(item);
        } else if (inner.rfind("?(@.", 0) == 0) {
          auto eq = inner.find("==");
          if (eq == std::string::npos) continue;
          std::string field = inner.substr(4, eq - 4);
          std::string want = inner.substr(eq + 2);
          if (!want.empty() && want.back() == ')') want.pop_back();
          if (want.size() >= 2 && (want[0] == '"' || want[0] == '\'')) {
            want = want.substr(1, want.size() - 2);
          }
          for (const auto& item : v) {
            if (item.is_object() && item.contains(field) &&
                (item[field].is_string() ? item[field].get<std::string>() : item[field].dump()) ==
                    want) {
              next.push_back(item);
            }
          }
        } else {
          try {
            size_t n = std::stoul(inner);
            if (n < v.size()) next.push_back(v[n]);
          } catch (const std::exception&) {
          }
        }
      }
    } else {
      return {};
    }
    current = std::move(next);
  }
  return current;
}

namespace {

Object cell(const PrinterColumn& column, const Object& object, kc::kube::WallTime now) {
  auto values = eval_json_path(object, column.json_path);
  if (values.empty() || values[0].is_null()) return nullptr;
  const Object& v = values[0];
  if (column.type == "date" && v.is_string()) {
    auto t = kc::kube::parse_time(v.get<std::string>());
    if (!t) return "<invalid>";
    return kc::kube::format_age(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
  }
  if (v.is_string() || v.is_number() || v.is_boolean()) return v;
  return v.dump();
}

Object partial_metadata(const Object& object) {
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", object.value("metadata", Object::object())}};
}

}  // namespace

Object to_table(const ApiResource& resource, const std::vector<kc::kube::ObjectPtr>& objects,
                bool include_object, const std::string& resource_version,
                const std::string& continue_token) {
  std::vector<PrinterColumn> columns = resource.columns;
  if (columns.empty()) {
    if (resource.kind == "Namespace") {
      columns.push_back({"Status", "string", "", "The phase of the namespace", ".status.phase", 0});
    }
    columns.push_back({"Age", "date", "", "Time since creation", ".metadata.creationTimestamp", 0});
  }
  Object definitions = Object::array();
  definitions.push_back({{"name", "Name"},
                         {"type", "string"},
                         {"format", "name"},
                         {"description", "Name of the object"},
                         {"priority", 0}});
  for (const auto& c : columns) {
    definitions.push_back({{"name", c.name},
                           {"type", c.type},
                           {"format", c.format},
                           {"description", c.description},
                           {"priority", c.priority}});
  }
  auto now = std::chrono::system_clock::now();
  Object rows = Object::array();
  for (const auto& object : objects) {
    Object cells = Object::array({kc::kube::name_of(*object)});
    for (const auto& c : columns) cells.push_back(cell(c, *object, now));
    rows.push_back(
        {{"cells", cells}, {"object", include_object ? *object : partial_metadata(*object)}});
  }
  Object metadata = {{"resourceVersion", resource_version}};
  if (!continue_token.empty()) metadata["continue"] = continue_token;
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", metadata},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

}  // namespace kc::fakes::kube
