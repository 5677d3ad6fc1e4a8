#include "runtime/converters/schema_registry/schema_cache.h"

#include <optional>

namespace kc::schema_registry {

struct SchemaCache::Flight {
  bool done = false;
  std::optional<Result<std::shared_ptr<const RegisteredSchema>>> result;
};

SchemaCache::SchemaCache(std::unique_ptr<RegistryClient> client, size_t capacity)
    : client_(std::move(client)), capacity_(capacity == 0 ? 1 : capacity) {}

Result<std::shared_ptr<const RegisteredSchema>> SchemaCache::get(int32_t id) {
  std::unique_lock lock(mu_);
  if (auto it = entries_.find(id); it != entries_.end()) {
    order_.splice(order_.begin(), order_, it->second.position);
    return it->second.schema;
  }
  if (auto it = in_flight_.find(id); it != in_flight_.end()) {
    auto flight = it->second;
    done_.wait(lock, [&] { return flight->done; });
    return *flight->result;
  }
  auto flight = std::make_shared<Flight>();
  in_flight_.emplace(id, flight);
  ++fetches_;
  lock.unlock();

  auto fetched = client_->schema_by_id(id);
  Result<std::shared_ptr<const RegisteredSchema>> result =
      fetched ? Result<std::shared_ptr<const RegisteredSchema>>(
                    std::make_shared<const RegisteredSchema>(std::move(*fetched)))
              : tl::unexpected(fetched.error());

  lock.lock();
  if (result) insert_locked(id, *result);
  flight->result = result;
  flight->done = true;
  in_flight_.erase(id);
  lock.unlock();
  done_.notify_all();
  return result;
}

void SchemaCache::insert_locked(int32_t id, std::shared_ptr<const RegisteredSchema> schema) {
  order_.push_front(id);
  entries_[id] = Entry{std::move(schema), order_.begin()};
  while (entries_.size() > capacity_) {
    entries_.erase(order_.back());
    order_.pop_back();
  }
}

uint64_t SchemaCache::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

size_t SchemaCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

Result<std::shared_ptr<SchemaCache>> shared_schema_cache(const ClientSettings& settings,
                                                         size_t capacity) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<SchemaCache>, std::less<>> caches;
  auto identity = settings.identity();
  std::lock_guard lock(mu);
  for (auto it = caches.begin(); it != caches.end();) {
    it = it->second.expired() ? caches.erase(it) : std::next(it);
  }
  if (auto it = caches.find(identity); it != caches.end()) {
    if (auto cache = it->second.lock()) return cache;
  }
  KC_ASSIGN_OR_RETURN(auto client, RegistryClient::create(settings));
  auto cache = std::make_shared<SchemaCache>(std::move(client), capacity);
  caches[identity] = cache;
  return cache;
}

}  // namespace kc::schema_registry
