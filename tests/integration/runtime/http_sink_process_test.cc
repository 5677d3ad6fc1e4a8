// kconnect-runtime as a process with the http sink: SIGKILL after the endpoint stored a batch and
// before the Kafka commit that would have followed it (the endpoint kills the process before it
// answers). The restarted process replays from the committed offset, re-forms the same batches
// (http.batch.max.records) with the same idempotency keys, and the endpoint drops the repeats:
// every document is stored once.

#include <atomic>
#include <csignal>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/http_target/fake_http_target.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::Process;

TEST(HttpSinkProcessTest, KillDashNineAfterABatchBeforeItsCommitThenRestartStoresEachRecordOnce) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster);
  const auto bootstrap = (*cluster)->bootstrap_servers();
  ASSERT_TRUE((*cluster)->create_topic("http_kill", 1));
  constexpr int kRecords = 40;
  testing::produce(
      bootstrap, "http_kill", kRecords, [](int i) { return fmt::format(R"({{"id":{}}})", i); },
      nullptr, 0);
  auto fake = testing::FakeHttpTarget::start({});
  ASSERT_TRUE(fake) << fake.error().message();
  auto& target = **fake;

  testing::TempDir dir;
  auto worker = dir.file("worker.properties");
  testing::write_text(worker, testing::process_worker_properties(bootstrap));
  auto connector = dir.file("http.json");
  testing::write_text(connector, fmt::format(R"({{"name": "http-kill", "config": {{
          "connector.class": "http", "topics": "http_kill", "http.url": "{}",
          "http.batch.max.records": "10"}}}})",
                                             target.url()));
  const auto runtime = testing::built_program("kconnect-runtime");

  std::atomic<pid_t> victim{-1};
  std::atomic<int> stored{0};
  target.on_stored([&] {
    // The second batch is stored; its answer never reaches the process.
    if (++stored == 2 && victim > 0) ::kill(victim, SIGKILL);
  });
  {
    Process first({runtime, "standalone", worker, connector}, dir.file("first"));
    victim = first.pid();
    ASSERT_EQ(first.wait(60s), 128 + SIGKILL) << first.err();
  }
  EXPECT_GE(target.documents().size(), 20u);
  EXPECT_LT(testing::committed_offsets(bootstrap, "connect-http-kill", "http_kill", 1)[0], 20);

  target.on_stored(nullptr);
  Process second({runtime, "standalone", worker, connector}, dir.file("second"));
  ASSERT_TRUE(eventually(
      [&] {
        return testing::committed_offsets(bootstrap, "connect-http-kill", "http_kill", 1)[0] ==
               kRecords;
      },
      90s))
      << second.err();
  std::vector<int> ids;
  for (const auto& doc : target.documents()) ids.push_back(doc.at("id").get<int>());
  std::sort(ids.begin(), ids.end());
  std::vector<int> expected;
  expected.reserve(kRecords);
  for (int i = 0; i < kRecords; ++i) expected.push_back(i);
  EXPECT_EQ(ids, expected);
  EXPECT_GE(target.idempotent_replays(), 1u);
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s), 0) << second.err();
}

}  // namespace
}  // namespace kc
