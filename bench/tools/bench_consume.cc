// Consume throughput, CPU and memory: kconnect against the raw librdkafka loop and kcat, on the
// same pre-produced topic of librdkafka's mock cluster, in one run. See bench/README.md.
//
//   bench-consume [--records N] [--partitions P] [--value-bytes B] [--runs R]
//
// Every tool runs as a child process; CPU seconds and peak RSS come from wait4(). Rates are
// records / seconds from the first record to the end (the ~3 s consumer-group join of the mock
// cluster is excluded for the group consumers; kcat uses no group and is timed whole).

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/strings.h"
#include "runtime/demo/order_generator.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/producer.h"
#include "tests/fakes/kusto/fake_kusto.h"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace {

using Clock = std::chrono::steady_clock;
using kc::testing::Process;

struct Options {
  int64_t records = 1'000'000;
  int partitions = 64;
  size_t value_bytes = 200;
  int runs = 3;
  std::string tools = "raw,kcat,null,json";  // also: json-chain, json-null, bytes-file,
                                             // kusto-queued, kusto-streaming
  std::string worker_extra;                  // extra worker properties, ';'-separated
  std::string connector_extra;               // extra connector properties, ';'-separated
};

struct Sample {
  double seconds = 0;
  double cpu = 0;
  double rss_mib = 0;
};

struct Row {
  std::string name;
  std::vector<Sample> samples;
  Sample median() const {
    auto pick = [&](auto field) {
      std::vector<double> v;
      for (const auto& s : samples) v.push_back(s.*field);
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    return {pick(&Sample::seconds), pick(&Sample::cpu), pick(&Sample::rss_mib)};
  }
};

std::string padded_order(int64_t i, size_t bytes) {
  auto json = kc::demo::order_json(i);
  if (json.size() + 12 < bytes)
    json.insert(json.size() - 1,
                fmt::format(",\"note\":\"{}\"", std::string(bytes - json.size() - 11, 'x')));
  return json;
}

void die(const std::string& why) {
  std::cerr << "bench-consume: " << why << "\n";
  std::exit(1);
}

// Runs a child to completion and returns its sample; `summary` reads its JSON line when it has one.
Sample run(const std::vector<std::string>& argv, const std::string& log, bool summary) {
  auto start = Clock::now();
  Process p(argv, log);
  auto status = p.wait(std::chrono::minutes(5));
  auto wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (status != 0)
    die(fmt::format("{} exited with {}: {}", argv[0], status ? *status : -1,
                    p.err().substr(0, 2000)));
  Sample s{wall, p.usage().cpu_seconds, static_cast<double>(p.usage().max_rss_kib) / 1024.0};
  if (summary) {
    auto out = p.out();
    auto brace = out.rfind('{');
    if (brace == std::string::npos)
      die(fmt::format("{}: no summary line in its output: {}", argv[0], out));
    auto line = out.substr(brace);
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded() || !parsed["seconds_since_first_record"].is_number())
      die(fmt::format("{}: bad summary line: {}", argv[0], line));
    s.seconds = parsed["seconds_since_first_record"].get<double>();
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--records")
      o.records = std::atoll(argv[i + 1]);
    else if (k == "--partitions")
      o.partitions = std::atoi(argv[i + 1]);
    else if (k == "--value-bytes")
      o.value_bytes = static_cast<size_t>(std::atoll(argv[i + 1]));
    else if (k == "--runs")
      o.runs = std::atoi(argv[i + 1]);
    else if (k == "--tools")
      o.tools = argv[i + 1];
    else if (k == "--worker")
      o.worker_extra = argv[i + 1];
    else if (k == "--connector")
      o.connector_extra = argv[i + 1];
    else
      die("unknown option " + k);
  }
  kc::testing::TempDir dir;
  auto cluster = kc::kafka::EmbeddedCluster::start(1);
  if (!cluster) die(cluster.error().message());
  const auto& bootstrap = (*cluster)->bootstrap_servers();
  const std::string topic = "bench";
  if (!(*cluster)->create_topic(topic, o.partitions)) die("create topic");
  if (!(*cluster)->create_topic("empty", 1)) die("create topic");

  // Pre-produce, round-robin so partitions stay under the mock's ~5 MiB retention each.
  uint64_t total_bytes = 0;
  {
    auto producer = kc::kafka::Producer::create(
        {{"bootstrap.servers", bootstrap}, {"linger.ms", "20"}, {"batch.num.messages", "10000"}});
    if (!producer) die(producer.error().message());
    for (int64_t i = 0; i < o.records; ++i) {
      auto v = padded_order(i, o.value_bytes);
      total_bytes += v.size();
      if (!(*producer)->produce(topic, static_cast<int32_t>(i % o.partitions), std::nullopt, v))
        die("produce");
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
  std::string extra;
  for (auto part : kc::strings::split(o.worker_extra, ';')) extra += std::string(part) + "\n";
  kc::testing::write_text(
      worker,
      fmt::format("bootstrap.servers={}\nlisteners=http://127.0.0.1:0\n{}", bootstrap, extra));
  auto connector = [&](const std::string& name, const std::string& body) {
    auto path = dir.file(name + ".properties");
    std::string props;
    for (auto part : kc::strings::split(o.connector_extra, ';')) props += std::string(part) + "\n";
    kc::testing::write_text(path,
                            fmt::format("name={}\ntopics={}\n{}{}", name, topic, body, props));
    return path;
  };

  // Each tool: a name and how to run it once (run id -> sample).
  struct Tool {
    std::string key;
    std::string name;
    std::function<Sample(const std::string& id)> run_once;
  };
  auto kconnect = [&](const std::string& key, const std::string& body, bool file) {
    return [&, key, body, file](const std::string& id) {
      auto out_file = dir.file(key + id + ".sink-output");
      auto sample = run({runtime, "standalone", "--exit-when-caught-up", worker,
                         connector(key + "-" + id, body + (file ? "file=" + out_file + "\n" : ""))},
                        dir.file(key + id), true);
      if (file) {
        auto lines = kc::testing::read_lines(out_file).size();
        if (lines != static_cast<size_t>(o.records))
          die(fmt::format("{}: wrote {} lines, expected {}", key, lines, o.records));
        std::filesystem::remove(out_file);
      }
      return sample;
    };
  };
  const std::string bytes_converters =
      "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n"
      "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n";
  const std::string json_converters =
      "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n"
      "value.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter.schemas.enable="
      "false\n";
  // The transform chain of bench/transforms (the InsertField + ReplaceField + RegexRouter).
  const std::string transforms =
      "transforms=insert,replace,route\n"
      "transforms.insert.type=org.apache.kafka.connect.transforms.InsertField$Value\n"
      "transforms.insert.topic.field=topic\ntransforms.insert.offset.field=offset\n"
      "transforms.insert.timestamp.field=ts\n"
      "transforms.replace.type=org.apache.kafka.connect.transforms.ReplaceField$Value\n"
      "transforms.replace.exclude=currency\n"
      "transforms.replace.renames=order_id:id,amount:total\n"
      "transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter\n"
      "transforms.route.regex=(.*)\ntransforms.route.replacement=$1-clean\n";
  // The kusto sink against the test Azure AD / Kusto / Storage endpoints of tests/fakes/kusto,
  // in this process (rows counted, not kept), started when a kusto tool runs.
  std::unique_ptr<kc::testing::FakeKusto> kusto;
  auto kusto_tool = [&](const std::string& key, bool streaming) {
    return [&, key, streaming](const std::string& id) {
      if (!kusto) {
        auto f = kc::testing::FakeKusto::start({.keep_rows = false});
        if (!f) die(f.error().message());
        kusto = std::move(*f);
      }
      auto before = kusto->row_count();
      auto body = fmt::format(
          "connector.class=com.microsoft.azure.kusto.kafka.connect.sink.KustoSinkConnector\n"
          "kusto.ingestion.url={}\nkusto.query.url={}\naad.auth.authority.host={}\n"
          "aad.auth.authority=tenant-1\naad.auth.appid=app-1\naad.auth.appkey=app-secret\n"
          "kusto.tables.topics.mapping=[{{\"topic\":\"{}\",\"db\":\"db\",\"table\":\"T\","
          "\"format\":\"json\",\"streaming\":{}}}]\nflush.interval.ms=1000\n{}",
          kusto->url(), kusto->engine_url(), kusto->aad_url(), topic, streaming, json_converters);
      auto sample = run(
          {runtime, "standalone", "--exit-when-caught-up", worker, connector(key + "-" + id, body)},
          dir.file(key + id), true);
      auto ingested = kusto->row_count() - before;
      if (ingested != static_cast<size_t>(o.records))
        die(fmt::format("{}: {} rows ingested, expected {}", key, ingested, o.records));
      return sample;
    };
  };
  std::vector<Tool> all = {
      {"raw", "librdkafka consume loop (baseline)",
       [&](const std::string& id) {
         return run({kc::testing::built_program("bench-raw-consume"), bootstrap, topic,
                     std::to_string(o.records), "raw-" + id},
                    dir.file("raw" + id), true);
       }},
      {"kcat", "kcat -C -e to a file",
       [&](const std::string& id) {
         return run({"/usr/bin/kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e",
                     "-q", "-f", "%s\\n", "-X", "queued.max.messages.kbytes=16384"},
                    dir.file("kcat" + id), false);
       }},
      {"null", "kconnect ByteArrayConverter -> null sink",
       kconnect("null", "connector.class=null\n" + bytes_converters, false)},
      {"json", "kconnect JsonConverter(schemas.enable=false) -> file sink",
       kconnect("json", "connector.class=FileStreamSink\n" + json_converters, true)},
      {"json-chain",
       "kconnect JsonConverter(schemas.enable=false) -> InsertField + ReplaceField + RegexRouter "
       "-> file sink",
       kconnect("jsonchain", "connector.class=FileStreamSink\n" + json_converters + transforms,
                true)},
      {"json-null", "kconnect JsonConverter(schemas.enable=false) -> null sink",
       kconnect("jsonnull", "connector.class=null\n" + json_converters, false)},
      {"bytes-file", "kconnect ByteArrayConverter -> file sink",
       kconnect("bytesfile", "connector.class=FileStreamSink\n" + bytes_converters, true)},
      {"kusto-queued",
       "kconnect JsonConverter(schemas.enable=false) -> kusto sink, queued ingestion (gzip blob + "
       "queue message, test endpoints)",
       kusto_tool("kustoqueued", false)},
      {"kusto-streaming",
       "kconnect JsonConverter(schemas.enable=false) -> kusto sink, streaming ingestion (gzip, "
       "test endpoints)",
       kusto_tool("kustostreaming", true)},
  };
  std::vector<Row> rows;
  std::vector<const Tool*> tools;
  for (const auto& key : kc::strings::split_list(o.tools)) {
    auto it = std::find_if(all.begin(), all.end(), [&](const Tool& t) { return t.key == key; });
    if (it == all.end()) die("unknown tool " + key);
    tools.push_back(&*it);
    rows.push_back({it->name, {}});
  }
  for (int r = 0; r < o.runs; ++r) {
    for (size_t t = 0; t < tools.size(); ++t)
      rows[t].samples.push_back(tools[t]->run_once(std::to_string(r)));
    std::cerr << fmt::format("run {} of {} done\n", r + 1, o.runs);
  }

  // Idle memory: a connector on an empty topic, after it has joined and settled.
  double idle_mib = 0;
  {
    Process idle(
        {runtime, "standalone", worker, connector("idle", "connector.class=null\ntopics=empty\n")},
        dir.file("idle"));
    std::this_thread::sleep_for(std::chrono::seconds(8));
    idle_mib = static_cast<double>(kc::testing::resident_kib(idle.pid())) / 1024.0;
    idle.signal(SIGTERM);
    idle.wait(std::chrono::seconds(20));
  }

  // The baseline is the raw loop when it ran, else the first tool.
  const double baseline = static_cast<double>(o.records) / rows[0].median().seconds;
  if (tools[0]->key != "raw") std::cerr << "note: ratios are relative to " << rows[0].name << "\n";
  std::cout << fmt::format(
      "{} records of {} bytes ({:.1f} MB) in {} partitions; median of {} runs\n\n", o.records,
      o.value_bytes, static_cast<double>(total_bytes) / 1e6, o.partitions, o.runs);
  std::cout << "| consumer | records/s | MB/s | CPU s | peak RSS MiB | vs baseline "
               "|\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& row : rows) {
    auto m = row.median();
    double rate = static_cast<double>(o.records) / m.seconds;
    std::cout << fmt::format("| {} | {:.0f} | {:.1f} | {:.2f} | {:.1f} | {:.0f}% |\n", row.name,
                             rate, static_cast<double>(total_bytes) / 1e6 / m.seconds, m.cpu,
                             m.rss_mib, 100.0 * rate / baseline);
  }
  std::cout << fmt::format("\nkconnect-runtime idle RSS (one connector, no traffic): {:.1f} MiB\n",
                           idle_mib);
  return 0;
}
