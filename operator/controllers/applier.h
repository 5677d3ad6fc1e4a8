#pragma once

// Writes desired objects with server-side apply (field manager kconnect-operator) and status with
// a merge patch on /status, skipping writes that cannot change anything: a write is skipped when
// the same desired content was written before and the cached object is still the version seen
// just before or just after that write (the cache has not caught up yet, or nobody changed it
// since). Anything else (someone edited or deleted the object, the desired content changed)
// writes. This keeps a steady-state reconcile at zero API requests.
//
// Threading: thread-safe. Calls block on the API (the client's timeouts apply).

#include <map>
#include <mutex>
#include <string>

#include "libs/base/error.h"
#include "libs/kube/client/client.h"

namespace kc::operator_controllers {

class Applier {
 public:
  // `client` must outlive the Applier.
  explicit Applier(kube::Client& client) : client_(client) {}

  // Server-side apply of `desired` unless skipped (see above); `cached` is the object in the
  // cache (null when absent). Returns true when a request was sent.
  Result<bool> apply(const kube::ResourceType& type, const kube::Object& desired,
                     const kube::ObjectPtr& cached, bool force = true);

  // Replaces the status of `cached` by `status` (keys absent from `status` are removed) unless
  // equal or skipped. Returns true when a request was sent.
  Result<bool> write_status(const kube::ResourceType& type, const kube::Object& cached,
                            const kube::Object& status);

  // Deletes an object (absent is success) and forgets it.
  Status remove(const kube::ResourceType& type, const std::string& ns, const std::string& name);

  // Forgets everything about objects in `ns` named `name` (of any type): after the owner is gone.
  void forget(const std::string& ns, const std::string& name);

  uint64_t writes() const;
  uint64_t skipped() const;

 private:
  struct Memo {
    std::string content;  // what was written
    std::string rv_before;
    std::string rv_after;
  };
  bool fresh(const std::string& key, const std::string& content, const kube::ObjectPtr& cached);
  void remember(const std::string& key, std::string content, std::string rv_before,
                std::string rv_after);

  kube::Client& client_;
  mutable std::mutex mu_;
  std::map<std::string, Memo> memo_;
  uint64_t writes_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace kc::operator_controllers
