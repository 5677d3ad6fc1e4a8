#include "libs/tls/watcher.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "libs/base/log.h"
#include "libs/tls/detail/inotify.h"
#include "libs/tls/probe.h"

namespace kc::tls {
namespace {

using SteadyClock = std::chrono::steady_clock;

log::Logger& logger() {
  static auto& log = log::get("kc.tls.watcher");
  return log;
}

// A burst of events that never goes quiet is still checked after this many debounce periods.
constexpr int kMaxDebouncePeriods = 10;

}  // namespace

class MaterialWatcher::Impl {
 public:
  Impl(MaterialSource source, Options options, Callback callback)
      : source_(std::move(source)), options_(std::move(options)), callback_(std::move(callback)) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
    if (options_.registry) {
      probe_ = std::make_unique<ExpiryProbe>(*options_.registry, options_.connector);
    }
  }

  ~Impl() {
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
    if (wake_fd_ >= 0) ::close(wake_fd_);
  }

  Status start() {
    KC_ASSIGN_OR_RETURN(auto snapshot, read_inputs(source_));
    KC_ASSIGN_OR_RETURN(auto material, load_material(source_, snapshot));
    KC_ASSIGN_OR_RETURN(auto report, validate(*material, validation_options()));
    for (const auto& w : report.warnings) {
      logger().warn("TLS material", {{"connector", options_.connector}, {"warning", w}});
    }
    adopt(std::move(material));
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return make_error(Errc::kIo, "eventfd failed");
    if (options_.use_inotify) {
      auto events = detail::DirectoryEvents::open();
      if (events) {
        events_.emplace(std::move(*events));
      } else {
        logger().warn("inotify unavailable, polling only",
                      {{"connector", options_.connector}, {"error", events.error().message()}});
      }
    }
    sync_watches();
    thread_ = std::thread([this] { run(); });
    return ok();
  }

  std::shared_ptr<const Material> current() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  std::vector<ExpiryWarning> expiring_soon() const {
    std::lock_guard lock(mu_);
    return expiring_;
  }
  void request_check() {
    check_requested_ = true;
    wake();
  }
  bool inotify_active() const { return events_.has_value() && !events_->watched().empty(); }
  uint64_t checks() const { return checks_.load(); }

 private:
  ValidationOptions validation_options() const {
    return {.now = options_.clock(), .require_chain_to_trusted = options_.require_chain_to_trusted};
  }

  void wake() {
    if (wake_fd_ < 0) return;
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  }

  void adopt(std::shared_ptr<const Material> material) {
    if (probe_) probe_->update(material->expiries);
    std::lock_guard lock(mu_);
    current_ = std::move(material);
  }

  void deliver(const Event& event) {
    if (callback_) callback_(event);
  }

  // The directory of every file as configured and of its resolved path (they differ for
  // symlinks, e.g. Kubernetes' `tls.crt -> ..data/tls.crt`).
  void sync_watches() {
    if (!events_) return;
    std::set<std::string> dirs;
    for (const auto& file : source_.files()) {
      std::error_code ec;
      auto absolute = std::filesystem::absolute(file, ec);
      if (!ec) dirs.insert(absolute.parent_path().string());
      auto resolved = std::filesystem::canonical(file, ec);
      if (!ec) dirs.insert(resolved.parent_path().string());
    }
    events_->watch(dirs);
  }

  void report_invalid(const std::string& key, const std::string& reason,
                      SteadyClock::time_point noticed) {
    if (key == reported_invalid_) return;
    reported_invalid_ = key;
    logger().error("new TLS material refused; the connector keeps its current material",
                   {{"connector", options_.connector}, {"reason", reason}});
    deliver({.kind = EventKind::kInvalidMaterial, .reason = reason, .noticed = noticed});
  }

  void check(SteadyClock::time_point noticed) {
    ++checks_;
    auto snapshot = read_inputs(source_);
    if (!snapshot) {
      report_invalid("read:" + snapshot.error().message(), snapshot.error().message(), noticed);
      return;
    }
    if (snapshot->digest == current()->digest) {
      if (!reported_invalid_.empty()) {
        reported_invalid_.clear();
        logger().info("TLS files hold the material in use again",
                      {{"connector", options_.connector}});
        deliver({.kind = EventKind::kRestored, .noticed = noticed});
      }
      return;
    }
    auto material = load_material(source_, *snapshot);
    if (!material) {
      report_invalid(snapshot->digest + material.error().message(), material.error().message(),
                     noticed);
      return;
    }
    auto report = validate(**material, validation_options());
    if (!report) {
      report_invalid(snapshot->digest + report.error().message(), report.error().message(),
                     noticed);
      return;
    }
    reported_invalid_.clear();
    adopt(*material);
    logger().info("new TLS material",
                  {{"connector", options_.connector},
                   {"files", fmt::format("{}", fmt::join(source_.files(), ","))}});
    for (const auto& w : report->warnings) {
      logger().warn("TLS material", {{"connector", options_.connector}, {"warning", w}});
    }
    deliver({.kind = EventKind::kNewMaterial,
             .material = std::move(*material),
             .warnings = std::move(report->warnings),
             .noticed = noticed});
    check_expiry();
  }

  void check_expiry() {
    auto material = current();
    auto warnings =
        tls::expiring_soon(material->expiries, options_.clock(), options_.expiry_warning);
    {
      std::lock_guard lock(mu_);
      expiring_ = warnings;
    }
    for (const auto& w : warnings) {
      auto key = fmt::format("{}|{}|{}", w.input.label, w.input.file,
                             w.input.not_after.time_since_epoch().count());
      if (!warned_.insert(key).second) continue;
      auto message = w.message();
      logger().warn("TLS certificate expires soon",
                    {{"connector", options_.connector}, {"warning", message}});
      deliver({.kind = EventKind::kExpiringSoon, .reason = message, .noticed = SteadyClock::now()});
    }
  }

  void run() {
    auto next_poll = SteadyClock::now() + options_.poll_interval;
    std::optional<SteadyClock::time_point> burst_start;
    std::optional<SteadyClock::time_point> last_event;
    check_expiry();
    while (!stopping_) {
      auto now = SteadyClock::now();
      auto deadline = next_poll;
      if (last_event) {
        deadline = std::min({deadline, *last_event + options_.debounce,
                             *burst_start + kMaxDebouncePeriods * options_.debounce});
      }
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
      pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {events_ ? events_->fd() : -1, POLLIN, 0}};
      ::poll(fds, 2, static_cast<int>(std::clamp<int64_t>(wait + 1, 0, INT_MAX)));
      if (fds[0].revents & POLLIN) {
        uint64_t value = 0;
        [[maybe_unused]] auto n = ::read(wake_fd_, &value, sizeof value);
      }
      if (stopping_) break;
      now = SteadyClock::now();
      if ((fds[1].revents & POLLIN) && events_->drain() > 0) {
        if (!burst_start) burst_start = now;
        last_event = now;
      }
      bool settled = last_event && (now >= *last_event + options_.debounce ||
                                    now >= *burst_start + kMaxDebouncePeriods * options_.debounce);
      if (check_requested_.exchange(false) || settled) {
        check(burst_start.value_or(now));
        burst_start.reset();
        last_event.reset();
        sync_watches();
      }
      if (now >= next_poll) {
        check(now);
        check_expiry();
        sync_watches();
        next_poll = now + options_.poll_interval;
      }
    }
  }

  MaterialSource source_;
  Options options_;
  Callback callback_;
  std::unique_ptr<ExpiryProbe> probe_;
  std::optional<detail::DirectoryEvents> events_;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> check_requested_{false};
  std::atomic<uint64_t> checks_{0};
  std::thread thread_;

  mutable std::mutex mu_;
  std::shared_ptr<const Material> current_;  // guarded by mu_
  std::vector<ExpiryWarning> expiring_;      // guarded by mu_

  // Watcher thread only.
  std::string reported_invalid_;  // what the last invalid report was about; empty when none
  std::set<std::string> warned_;  // expiry warnings already given
};

Result<std::unique_ptr<MaterialWatcher>> MaterialWatcher::start(MaterialSource source,
                                                                Options options,
                                                                Callback callback) {
  auto impl = std::make_unique<Impl>(std::move(source), std::move(options), std::move(callback));
  KC_RETURN_IF_ERROR(impl->start());
  return std::make_unique<MaterialWatcher>(Private{}, std::move(impl));
}

MaterialWatcher::MaterialWatcher(Private, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MaterialWatcher::~MaterialWatcher() = default;

std::shared_ptr<const Material> MaterialWatcher::current() const { return impl_->current(); }
std::vector<ExpiryWarning> MaterialWatcher::expiring_soon() const { return impl_->expiring_soon(); }
void MaterialWatcher::check_now() { impl_->request_check(); }
bool MaterialWatcher::inotify_active() const { return impl_->inotify_active(); }
uint64_t MaterialWatcher::checks() const { return impl_->checks(); }

}  // namespace kc::tls
