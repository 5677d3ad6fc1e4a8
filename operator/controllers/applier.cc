#include "operator/controllers/applier.h"

#include <fmt/format.h>

namespace kc::operator_controllers {
namespace {

std::string memo_key(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                     const char* what) {
  return fmt::format("{}\x1f{}\x1f{}\x1f{}", ns, name, type.group_resource(), what);
}

}  // namespace

bool Applier::fresh(const std::string& key, const std::string& content,
                    const kube::ObjectPtr& cached) {
  std::lock_guard lock(mu_);
  auto it = memo_.find(key);
  bool skip = false;
  if (it != memo_.end() && it->second.content == content) {
    std::string rv = cached ? kube::resource_version_of(*cached) : "";
    skip = rv == it->second.rv_after || rv == it->second.rv_before;
  }
  (skip ? skipped_ : writes_) += 1;
  return skip;
}

void Applier::remember(const std::string& key, std::string content, std::string rv_before,
                       std::string rv_after) {
  std::lock_guard lock(mu_);
  memo_[key] = Memo{std::move(content), std::move(rv_before), std::move(rv_after)};
}

Result<bool> Applier::apply(const kube::ResourceType& type, const kube::Object& desired,
                            const kube::ObjectPtr& cached, bool force) {
  std::string ns = kube::namespace_of(desired), name = kube::name_of(desired);
  std::string key = memo_key(type, ns, name, "apply");
  std::string content = desired.dump();
  if (fresh(key, content, cached)) return false;
  auto applied = client_.apply(type, desired, {.force = force});
  if (!applied) {
    std::lock_guard lock(mu_);
    memo_.erase(key);
    return tl::unexpected(applied.error());
  }
  remember(key, std::move(content), cached ? kube::resource_version_of(*cached) : "",
           kube::resource_version_of(*applied));
  return true;
}

Result<bool> Applier::write_status(const kube::ResourceType& type, const kube::Object& cached,
                                   const kube::Object& status) {
  const kube::Object old = cached.value("status", kube::Object::object());
  if (old == status) return false;
  std::string ns = kube::namespace_of(cached), name = kube::name_of(cached);
  std::string key = memo_key(type, ns, name, "status");
  std::string content = status.dump();
  auto ptr = std::make_shared<const kube::Object>(cached);
  if (fresh(key, content, ptr)) return false;
  kube::Object patch = status;
  for (const auto& [k, v] : old.items()) {
    if (!patch.contains(k)) patch[k] = nullptr;
  }
  auto patched = client_.merge_patch(type, ns, name, {{"status", patch}}, "status");
  if (!patched) {
    std::lock_guard lock(mu_);
    memo_.erase(key);
    return tl::unexpected(patched.error());
  }
  remember(key, std::move(content), kube::resource_version_of(cached),
           kube::resource_version_of(*patched));
  return true;
}

Status Applier::remove(const kube::ResourceType& type, const std::string& ns,
                       const std::string& name) {
  {
    std::lock_guard lock(mu_);
    memo_.erase(memo_key(type, ns, name, "apply"));
  }
  auto removed = client_.remove(type, ns, name);
  if (!removed && removed.error().code() != Errc::kNotFound) {
    return tl::unexpected(removed.error());
  }
  return ok();
}

void Applier::forget(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mu_);
  std::string prefix = fmt::format("{}\x1f{}\x1f", ns, name);
  for (auto it = memo_.lower_bound(prefix); it != memo_.end() && it->first.rfind(prefix, 0) == 0;) {
    it = memo_.erase(it);
  }
}

uint64_t Applier::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

uint64_t Applier::skipped() const {
  std::lock_guard lock(mu_);
  return skipped_;
}

}  // namespace kc::operator_controllers
