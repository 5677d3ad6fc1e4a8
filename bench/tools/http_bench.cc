// The http sink against the local test endpoint (tests/fakes/http_target), in one run.
// See bench/README.md ("bench-http").
//
//   bench-http [--records N] [--partitions P] [--value-bytes B] [--formats json_array,ndjson]
//              [--gzip false|true] [--batch-records R]
//
// librdkafka's mock cluster with the topic pre-produced; for each format, kconnect-runtime
// standalone --exit-when-caught-up with the http sink posts every record to the endpoint, which
// runs in this process (its parsing and storing are measured separately: the endpoint's CPU is
// this process's CPU during the run, shown beside the runtime's). Then the count of documents the
// endpoint received is checked (they are parsed, not kept).

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include "libs/base/strings.h"
#include "runtime/demo/order_generator.h"
#include "runtime/kafka/embedded_cluster.h"
#include "runtime/kafka/producer.h"
#include "tests/fakes/http_target/fake_http_target.h"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace {

using Clock = std::chrono::steady_clock;
using kc::testing::Process;

struct Options {
  int64_t records = 1'000'000;
  int partitions = 64;
  size_t value_bytes = 250;
  std::string formats = "json_array,ndjson";
  std::string gzip = "false";
  int batch_records = 500;
};

struct Sample {
  double seconds = 0;
  double cpu = 0;
  double rss_mib = 0;
  double endpoint_cpu = 0;
};

[[noreturn]] void die(const std::string& why) {
  std::cerr << "bench-http: " << why << "\n";
  std::exit(1);
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string padded_order(int64_t i, size_t bytes) {
  auto json = kc::demo::order_json(i);
  if (json.size() + 12 < bytes) {
    json.insert(json.size() - 1,
                fmt::format(",\"note\":\"{}\"", std::string(bytes - json.size() - 11, 'x')));
  }
  return json;
}

Sample run(const std::vector<std::string>& argv, const std::string& log) {
  auto cpu_before = self_cpu_seconds();
  Process p(argv, log);
  auto status = p.wait(std::chrono::minutes(15));
  if (status != 0) {
    die(fmt::format("{} exited with {}: {}", argv[0], status ? *status : -1,
                    p.output().substr(0, 3000)));
  }
  Sample s{0, p.usage().cpu_seconds, static_cast<double>(p.usage().max_rss_kib) / 1024.0,
           self_cpu_seconds() - cpu_before};
  auto out = p.out();
  auto brace = out.rfind('{');
  if (brace == std::string::npos) die("no summary line: " + out);
  auto parsed = nlohmann::json::parse(out.substr(brace), nullptr, false);
  if (parsed.is_discarded() || !parsed["seconds_since_first_record"].is_number()) {
    die("bad summary line: " + out.substr(brace));
  }
  s.seconds = parsed["seconds_since_first_record"].get<double>();
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
    } else if (k == "--formats") {
      o.formats = argv[i + 1];
    } else if (k == "--gzip") {
      o.gzip = argv[i + 1];
    } else if (k == "--batch-records") {
      o.batch_records = std::atoi(argv[i + 1]);
    } else {
      die("unknown option " + k);
    }
  }
  kc::testing::TempDir dir;
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
  std::cout << fmt::format(
      "{} records of ~{} bytes ({:.1f} MB), {} partitions, http.batch.max.records={}, "
      "http.gzip={}\n\n",
      o.records, o.value_bytes, static_cast<double>(total_bytes) / 1e6, o.partitions,
      o.batch_records, o.gzip);
  std::cout << "| http.body.format | records/s | MB/s | runtime CPU s | runtime peak RSS MiB | "
               "endpoint CPU s |\n|---|---:|---:|---:|---:|---:|\n";
  for (auto format : kc::strings::split(o.formats, ',')) {
    auto endpoint = kc::testing::FakeHttpTarget::start({.keep_documents = false});
    if (!endpoint) die(endpoint.error().message());
    auto name = fmt::format("bench_{}", format);
    auto connector = dir.file(name + ".properties");
    kc::testing::write_text(
        connector, fmt::format("name={}\nconnector.class=http\ntopics={}\nhttp.url={}\n"
                               "http.body.format={}\nhttp.gzip={}\nhttp.batch.max.records={}\n"
                               "http.batch.max.bytes=8388608\n",
                               name, topic, (*endpoint)->url(), format, o.gzip, o.batch_records));
    auto s =
        run({runtime, "standalone", "--exit-when-caught-up", worker, connector}, dir.file(name));
    auto stored = static_cast<int64_t>((*endpoint)->documents_received());
    if (stored != o.records)
      die(fmt::format("{}: {} documents, expected {}", name, stored, o.records));
    double rate = static_cast<double>(o.records) / s.seconds;
    std::cout << fmt::format("| {} | {:.0f} | {:.1f} | {:.2f} | {:.1f} | {:.2f} |\n", format, rate,
                             static_cast<double>(total_bytes) / 1e6 / s.seconds, s.cpu, s.rss_mib,
                             s.endpoint_cpu);
  }
  return 0;
}
