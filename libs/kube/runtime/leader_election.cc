#include "libs/kube/runtime/leader_election.h"

#include <thread>

#include "libs/base/log.h"
#include "libs/kube/core/time.h"
#include "libs/kube/runtime/sleep.h"

namespace kc::kube::runtime {
namespace {

log::Logger& logger() {
  static auto& l = log::get("kc.kube.leader");
  return l;
}

}  // namespace

LeaderElector::LeaderElector(Client& client, LeaderElectionOptions options)
    : client_(client), options_(std::move(options)) {}

std::string LeaderElector::observed_leader() const {
  std::lock_guard lock(mu_);
  return observed_.value("holderIdentity", "");
}

bool LeaderElector::try_acquire_or_renew() {
  const auto& leases = resources::leases();
  auto now_wall = std::chrono::system_clock::now();
  auto now = std::chrono::steady_clock::now();
  auto lease_seconds = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count());
  auto current = client_.get(leases, options_.ns, options_.name);
  if (!current) {
    if (current.error().code() != Errc::kNotFound) {
      logger().warn("reading lease failed",
                    {{"lease", options_.name}, {"error", current.error().to_string()}});
      leading_ = false;
      return false;
    }
    Object lease = {{"apiVersion", "coordination.k8s.io/v1"},
                    {"kind", "Lease"},
                    {"metadata", {{"name", options_.name}, {"namespace", options_.ns}}},
                    {"spec",
                     {{"holderIdentity", options_.identity},
                      {"leaseDurationSeconds", lease_seconds},
                      {"acquireTime", format_micro_time(now_wall)},
                      {"renewTime", format_micro_time(now_wall)},
                      {"leaseTransitions", 0}}}};
    auto created = client_.create(leases, lease);
    std::lock_guard lock(mu_);
    if (!created) {
      leading_ = false;
      return false;
    }
    observed_ = (*created)["spec"];
    observed_at_ = now;
    leading_ = true;
    return true;
  }
  Object spec = current->value("spec", Object::object());
  std::string holder = spec.value("holderIdentity", "");
  {
    std::lock_guard lock(mu_);
    if (spec != observed_) {
      observed_ = spec;
      observed_at_ = now;
    }
    auto duration = std::chrono::seconds(spec.value("leaseDurationSeconds", lease_seconds));
    bool valid = now < observed_at_ + duration;
    if (!holder.empty() && holder != options_.identity && valid) {
      leading_ = false;
      return false;
    }
  }
  Object next = *current;
  auto& s = next["spec"];
  if (holder != options_.identity) {
    s["acquireTime"] = format_micro_time(now_wall);
    s["leaseTransitions"] = spec.value("leaseTransitions", 0) + (holder.empty() ? 0 : 1);
    logger().info(
        "acquiring lease",
        {{"lease", options_.name}, {"identity", options_.identity}, {"previous", holder}});
  }
  s["holderIdentity"] = options_.identity;
  s["leaseDurationSeconds"] = lease_seconds;
  s["renewTime"] = format_micro_time(now_wall);
  auto updated = client_.update(leases, next);
  std::lock_guard lock(mu_);
  if (!updated) {
    leading_ = false;
    return false;
  }
  observed_ = (*updated)["spec"];
  observed_at_ = now;
  leading_ = true;
  return true;
}

Status LeaderElector::release() {
  const auto& leases = resources::leases();
  KC_ASSIGN_OR_RETURN(auto current, client_.get(leases, options_.ns, options_.name));
  if (current["spec"].value("holderIdentity", "") != options_.identity) return ok();
  current["spec"]["holderIdentity"] = "";
  current["spec"]["leaseDurationSeconds"] = 1;
  current["spec"]["renewTime"] = format_micro_time(std::chrono::system_clock::now());
  KC_RETURN_IF_ERROR(client_.update(leases, current));
  leading_ = false;
  logger().info("released lease", {{"lease", options_.name}, {"identity", options_.identity}});
  return ok();
}

void LeaderElector::run(const std::stop_token& stop,
                        const std::function<void(const std::stop_token&)>& lead) {
  while (!try_acquire_or_renew()) {
    if (!sleep_for(options_.retry_period, stop)) return;
  }
  logger().info("became leader", {{"lease", options_.name}, {"identity", options_.identity}});
  std::stop_source lead_stop;
  std::jthread leader([&] { lead(lead_stop.get_token()); });
  auto last_renew = std::chrono::steady_clock::now();
  while (sleep_for(options_.retry_period, stop)) {
    if (try_acquire_or_renew()) {
      last_renew = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_renew > options_.renew_deadline) {
      logger().error("lost leadership: lease not renewed in time",
                     {{"lease", options_.name}, {"identity", options_.identity}});
      break;
    }
  }
  leading_ = false;
  lead_stop.request_stop();
  leader.join();
  if (stop.stop_requested() && options_.release_on_stop) {
    if (auto released = release(); !released) {
      logger().warn("releasing lease failed", {{"error", released.error().to_string()}});
    }
  }
}

}  // namespace kc::kube::runtime
