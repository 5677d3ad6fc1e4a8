// kconnect-runtime as a process with the kusto sink, SIGKILLed at the two points of a queued
// ingestion: after the blob upload and before the queue message (nothing ingested yet), and after
// the queue took the message and ADX ingested it but before the process saw the answer (so before
// the Kafka commit). Later batches are not ingested yet. The restarted process replays from the
// committed offset, re-forms the same batches (flush.size.bytes), and the test ADX skips the
// batch it has by its ingest-by tag (ingestIfNotExists): every row is in the table exactly once.

#include <atomic>
#include <csignal>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/kusto/fake_kusto.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeKusto;
using testing::Process;

enum class KillPoint { kAfterBlobBeforeMessage, kAfterMessageBeforeCommit };

void kill_and_restart(KillPoint point, const std::string& topic) {
  auto cluster = kafka::EmbeddedCluster::start(1);
  ASSERT_TRUE(cluster);
  const auto bootstrap = (*cluster)->bootstrap_servers();
  ASSERT_TRUE((*cluster)->create_topic(topic, 1));
  constexpr int kRecords = 40;
  testing::produce(
      bootstrap, topic, kRecords,
      [](int i) { return fmt::format(R"({{"id":{},"name":"record number {}"}})", i, i); }, nullptr,
      0);
  auto fake = FakeKusto::start({});
  ASSERT_TRUE(fake) << fake.error().message();
  auto& kusto = **fake;

  testing::TempDir dir;
  auto worker = dir.file("worker.properties");
  testing::write_text(worker, testing::process_worker_properties(bootstrap));
  auto connector = dir.file("kusto.json");
  // Rows are 35-37 bytes: batches of about ten records, cut by size.
  testing::write_text(connector,
                      fmt::format(
                          R"({{"name": "kusto-kill", "config": {{
          "connector.class": "com.microsoft.azure.kusto.kafka.connect.sink.KustoSinkConnector",
          "topics": "{}", "kusto.ingestion.url": "{}", "kusto.query.url": "{}",
          "aad.auth.authority.host": "{}", "aad.auth.authority": "tenant-1",
          "aad.auth.appid": "app-1", "aad.auth.appkey": "app-secret",
          "kusto.tables.topics.mapping": "[{{\"topic\":\"{}\",\"db\":\"db\",\"table\":\"T\",\"format\":\"json\"}}]",
          "flush.size.bytes": "350", "flush.interval.ms": "200"}}}})",
                          topic, kusto.url(), kusto.engine_url(), kusto.aad_url(), topic));
  const auto runtime = testing::built_program("kconnect-runtime");

  std::atomic<pid_t> victim{-1};
  std::atomic<int> events{0};
  if (point == KillPoint::kAfterBlobBeforeMessage) {
    kusto.on_blob_stored([&](const std::string&) {
      if (++events == 2 && victim > 0) ::kill(victim, SIGKILL);  // second blob, no message
    });
  } else {
    kusto.on_message_ingested([&](const nlohmann::json&) {
      if (++events == 2 && victim > 0) ::kill(victim, SIGKILL);  // second batch in, answer lost
    });
  }
  size_t rows_at_kill = 0;
  {
    Process first({runtime, "standalone", worker, connector}, dir.file("first"));
    victim = first.pid();
    auto status = first.wait(60s);
    ASSERT_EQ(status, 128 + SIGKILL) << first.err();
    rows_at_kill = kusto.rows("db", "T").size();
  }
  auto committed = testing::committed_offsets(bootstrap, "connect-kusto-kill", topic, 1)[0];
  EXPECT_LT(committed, static_cast<int64_t>(rows_at_kill == 0 ? 1 : rows_at_kill));
  if (point == KillPoint::kAfterBlobBeforeMessage) {
    EXPECT_EQ(kusto.messages().size(), 1u);  // the second batch's message was never sent
  } else {
    EXPECT_EQ(kusto.messages().size(), 2u);  // both batches ingested, the second uncommitted
  }

  kusto.on_blob_stored(nullptr);
  kusto.on_message_ingested(nullptr);
  Process second({runtime, "standalone", worker, connector}, dir.file("second"));
  ASSERT_TRUE(eventually(
      [&] {
        return testing::committed_offsets(bootstrap, "connect-kusto-kill", topic, 1)[0] == kRecords;
      },
      90s))
      << second.err();
  std::vector<int> ids;
  for (const auto& row : kusto.rows("db", "T")) {
    ids.push_back(nlohmann::json::parse(row).at("id").get<int>());
  }
  std::sort(ids.begin(), ids.end());
  std::vector<int> expected;
  expected.reserve(kRecords);
  for (int i = 0; i < kRecords; ++i) expected.push_back(i);
  EXPECT_EQ(ids, expected);
  if (point == KillPoint::kAfterMessageBeforeCommit) {
    EXPECT_GE(kusto.skipped_duplicates(), 1u);
  }
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s), 0) << second.err();
}

TEST(KustoProcessTest,
     KillDashNineAfterTheBlobBeforeTheQueueMessageThenRestartIngestsEveryRowOnce) {
  kill_and_restart(KillPoint::kAfterBlobBeforeMessage, "kusto_kill_blob");
}

TEST(KustoProcessTest,
     KillDashNineAfterTheQueueMessageBeforeTheCommitThenRestartIngestsEveryRowOnce) {
  kill_and_restart(KillPoint::kAfterMessageBeforeCommit, "kusto_kill_message");
}

}  // namespace
}  // namespace kc
