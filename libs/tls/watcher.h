#pragma once

// MaterialWatcher: notices when the certificate, key or CA files of one connector change, checks
// the new set as a whole, and says so — once per change.
//
//   auto watcher = MaterialWatcher::start(source, {.connector = "orders"}, [&](const auto& event) {
//     if (event.kind == MaterialWatcher::EventKind::kNewMaterial) queue.push(rollover);  // hand
//     off
//   });
//
// How it notices: inotify on the directory of every file and on the directory of the file's
// resolved path, so an in-place rewrite, a rename over the file, and a Kubernetes Secret or
// ConfigMap volume update (the kubelet writes a new timestamped directory and renames the
// `..data` symlink over the old one) all wake it. Events are debounced (`debounce` of quiet after
// the last one) so a burst of writes is checked once. Independently, every `poll_interval` it
// re-reads the files, which covers what inotify cannot see (network file systems, inotify limits,
// a mount that hides the change) and re-checks validity against the clock.
//
// How it decides: it reads every input and hashes the set (tls::read_inputs). The same digest as
// the material in use means nothing happened (a no-op rewrite never calls back). A new digest is
// loaded and validated as a whole (tls::validate); valid material becomes current and is delivered
// as kNewMaterial, invalid material is reported once as kInvalidMaterial with the reason and the
// current material stays. When the files return to the material in use after an invalid report,
// kRestored says the problem is gone.
//
// Guarantees:
//   - kNewMaterial is delivered only for material that loaded and validated, exactly once per
//     distinct content; current() then returns it.
//   - An invalid state is reported once per distinct (content, reason), not at every poll.
//   - The expiry gauge (probe.h) always describes current(); kExpiringSoon is delivered once per
//     input and notAfter when that falls within `expiry_warning`, and logged as a warning.
// Caveats:
//   - The watcher does not know whether the consumer adopted the material: current() advances when
//     kNewMaterial is delivered. If the rollover fails, the owner retries with current(); the
//     watcher will not deliver the same content again.
//   - Files read one after another are not an atomic snapshot: a writer that replaces the
//     certificate and the key in two steps may be seen half-way, reported as invalid (key does not
//     match), and then as new material once the second write lands. Kubernetes volumes swap
//     everything at once and are not affected.
//   - A client built from file paths (librdkafka reads ssl.*.location itself) may read newer
//     files than the watcher validated; the watcher then reports that content as new material
//     once more. Harmless: one extra rollover.
//
// Threading: the watcher runs its own thread; the callback runs on it and must return quickly
// (hand the event to the task's queue). Public methods are thread-safe, except that the
// destructor must not run on the watcher's thread (i.e. not from the callback).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/metrics/registry.h"
#include "libs/tls/expiry.h"
#include "libs/tls/material.h"
#include "libs/tls/validate.h"

namespace kc::tls {

class MaterialWatcher {
  struct Private {};

 public:
  struct Options {
    std::string connector;  // metric label and log field
    std::chrono::milliseconds debounce{200};
    std::chrono::milliseconds poll_interval{10000};
    bool use_inotify = true;  // false: polling only
    std::chrono::seconds expiry_warning = kDefaultExpiryWarning;
    bool require_chain_to_trusted = false;                       // see validate.h
    std::function<SystemTime()> clock;                           // default: the system clock
    metrics::Registry* registry = &metrics::default_registry();  // nullptr: no expiry metric
  };

  enum class EventKind {
    kNewMaterial,      // `material` is valid and now current()
    kInvalidMaterial,  // the files changed to something unusable: `reason`; current() is unchanged
    kRestored,         // after kInvalidMaterial: the files hold current() again
    kExpiringSoon,     // `reason`: which certificate expires when
  };
  struct Event {
    EventKind kind;
    std::shared_ptr<const Material> material;  // kNewMaterial
    std::string reason;                        // kInvalidMaterial, kExpiringSoon
    std::vector<std::string> warnings;         // kNewMaterial: validation warnings
    // When the change was first noticed (the first file event of the burst, or the poll that
    // found it); for measuring how long a rollover takes from there.
    std::chrono::steady_clock::time_point noticed;
  };
  using Callback = std::function<void(const Event&)>;

  // Loads and validates the initial material (an error if it is unusable: the task should not
  // start with it either) and starts watching. Inotify trouble is not an error: the watcher polls.
  static Result<std::unique_ptr<MaterialWatcher>> start(MaterialSource source, Options options,
                                                        Callback callback);
  ~MaterialWatcher();
  MaterialWatcher(const MaterialWatcher&) = delete;
  MaterialWatcher& operator=(const MaterialWatcher&) = delete;

  std::shared_ptr<const Material> current() const;
  // Certificates of current() within `expiry_warning` of their notAfter.
  std::vector<ExpiryWarning> expiring_soon() const;
  // Re-reads the files now instead of waiting for an event or the next poll.
  void check_now();

  // For tests and diagnostics.
  bool inotify_active() const;
  uint64_t checks() const;  // how many times the files were read since start

  class Impl;
  MaterialWatcher(Private, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kc::tls
