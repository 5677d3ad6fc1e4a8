#include "operator/controllers/cache.h"

namespace kc::operator_controllers {

Cache::Cache(kube::Client& client, kube::ResourceType type,
             const std::vector<std::string>& namespaces, kube::runtime::ListWatchOptions options,
             kube::runtime::Watcher::Options watcher_options)
    : type_(std::move(type)) {
  watcher_options.name = type_.group_resource();
  std::vector<std::string> list = type_.namespaced ? namespaces : std::vector<std::string>{};
  if (list.empty()) list.push_back("");
  for (const auto& ns : list) {
    auto o = options;
    o.ns = ns;
    informers_[ns] = std::make_unique<kube::runtime::Informer>(client, type_, o, watcher_options);
  }
}

kube::runtime::Informer* Cache::informer_for(const std::string& ns) const {
  auto it = informers_.find(informers_.count("") ? "" : ns);
  return it == informers_.end() ? nullptr : it->second.get();
}

kube::ObjectPtr Cache::get(const kube::ObjectKey& key) const {
  auto* informer = informer_for(key.ns);
  if (informer == nullptr) return nullptr;
  return informer->store().get(type_.namespaced ? key : kube::ObjectKey{"", key.name});
}

std::vector<kube::ObjectPtr> Cache::list() const {
  std::vector<kube::ObjectPtr> out;
  for (const auto& [ns, informer] : informers_) {
    auto part = informer->store().list();
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::vector<kube::ObjectPtr> Cache::list(const std::string& ns) const {
  auto* informer = informer_for(ns);
  if (informer == nullptr) return {};
  return informer->store().list([&](const kube::Object& o) { return kube::namespace_of(o) == ns; });
}

size_t Cache::size() const {
  size_t n = 0;
  for (const auto& [ns, informer] : informers_) n += informer->store().size();
  return n;
}

bool Cache::ready() const {
  for (const auto& [ns, informer] : informers_) {
    if (!informer->store().ready()) return false;
  }
  return true;
}

void Cache::subscribe(kube::runtime::Store::Listener listener) {
  for (auto& [ns, informer] : informers_) informer->store().subscribe(listener);
}

void Cache::start() {
  for (auto& [ns, informer] : informers_) informer->start();
}

void Cache::stop() {
  for (auto& [ns, informer] : informers_) informer->stop();
}

}  // namespace kc::operator_controllers
