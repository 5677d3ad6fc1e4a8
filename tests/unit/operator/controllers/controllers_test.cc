// operator/controllers: the pure parts (autoRestart policy, Secret summaries). What talks to the
// test API server (the Applier's skip rule, status writes) is in tests/integration/operator/.

#include <gtest/gtest.h>

#include "libs/base/base64.h"
#include "operator/controllers/auto_restart.h"
#include "operator/controllers/secret_summary.h"
#include "tests/support/test_certs.h"

namespace kc::operator_controllers {
namespace {

using namespace std::chrono_literals;
using Kind = AutoRestartDecision::Kind;

operator_api::KafkaConnector failed_connector(int32_t restarts, const std::string& last) {
  operator_api::KafkaConnector c;
  c.spec.state = "running";
  c.status.restart_count = restarts;
  c.status.last_auto_restart_time = last;
  return c;
}

TEST(AutoRestartTest, FollowsStrimzisBackoffSeries) {
  std::vector<int64_t> minutes;
  minutes.reserve(10);
  for (int32_t n = 0; n < 10; ++n) minutes.push_back(auto_restart_backoff(n).count());
  EXPECT_EQ(minutes, (std::vector<int64_t>{0, 2, 6, 12, 20, 30, 42, 56, 60, 60}));
}

TEST(AutoRestartTest, RestartsAtOnceThenWaitsForTheBackoff) {
  auto now = kube::parse_time("2026-11-21T10:00:00Z").value();
  EXPECT_EQ(decide_auto_restart(failed_connector(0, ""), true, now).kind, Kind::kRestart);
  auto c = failed_connector(1, "2026-11-21T09:59:00Z");
  auto d = decide_auto_restart(c, true, now);
  EXPECT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(kube::format_time(d.due), "2026-11-21T10:01:00Z");
  EXPECT_EQ(decide_auto_restart(c, true, now + 60s).kind, Kind::kRestart);
  // Healthy for longer than the next backoff: the series starts again.
  EXPECT_EQ(decide_auto_restart(c, false, now + 61s).kind, Kind::kReset);
  EXPECT_EQ(decide_auto_restart(c, false, now).kind, Kind::kNone);
}

TEST(AutoRestartTest, HonoursMaxRestartsDisabledAndRequestedState) {
  auto now = std::chrono::system_clock::now();
  auto c = failed_connector(3, kube::format_time(now - 1h));
  c.spec.auto_restart = operator_api::AutoRestart{true, 3};
  EXPECT_EQ(decide_auto_restart(c, true, now).kind, Kind::kGaveUp);
  c.spec.auto_restart = operator_api::AutoRestart{false, std::nullopt};
  EXPECT_EQ(decide_auto_restart(c, true, now).kind, Kind::kNone);
  c.spec.auto_restart.reset();
  c.spec.state = "stopped";  // a stopped connector is not restarted
  EXPECT_EQ(decide_auto_restart(c, true, now).kind, Kind::kNone);
}

TEST(SecretSummaryTest, KeepsKeysAndCertificateExpiryButNoValues) {
  auto ca = testing::TestCa::create("summary-ca", 30);
  auto leaf = ca.issue({.common_name = "client"});
  kube::Object secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata", {{"name", "s"}, {"namespace", "n"}, {"annotations", {{"a", "b"}}}}},
      {"data",
       {{"ca.crt", base64::encode(ca.cert_pem())},
        {"bundle.pem", base64::encode(leaf.cert_pem + ca.cert_pem())},
        {"password", base64::encode("hunter2")}}}};
  summarize_secret(secret);
  EXPECT_EQ(secret.dump().find(base64::encode("hunter2")), std::string::npos);
  EXPECT_EQ(secret.dump().find("BEGIN"), std::string::npos);
  EXPECT_FALSE(secret.contains("data"));
  auto info = secret_info(secret);
  EXPECT_EQ(info.keys, (std::vector<std::string>{"bundle.pem", "ca.crt", "password"}));
  ASSERT_EQ(info.certificates["bundle.pem"].size(), 2u);
  EXPECT_EQ(info.certificates["bundle.pem"][0].subject, "CN=client");
  EXPECT_EQ(info.certificates["ca.crt"][0].subject, "CN=summary-ca");
  EXPECT_EQ(info.certificates["ca.crt"][0].not_after.size(), 20u);  // 2026-12-21T10:00:00Z
  EXPECT_FALSE(info.certificates.count("password"));
}

}  // namespace
}  // namespace kc::operator_controllers
