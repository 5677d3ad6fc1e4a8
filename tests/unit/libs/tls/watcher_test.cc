// MaterialWatcher with real files: in-place rewrites, a Kubernetes Secret volume's `..data`
// symlink swap, polling without inotify, invalid replacements and expiry warnings.

#include "libs/tls/watcher.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/files.h"
#include "tests/support/secret_volume.h"
#include "tests/support/test_certs.h"

namespace kc::tls {
namespace {

using namespace std::chrono_literals;
using kc::testing::CertAndKey;
using kc::testing::SecretVolume;
using kc::testing::TestCa;
using ::testing::HasSubstr;
using Kind = MaterialWatcher::EventKind;
namespace fs = std::filesystem;

// Collects the watcher's events; waits for them with a deadline (no sleeps).
class Events {
 public:
  MaterialWatcher::Callback callback() {
    return [this](const MaterialWatcher::Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    };
  }
  // Waits for the n-th event (1-based) and returns it; fails the test on timeout.
  std::optional<MaterialWatcher::Event> wait(size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; })) {
      ADD_FAILURE() << "no event #" << n << " within " << timeout.count() << " ms";
      return std::nullopt;
    }
    return events_[n - 1];
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return events_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<MaterialWatcher::Event> events_;
};

// Waits until the watcher has read the files `n` more times than `since`.
void wait_for_checks(const MaterialWatcher& watcher, uint64_t since, uint64_t n = 1) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (watcher.checks() < since + n) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "watcher did not check";
    std::this_thread::yield();
  }
}

// Replaces `path` atomically (write a temporary file, rename it over), as most tools do.
void replace(const std::string& path, const std::string& content) {
  kc::testing::write_file(path + ".tmp", content);
  fs::rename(path + ".tmp", path);
}

class MaterialWatcherTest : public ::testing::Test {
 protected:
  MaterialSource source(const std::string& dir) {
    return {.trust = {.label = "ssl.ca.location", .file = dir + "/ca.crt"},
            .certificate = {.label = "ssl.certificate.location", .file = dir + "/tls.crt"},
            .key = {.label = "ssl.key.location", .file = dir + "/tls.key"}};
  }
  void write_pair(const std::string& dir, const CertAndKey& pair, const std::string& ca_pem) {
    kc::testing::write_file(dir + "/ca.crt", ca_pem);
    kc::testing::write_file(dir + "/tls.crt", pair.cert_pem);
    kc::testing::write_file(dir + "/tls.key", pair.key_pem);
  }
  MaterialWatcher::Options options(std::chrono::milliseconds poll = 60s) {
    return {.connector = "orders", .debounce = 50ms, .poll_interval = poll, .registry = &registry_};
  }

  kc::testing::TempDir dir_;
  TestCa ca_ = TestCa::create("watch-ca");
  CertAndKey first_ = ca_.issue({.common_name = "first", .server_auth = false});
  CertAndKey second_ = ca_.issue({.common_name = "second", .server_auth = false});
  metrics::Registry registry_;
  Events events_;
};

TEST_F(MaterialWatcherTest, ReplacedFilesAreDeliveredOnceAsNewMaterial) {
  write_pair(dir_.path(), first_, ca_.cert_pem());
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();
  ASSERT_TRUE((*watcher)->inotify_active());
  EXPECT_EQ((*watcher)->current()->chain.front().subject(), "CN=first");

  auto before = std::chrono::steady_clock::now();
  replace(dir_.file("tls.key"), second_.key_pem);
  replace(dir_.file("tls.crt"), second_.cert_pem);
  // The first replacement alone may be seen (key without its certificate) and reported invalid;
  // what matters is that the pair is delivered as new material once both are in place.
  std::optional<MaterialWatcher::Event> event;
  for (size_t n = 1; n <= 2; ++n) {
    event = events_.wait(n);
    ASSERT_TRUE(event);
    if (event->kind == Kind::kNewMaterial) break;
    EXPECT_EQ(event->kind, Kind::kInvalidMaterial);
  }
  ASSERT_EQ(event->kind, Kind::kNewMaterial);
  EXPECT_EQ(event->material->chain.front().subject(), "CN=second");
  EXPECT_GE(event->noticed, before);
  EXPECT_EQ((*watcher)->current(), event->material);
  EXPECT_TRUE(event->warnings.empty());
  EXPECT_NE(registry_.expose().find("kconnect_tls_certificate_expiry_timestamp_seconds{"
                                    "connector=\"orders\",file=\"" +
                                    dir_.file("tls.crt") + "\"}"),
            std::string::npos);
}

TEST_F(MaterialWatcherTest, RewritingIdenticalContentCallsNothing) {
  write_pair(dir_.path(), first_, ca_.cert_pem());
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();
  auto checks = (*watcher)->checks();
  write_pair(dir_.path(), first_, ca_.cert_pem());  // same bytes, new mtime
  wait_for_checks(**watcher, checks);               // inotify woke it and it looked
  (*watcher)->check_now();
  wait_for_checks(**watcher, checks, 2);
  EXPECT_EQ(events_.count(), 0u);
}

TEST_F(MaterialWatcherTest, KubernetesSecretVolumeSwapIsSeen) {
  SecretVolume volume(dir_.path());
  volume.publish(
      {{"ca.crt", ca_.cert_pem()}, {"tls.crt", first_.cert_pem}, {"tls.key", first_.key_pem}});
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();

  // A new CA, and the client certificate from it, all at once.
  auto new_ca = TestCa::create("watch-ca-2");
  auto renewed = new_ca.issue({.common_name = "renewed", .server_auth = false});
  volume.publish(
      {{"ca.crt", new_ca.cert_pem()}, {"tls.crt", renewed.cert_pem}, {"tls.key", renewed.key_pem}});
  auto event = events_.wait(1);
  ASSERT_TRUE(event);
  ASSERT_EQ(event->kind, Kind::kNewMaterial) << event->reason;
  EXPECT_EQ(event->material->chain.front().subject(), "CN=renewed");
  EXPECT_EQ(event->material->trusted.front().subject(), "CN=watch-ca-2");

  // The kubelet re-publishes unchanged content on resync: nothing to report.
  auto checks = (*watcher)->checks();
  volume.publish(
      {{"ca.crt", new_ca.cert_pem()}, {"tls.crt", renewed.cert_pem}, {"tls.key", renewed.key_pem}});
  wait_for_checks(**watcher, checks);
  EXPECT_EQ(events_.count(), 1u);
}

TEST_F(MaterialWatcherTest, PollingFindsChangesWithoutInotify) {
  write_pair(dir_.path(), first_, ca_.cert_pem());
  auto opts = options(100ms);
  opts.use_inotify = false;
  auto watcher = MaterialWatcher::start(source(dir_.path()), opts, events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();
  EXPECT_FALSE((*watcher)->inotify_active());
  // Written in place, key and certificate together before the next poll is not guaranteed, so
  // write a new directory's worth by renaming a prepared directory over the old one.
  auto staged = dir_.file("staged");
  write_pair(staged, second_, ca_.cert_pem());
  for (auto name : {"ca.crt", "tls.key", "tls.crt"}) {
    fs::rename(staged + "/" + name, dir_.file(name));
  }
  std::optional<MaterialWatcher::Event> event;
  for (size_t n = 1; n <= 3; ++n) {
    event = events_.wait(n);
    ASSERT_TRUE(event);
    if (event->kind == Kind::kNewMaterial) break;
  }
  ASSERT_EQ(event->kind, Kind::kNewMaterial);
  EXPECT_EQ(event->material->chain.front().subject(), "CN=second");
}

TEST_F(MaterialWatcherTest, InvalidReplacementIsReportedOnceAndNotDelivered) {
  SecretVolume volume(dir_.path());
  volume.publish(
      {{"ca.crt", ca_.cert_pem()}, {"tls.crt", first_.cert_pem}, {"tls.key", first_.key_pem}});
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();
  auto in_use = (*watcher)->current();

  // Replacement whose key does not match its certificate.
  volume.publish(
      {{"ca.crt", ca_.cert_pem()}, {"tls.crt", second_.cert_pem}, {"tls.key", first_.key_pem}});
  auto event = events_.wait(1);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, Kind::kInvalidMaterial);
  EXPECT_THAT(event->reason, HasSubstr("the private key does not match certificate 'CN=second'"));
  EXPECT_EQ(event->material, nullptr);
  EXPECT_EQ((*watcher)->current(), in_use);

  // Looking again at the same bad files reports nothing new.
  auto checks = (*watcher)->checks();
  (*watcher)->check_now();
  wait_for_checks(**watcher, checks);
  EXPECT_EQ(events_.count(), 1u);

  // Back to the material in use: the problem is gone.
  volume.publish(
      {{"ca.crt", ca_.cert_pem()}, {"tls.crt", first_.cert_pem}, {"tls.key", first_.key_pem}});
  event = events_.wait(2);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, Kind::kRestored);
  EXPECT_EQ((*watcher)->current(), in_use);

  // A good replacement after all that.
  volume.publish(
      {{"ca.crt", ca_.cert_pem()}, {"tls.crt", second_.cert_pem}, {"tls.key", second_.key_pem}});
  event = events_.wait(3);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, Kind::kNewMaterial);
}

TEST_F(MaterialWatcherTest, ExpiredReplacementIsRefused) {
  write_pair(dir_.path(), first_, ca_.cert_pem());
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();
  auto expired = ca_.issue(
      {.common_name = "expired", .valid_from_days = -10, .valid_days = 5, .server_auth = false});
  auto staged = dir_.file("staged");
  write_pair(staged, expired, ca_.cert_pem());
  fs::rename(staged + "/tls.crt", dir_.file("tls.crt"));
  fs::rename(staged + "/tls.key", dir_.file("tls.key"));
  std::optional<MaterialWatcher::Event> event;
  for (size_t n = 1; n <= 2; ++n) {
    event = events_.wait(n);
    ASSERT_TRUE(event);
    if (event->reason.find("expired at") != std::string::npos) break;
  }
  EXPECT_EQ(event->kind, Kind::kInvalidMaterial);
  EXPECT_THAT(event->reason, HasSubstr("certificate 'CN=expired' expired at"));
  EXPECT_EQ((*watcher)->current()->chain.front().subject(), "CN=first");
}

TEST_F(MaterialWatcherTest, CertificatesNearExpiryAreAnnouncedOnce) {
  auto soon = ca_.issue({.common_name = "soon", .valid_days = 3, .server_auth = false});
  write_pair(dir_.path(), soon, ca_.cert_pem());
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_TRUE(watcher) << watcher.error().to_string();
  auto event = events_.wait(1);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, Kind::kExpiringSoon);
  EXPECT_THAT(event->reason, HasSubstr("certificate 'CN=soon' in ssl.certificate.location"));
  ASSERT_EQ((*watcher)->expiring_soon().size(), 1u);
  auto checks = (*watcher)->checks();
  (*watcher)->check_now();
  wait_for_checks(**watcher, checks);
  EXPECT_EQ(events_.count(), 1u);
}

TEST_F(MaterialWatcherTest, UnusableInitialMaterialIsAnError) {
  write_pair(dir_.path(), {first_.cert_pem, second_.key_pem}, ca_.cert_pem());
  auto watcher = MaterialWatcher::start(source(dir_.path()), options(), events_.callback());
  ASSERT_FALSE(watcher);
  EXPECT_THAT(watcher.error().message(), HasSubstr("does not match"));
}

}  // namespace
}  // namespace kc::tls
