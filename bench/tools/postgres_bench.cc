// The postgres sink against `psql \copy` of the same rows into the same server, in one run.
// See bench/README.md ("bench-postgres").
//
//   bench-postgres [--records N] [--partitions P] [--value-bytes B] [--modes insert,upsert]
//
// A throwaway PostgreSQL cluster (tests/support/postgres) and librdkafka's mock cluster with the
// topic pre-produced. Each mode runs kconnect-runtime standalone --exit-when-caught-up with the
// postgres sink (auto.create, schemaless JSON) into its own table, then checks the row count. The
// baseline exports the insert mode's table as COPY text and times `psql -c '\copy ... FROM file'`
// into an empty table of the same shape (LIKE, with the primary key for the upsert comparison).

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/strings.h"
#include "runtime/demo/order_generator.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/producer.h"
#include "tests/support/files.h"
#include "tests/support/postgres.h"
#include "tests/support/process.h"

namespace {

using Clock = std::chrono::steady_clock;
using kc::testing::PostgresServer;
using kc::testing::Process;

struct Options {
  int64_t records = 1'000'000;
  int partitions = 64;
  size_t value_bytes = 250;
  std::string modes = "insert,upsert";
};

struct Sample {
  double seconds = 0;
  double cpu = 0;
  double rss_mib = 0;
};

[[noreturn]] void die(const std::string& why) {
  std::cerr << "bench-postgres: " << why << "\n";
  std::exit(1);
}

std::string padded_order(int64_t i, size_t bytes) {
  auto json = kc::demo::order_json(i);
  if (json.size() + 12 < bytes) {
    json.insert(json.size() - 1,
                fmt::format(",\"note\":\"{}\"", std::string(bytes - json.size() - 11, 'x')));
  }
  return json;
}

Sample run(const std::vector<std::string>& argv, const std::string& log, bool summary) {
  auto start = Clock::now();
  Process p(argv, log);
  auto status = p.wait(std::chrono::minutes(15));
  auto wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (status != 0) {
    die(fmt::format("{} exited with {}: {}", argv[0], status ? *status : -1,
                    p.output().substr(0, 3000)));
  }
  Sample s{wall, p.usage().cpu_seconds, static_cast<double>(p.usage().max_rss_kib) / 1024.0};
  if (summary) {
    auto out = p.out();
    auto brace = out.rfind('{');
    if (brace == std::string::npos) die("no summary line: " + out);
    auto parsed = nlohmann::json::parse(out.substr(brace), nullptr, false);
    if (parsed.is_discarded() || !parsed["seconds_since_first_record"].is_number()) {
      die("bad summary line: " + out.substr(brace));
    }
    s.seconds = parsed["seconds_since_first_record"].get<double>();
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--records") {
      o.records = std::atoll(argv[i + 1]);
    } else if (k == "--partitions") {
      o.partitions = std::atoi(argv[i + 1]);
    } else if (k == "--value-bytes") {
      o.value_bytes = static_cast<size_t>(std::atoll(argv[i + 1]));
    } else if (k == "--modes") {
      o.modes = argv[i + 1];
    } else {
      die("unknown option " + k);
    }
  }
  kc::testing::TempDir dir;
  PostgresServer pg;
  auto cluster = kc::kafka::EmbeddedCluster::start(1);
  if (!cluster) die(cluster.error().message());
  const auto& bootstrap = (*cluster)->bootstrap_servers();
  const std::string topic = "orders";
  if (!(*cluster)->create_topic(topic, o.partitions)) die("create topic");
  uint64_t total_bytes = 0;
  {
    auto producer = kc::kafka::Producer::create(
        {{"bootstrap.servers", bootstrap}, {"linger.ms", "20"}, {"batch.num.messages", "10000"}});
    if (!producer) die(producer.error().message());
    for (int64_t i = 0; i < o.records; ++i) {
      auto v = padded_order(i, o.value_bytes);
      total_bytes += v.size();
      if (!(*producer)->produce(topic, static_cast<int32_t>(i % o.partitions), std::nullopt, v)) {
        die("produce");
      }
    }
    if (!(*producer)->flush(std::chrono::minutes(2))) die("flush");
    int64_t retained = 0;
    for (int p = 0; p < o.partitions; ++p) {
      int64_t lo = 0, hi = 0;
      rd_kafka_query_watermark_offsets((*producer)->raw(), topic.c_str(), p, &lo, &hi, 5000);
      retained += hi - lo;
    }
    if (retained != o.records) {
      die(fmt::format("the mock cluster kept only {} of {} records: use more --partitions",
                      retained, o.records));
    }
  }
  std::cerr << fmt::format("produced {} records, {:.1f} MB, {} partitions\n", o.records,
                           static_cast<double>(total_bytes) / 1e6, o.partitions);

  auto runtime = kc::testing::built_program("kconnect-runtime");
  auto worker = dir.file("worker.properties");
  kc::testing::write_text(worker, fmt::format("bootstrap.servers={}\nlisteners=http://127.0.0.1:0\n"
                                              "key.converter=org.apache.kafka.connect.converters."
                                              "ByteArrayConverter\nvalue.converter=org.apache."
                                              "kafka.connect.json.JsonConverter\nvalue.converter."
                                              "schemas.enable=false\n",
                                              bootstrap));
  struct Result {
    std::string name;
    Sample sample;
  };
  std::vector<Result> results;
  auto rows_in = [&](const std::string& table) {
    return std::stoll(pg.scalar("SELECT count(*) FROM " + table));
  };
  for (auto mode : kc::strings::split(o.modes, ',')) {
    auto table = fmt::format("bench_{}", mode);
    auto connector = dir.file(table + ".properties");
    kc::testing::write_text(
        connector,
        fmt::format("name={}\nconnector.class=io.confluent.connect.jdbc.JdbcSinkConnector\n"
                    "topics={}\nconnection.url={}\nconnection.user={}\nconnection.password={}\n"
                    "table.name.format={}\nauto.create=true\ninsert.mode={}\n{}",
                    table, topic, pg.jdbc_url(), PostgresServer::kUser, PostgresServer::kPassword,
                    table, mode,
                    mode == "insert" ? "" : "pk.mode=record_value\npk.fields=order_id\n"));
    auto s = run({runtime, "standalone", "--exit-when-caught-up", worker, connector},
                 dir.file(table), true);
    if (rows_in(table) != o.records) {
      die(fmt::format("{}: {} rows, expected {}", table, rows_in(table), o.records));
    }
    results.push_back({fmt::format("kconnect postgres sink, insert.mode={}", mode), s});
    std::cerr << fmt::format("{}: {:.2f} s\n", table, s.seconds);
  }

  // Baseline: the same rows, exported as COPY text, loaded by psql \copy.
  if (o.modes.find("insert") == std::string::npos)
    die("--modes needs insert (the baseline's rows)");
  auto file = dir.file("rows.copy");
  const char* bindir = std::getenv("KC_PG_BINDIR");
  auto psql_path = std::string(bindir != nullptr ? bindir : "/usr/bin") + "/psql";
  auto psql = [&](const std::string& command) {
    return std::vector<std::string>{"env",
                                    fmt::format("PGPASSWORD={}", PostgresServer::kPassword),
                                    psql_path,
                                    "-X",
                                    "-q",
                                    "-h",
                                    "127.0.0.1",
                                    "-p",
                                    std::to_string(pg.port()),
                                    "-U",
                                    PostgresServer::kUser,
                                    "-d",
                                    PostgresServer::kDatabase,
                                    "-c",
                                    command};
  };
  run(psql(fmt::format("\\copy bench_insert TO '{}'", file)), dir.file("export"), false);
  for (const std::string with_key : {"", "pk"}) {
    auto target = with_key.empty() ? "copy_plain" : "copy_pk";
    pg.query(
        fmt::format("CREATE TABLE {} (LIKE bench_insert){}", target,
                    with_key.empty() ? "" : ";ALTER TABLE copy_pk ADD PRIMARY KEY (order_id)"));
    auto s = run(psql(fmt::format("\\copy {} FROM '{}'", target, file)), dir.file(target), false);
    if (rows_in(target) != o.records) die(fmt::format("{}: wrong row count", target));
    results.push_back({fmt::format("psql \\copy (baseline){}",
                                   with_key.empty() ? "" : ", table with primary key"),
                       s});
  }

  auto copy_rate = [&](bool with_key) {
    for (const auto& r : results) {
      bool is_pk = r.name.find("primary key") != std::string::npos;
      if (r.name.rfind("psql", 0) == 0 && is_pk == with_key) {
        return static_cast<double>(o.records) / r.sample.seconds;
      }
    }
    return 1.0;
  };
  std::cout << fmt::format("{} records of ~{} bytes ({:.1f} MB), {} partitions\n\n", o.records,
                           o.value_bytes, static_cast<double>(total_bytes) / 1e6, o.partitions);
  std::cout << "| path | records/s | MB/s | CPU s | peak RSS MiB | vs psql \\copy |\n"
               "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& r : results) {
    double rate = static_cast<double>(o.records) / r.sample.seconds;
    bool upsert = r.name.find("upsert") != std::string::npos;
    bool baseline = r.name.rfind("psql", 0) == 0;
    std::cout << fmt::format(
        "| {} | {:.0f} | {:.1f} | {:.2f} | {:.1f} | {} |\n", r.name, rate,
        static_cast<double>(total_bytes) / 1e6 / r.sample.seconds, r.sample.cpu, r.sample.rss_mib,
        baseline
            ? std::string("—")
            : fmt::format("{:.0f}% (of the {} table)", 100.0 * rate / copy_rate(false), "plain") +
                  (upsert
                       ? fmt::format("; {:.0f}% of the keyed table", 100.0 * rate / copy_rate(true))
                       : ""));
  }
  return 0;
}
