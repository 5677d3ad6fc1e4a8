#pragma once

// Registered schemas by id, shared by every converter of the process (so by the tasks of a
// worker) that reaches the same registry the same way.
//
// Guarantees
//  - Bounded: at most `capacity` schemas; the least recently used goes first.
//  - Single flight: an id is fetched once even when many tasks ask for it at the same moment;
//    the others wait for that fetch and share its result (or its error).
//  - Failures are not cached: the next request for the id asks the registry again.
// Caveats
//  - A schema id never changes its schema in a registry, so entries never go stale.
// Threading: every method may be called from any thread.

#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "runtime/converters/schema_registry/registry_client.h"

namespace kc::schema_registry {

class SchemaCache {
 public:
  SchemaCache(std::unique_ptr<RegistryClient> client, size_t capacity);

  Result<std::shared_ptr<const RegisteredSchema>> get(int32_t id);

  const RegistryClient& client() const { return *client_; }
  uint64_t fetches() const;  // registry round trips started (for tests and metrics)
  size_t size() const;

 private:
  struct Flight;
  void insert_locked(int32_t id, std::shared_ptr<const RegisteredSchema> schema);

  std::unique_ptr<RegistryClient> client_;
  size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::list<int32_t> order_;  // most recently used first
  struct Entry {
    std::shared_ptr<const RegisteredSchema> schema;
    std::list<int32_t>::iterator position;
  };
  std::unordered_map<int32_t, Entry> entries_;
  std::unordered_map<int32_t, std::shared_ptr<Flight>> in_flight_;
  uint64_t fetches_ = 0;
};

// The process-wide cache for a registry (ClientSettings::identity()), made on first use and
// released with its last user. `capacity` of the first user wins.
Result<std::shared_ptr<SchemaCache>> shared_schema_cache(const ClientSettings& settings,
                                                         size_t capacity);

}  // namespace kc::schema_registry
