// kconnect-runtime as a process with the starrocks sink: SIGKILL between a Stream Load that
// StarRocks committed and the Kafka commit that would have followed it (the test BE kills the
// process before it answers), with later batches not loaded yet; the restarted process replays,
// StarRocks refuses the labels it has, and every row is in the table exactly once.

#include <atomic>
#include <csignal>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/starrocks/fake_starrocks.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::Process;

TEST(StarRocksProcessTest, KillDashNineAfterALoadBeforeItsCommitThenRestartLoadsEveryRowOnce) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster);
  const auto bootstrap = (*cluster)->bootstrap_servers();
  ASSERT_TRUE((*cluster)->create_topic("sr_kill", 1));
  constexpr int kRecords = 40;
  testing::produce(
      bootstrap, "sr_kill", kRecords, [](int i) { return fmt::format(R"({{"id":{}}})", i); },
      nullptr, 0);
  auto fake = testing::FakeStarRocks::start({});
  ASSERT_TRUE(fake) << fake.error().message();
  auto& starrocks = **fake;

  testing::TempDir dir;
  auto worker = dir.file("worker.properties");
  testing::write_text(worker, testing::process_worker_properties(bootstrap));
  auto connector = dir.file("starrocks.json");
  testing::write_text(connector, fmt::format(R"({{"name": "sr-kill", "config": {{
          "connector.class": "com.starrocks.connector.kafka.StarRocksSinkConnector",
          "topics": "sr_kill", "starrocks.http.url": "{}", "starrocks.database.name": "db",
          "starrocks.username": "root", "starrocks.password": "secret",
          "bufferflush.maxrecords": "10"}}}})",
                                             starrocks.fe_address()));
  const auto runtime = testing::built_program("kconnect-runtime");

  std::atomic<pid_t> victim{-1};
  std::atomic<int> loads{0};
  starrocks.on_committed([&](const std::string&) {
    // The second batch is in StarRocks; its answer never reaches the process.
    if (++loads == 2 && victim > 0) ::kill(victim, SIGKILL);
  });
  {
    Process first({runtime, "standalone", worker, connector}, dir.file("first"));
    victim = first.pid();
    auto status = first.wait(60s);
    ASSERT_EQ(status, 128 + SIGKILL) << first.err();
  }
  EXPECT_GE(starrocks.rows("sr_kill").size(), 20u);
  EXPECT_LT(testing::committed_offsets(bootstrap, "connect-sr-kill", "sr_kill", 1)[0], 20);

  starrocks.on_committed(nullptr);
  Process second({runtime, "standalone", worker, connector}, dir.file("second"));
  ASSERT_TRUE(eventually(
      [&] {
        return testing::committed_offsets(bootstrap, "connect-sr-kill", "sr_kill", 1)[0] ==
               kRecords;
      },
      90s))
      << second.err();
  std::vector<int> ids;
  ids.reserve(kRecords);
  for (const auto& row : starrocks.rows("sr_kill")) {
    ids.push_back(nlohmann::json::parse(row).at("id").get<int>());
  }
  std::sort(ids.begin(), ids.end());
  std::vector<int> expected;
  expected.reserve(kRecords);
  for (int i = 0; i < kRecords; ++i) expected.push_back(i);
  EXPECT_EQ(ids, expected);
  EXPECT_GE(starrocks.duplicate_labels(), 1u);
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s), 0) << second.err();
}

}  // namespace
}  // namespace kc
