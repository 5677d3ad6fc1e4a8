#include "libs/kube/core/object.h"

#include <algorithm>

#include "libs/base/strings.h"

namespace kc::kube {
namespace {

std::string string_at(const Object& object, std::string_view field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  auto it = meta->find(field);
  if (it == meta->end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

std::string ObjectKey::str() const { return ns.empty() ? name : ns + "/" + name; }

ObjectKey ObjectKey::parse(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::string name_of(const Object& object) { return string_at(object, "name"); }
std::string namespace_of(const Object& object) { return string_at(object, "namespace"); }
std::string uid_of(const Object& object) { return string_at(object, "uid"); }
std::string resource_version_of(const Object& object) {
  return string_at(object, "resourceVersion");
}

int64_t generation_of(const Object& object) {
  const Object* g = find_path(object, "metadata.generation");
  return g != nullptr && g->is_number_integer() ? g->get<int64_t>() : 0;
}

ObjectKey key_of(const Object& object) { return {namespace_of(object), name_of(object)}; }

std::string label_of(const Object& object, std::string_view label) {
  const Object* labels = find_path(object, "metadata.labels");
  if (labels == nullptr || !labels->is_object()) return {};
  auto it = labels->find(label);
  return it != labels->end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_being_deleted(const Object& object) {
  return !string_at(object, "deletionTimestamp").empty();
}

std::vector<std::string> finalizers_of(const Object& object) {
  std::vector<std::string> out;
  const Object* list = find_path(object, "metadata.finalizers");
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& f : *list) {
    if (f.is_string()) out.push_back(f.get<std::string>());
  }
  return out;
}

bool has_finalizer(const Object& object, std::string_view finalizer) {
  auto all = finalizers_of(object);
  return std::find(all.begin(), all.end(), finalizer) != all.end();
}

const Object* find_path(const Object& object, std::string_view dotted_path) {
  const Object* at = &object;
  for (auto part : strings::split(dotted_path, '.')) {
    if (part.empty()) continue;
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

Object OwnerReference::to_json() const {
  Object ref = {{"apiVersion", api_version}, {"kind", kind}, {"name", name}, {"uid", uid}};
  if (controller) ref["controller"] = true;
  if (block_owner_deletion) ref["blockOwnerDeletion"] = true;
  return ref;
}

OwnerReference OwnerReference::from_json(const Object& ref) {
  OwnerReference out;
  out.api_version = ref.value("apiVersion", "");
  out.kind = ref.value("kind", "");
  out.name = ref.value("name", "");
  out.uid = ref.value("uid", "");
  out.controller = ref.value("controller", false);
  out.block_owner_deletion = ref.value("blockOwnerDeletion", false);
  return out;
}

std::vector<OwnerReference> owner_references_of(const Object& object) {
  std::vector<OwnerReference> out;
  const Object* refs = find_path(object, "metadata.ownerReferences");
  if (refs == nullptr || !refs->is_array()) return out;
  for (const auto& ref : *refs) {
    if (ref.is_object()) out.push_back(OwnerReference::from_json(ref));
  }
  return out;
}

OwnerReference controller_reference(const Object& owner) {
  return {.api_version = owner.value("apiVersion", ""),
          .kind = owner.value("kind", ""),
          .name = name_of(owner),
          .uid = uid_of(owner),
          .controller = true,
          .block_owner_deletion = true};
}

std::optional<OwnerReference> controller_of(const Object& object) {
  for (auto& ref : owner_references_of(object)) {
    if (ref.controller) return ref;
  }
  return std::nullopt;
}

Result<Object> parse_json(std::string_view text) {
  auto parsed = Object::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // Parse again with exceptions only to get the position for the message.
    try {
      auto again = Object::parse(text);
      (void)again;
    } catch (const nlohmann::json::parse_error& e) {
      return make_error(Errc::kProtocol, "malformed JSON: {}", e.what());
    }
    return make_error(Errc::kProtocol, "malformed JSON");
  }
  return parsed;
}

}  // namespace kc::kube
