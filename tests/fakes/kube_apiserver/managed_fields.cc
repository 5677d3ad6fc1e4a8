#include "tests/fakes/kube_apiserver/managed_fields.h"

#include <algorithm>

namespace kc::fakes::kube {
namespace {

bool system_metadata(const std::string& key) {
  static const std::set<std::string> kSystem = {"name",
                                                "namespace",
                                                "uid",
                                                "resourceVersion",
                                                "generation",
                                                "creationTimestamp",
                                                "deletionTimestamp",
                                                "deletionGracePeriodSeconds",
                                                "managedFields",
                                                "selfLink",
                                                "generateName"};
  return kSystem.count(key) > 0;
}

void collect(const Object& value, FieldPath& path, FieldSet& out) {
  if (value.is_object() && !value.empty()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      path.push_back(it.key());
      collect(it.value(), path, out);
      path.pop_back();
    }
  } else {
    out.insert(path);
  }
}

const Object* at_path(const Object& object, const FieldPath& path) {
  const Object* at = &object;
  for (const auto& key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

void set_path(Object& object, const FieldPath& path, const Object& value) {
  Object* at = &object;
  for (const auto& key : path) {
    if (!at->is_object()) *at = Object::object();
    at = &(*at)[key];
  }
  *at = value;
}

void erase_path(Object& object, const FieldPath& path) {
  if (path.empty()) return;
  Object* at = &object;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (!at->is_object() || !at->contains(path[i])) return;
    at = &(*at)[path[i]];
  }
  if (at->is_object()) at->erase(path.back());
}

bool overlaps(const FieldPath& a, const FieldPath& b) {
  size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
}

void encode_into(Object& node, const FieldPath& path, size_t i) {
  if (i == path.size()) return;
  Object& next = node["f:" + path[i]];
  if (next.is_null()) next = Object::object();
  encode_into(next, path, i + 1);
}

void decode_from(const Object& node, FieldPath& path, FieldSet& out) {
  bool leaf = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key().rfind("f:", 0) != 0) continue;
    leaf = false;
    path.push_back(it.key().substr(2));
    decode_from(it.value(), path, out);
    path.pop_back();
  }
  if (leaf && !path.empty()) out.insert(path);
}

bool same_slot(const ManagedEntry& a, const ManagedEntry& b) {
  return a.manager == b.manager && a.operation == b.operation && a.subresource == b.subresource;
}

ManagedEntry& entry_for(std::vector<ManagedEntry>& entries, const ManagedEntry& writer) {
  for (auto& e : entries) {
    if (same_slot(e, writer)) {
      e.time = writer.time;
      e.api_version = writer.api_version;
      return e;
    }
  }
  ManagedEntry fresh = writer;
  fresh.fields.clear();
  entries.push_back(std::move(fresh));
  return entries.back();
}

void drop_empty(std::vector<ManagedEntry>& entries) {
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [](const ManagedEntry& e) { return e.fields.empty(); }),
                entries.end());
}

}  // namespace

FieldSet leaf_fields(const Object& object, FieldScope scope) {
  FieldSet out;
  if (!object.is_object()) return out;
  FieldPath path;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (key == "apiVersion" || key == "kind") continue;
    if ((key == "status") != (scope == FieldScope::kStatus)) continue;
    if (key == "metadata") {
      if (scope == FieldScope::kStatus || !it.value().is_object()) continue;
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (system_metadata(m.key())) continue;
        path = {"metadata", m.key()};
        collect(m.value(), path, out);
      }
      continue;
    }
    path = {key};
    collect(it.value(), path, out);
  }
  return out;
}

std::string format_field_path(const FieldPath& path) {
  std::string out;
  for (const auto& p : path) out += "." + p;
  return out;
}

std::vector<ManagedEntry> decode_managed_fields(const Object& object) {
  std::vector<ManagedEntry> entries;
  const Object* list = kc::kube::find_path(object, "metadata.managedFields");
  if (list == nullptr || !list->is_array()) return entries;
  for (const auto& e : *list) {
    ManagedEntry entry{e.value("manager", ""),     e.value("operation", ""),
                       e.value("apiVersion", ""),  e.value("time", ""),
                       e.value("subresource", ""), {}};
    if (e.contains("fieldsV1") && e["fieldsV1"].is_object()) {
      FieldPath path;
      decode_from(e["fieldsV1"], path, entry.fields);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

Object encode_managed_fields(const std::vector<ManagedEntry>& entries) {
  Object list = Object::array();
  for (const auto& e : entries) {
    Object fields = Object::object();
    for (const auto& path : e.fields) encode_into(fields, path, 0);
    Object entry = {{"manager", e.manager},        {"operation", e.operation},
                    {"apiVersion", e.api_version}, {"time", e.time},
                    {"fieldsType", "FieldsV1"},    {"fieldsV1", fields}};
    if (!e.subresource.empty()) entry["subresource"] = e.subresource;
    list.push_back(std::move(entry));
  }
  return list;
}

void record_update(std::vector<ManagedEntry>& entries, const Object& before, const Object& after,
                   const ManagedEntry& writer, FieldScope scope) {
  FieldSet now = leaf_fields(after, scope);
  FieldSet changed;
  for (const auto& path : now) {
    const Object* old = before.is_null() ? nullptr : at_path(before, path);
    const Object* cur = at_path(after, path);
    if (old == nullptr || cur == nullptr || *old != *cur) changed.insert(path);
  }
  for (auto& e : entries) {
    // Fields that are gone (or are no longer leaves) are owned by nobody; changed ones move.
    for (auto it = e.fields.begin(); it != e.fields.end();) {
      bool in_scope = (scope == FieldScope::kStatus) == (!it->empty() && (*it)[0] == "status");
      if (in_scope && (now.count(*it) == 0 || changed.count(*it) > 0)) {
        it = e.fields.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (!changed.empty()) {
    auto& mine = entry_for(entries, writer);
    mine.fields.insert(changed.begin(), changed.end());
  }
  drop_empty(entries);
}

ApplyOutcome apply_configuration(std::vector<ManagedEntry>& entries, const Object& live,
                                 const Object& config, const ManagedEntry& applier, bool force,
                                 FieldScope scope) {
  ApplyOutcome out;
  FieldSet applied = leaf_fields(config, scope);
  Object base = live.is_null() ? Object::object() : live;

  // Conflicts: a leaf another manager owns, whose live value differs from the applied one.
  std::vector<std::pair<ManagedEntry*, FieldPath>> taken;
  for (auto& e : entries) {
    if (same_slot(e, applier)) continue;
    for (const auto& owned : e.fields) {
      for (const auto& path : applied) {
        if (!overlaps(owned, path)) continue;
        const Object* current = at_path(base, path);
        const Object* wanted = at_path(config, path);
        if (current == nullptr) continue;
        if (wanted != nullptr && *current == *wanted && owned == path) {
          continue;  // same value: shared ownership
        }
        out.conflicts.push_back({e.manager, format_field_path(owned)});
        taken.emplace_back(&e, owned);
        break;
      }
    }
  }
  if (!out.conflicts.empty() && !force) return out;
  out.conflicts.clear();
  for (auto& [entry, path] : taken) entry->fields.erase(path);

  ManagedEntry* previous = nullptr;
  for (auto& e : entries) {
    if (same_slot(e, applier)) previous = &e;
  }
  FieldSet released;
  if (previous != nullptr) {
    for (const auto& path : previous->fields) {
      if (applied.count(path) == 0) released.insert(path);
    }
  }
  for (const auto& path : applied) set_path(base, path, *at_path(config, path));
  for (const auto& path : released) {
    bool owned_elsewhere = std::any_of(entries.begin(), entries.end(), [&](const ManagedEntry& e) {
      return !same_slot(e, applier) && e.fields.count(path) > 0;
    });
    if (!owned_elsewhere) erase_path(base, path);
  }
  auto& mine = entry_for(entries, applier);
  mine.fields = applied;
  drop_empty(entries);
  out.object = std::move(base);
  return out;
}

}  // namespace kc::fakes::kube
