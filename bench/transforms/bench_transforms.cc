// Transform chain microbenchmark: the issue's "InsertField + ReplaceField + RegexRouter on JSON
// records, records/s relative to the same run without transforms (goal: >= 70%)".
//
// Records are ~200-byte JSON orders (demo::order_json) converted by the real JsonConverter with
// schemas.enable=false, as the sink thread does it: (a) conversion only, (b) conversion + chain.
// The "+serialize" pair adds what a JSON-writing sink does with the value (api::json::write), to
// show the cost a sink sees. Each benchmark reuses one SinkRecord, like the pipeline's batch.
//
//   build/bin/bench-transforms [--benchmark_repetitions=5 --benchmark_min_time=1]
//
// Prints Google Benchmark's table, then the ratios (chain rate / no-chain rate).

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "runtime/api/json.h"
#include "runtime/demo/order_generator.h"
#include "runtime/registry/builtin_plugins.h"
#include "runtime/transforms/chain.h"

namespace {

using namespace kc;

constexpr size_t kRecords = 4096;

const std::vector<std::string>& messages() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (size_t i = 0; i < kRecords; ++i) v.push_back(demo::order_json(static_cast<int64_t>(i)));
    return v;
  }();
  return all;
}

std::unique_ptr<api::Converter> json_converter() {
  const auto* plugin =
      registry::builtin().find_converter("org.apache.kafka.connect.json.JsonConverter");
  std::vector<api::ConfigIssue> issues;
  auto config =
      api::Config::parse(plugin->info.config_def(), {{"schemas.enable", "false"}}, issues);
  return std::move(*plugin->create(config, api::ConverterRole::kValue));
}

// `aliases`: which of insert, replace, route to run (all three: the issue's chain).
transforms::Chain chain(const std::string& aliases = "insert,replace,route") {
  api::RawConfig raw{
      {"transforms", aliases},
      {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
      {"transforms.insert.topic.field", "source_topic"},
      {"transforms.insert.offset.field", "source_offset"},
      {"transforms.insert.timestamp.field", "ingested_at"},
      {"transforms.replace.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
      {"transforms.replace.exclude", "currency"},
      {"transforms.replace.renames", "order_id:id,amount:total"},
      {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
      {"transforms.route.regex", "(.*)"},
      {"transforms.route.replacement", "$1-clean"},
  };
  auto c = transforms::Chain::create(raw, registry::builtin());
  if (!c) {
    std::fprintf(stderr, "%s\n", c.error().message().c_str());
    std::abort();
  }
  return std::move(*c);
}

// What the sink thread does per consumed message before the sink (sink_task.cc's convert()).
void convert(api::Converter& converter, const std::string& bytes, int64_t offset,
             api::SinkRecord& r) {
  static const std::string kTopic = "orders";
  r.topic.assign(kTopic);
  r.partition = 0;
  r.offset = offset;
  r.timestamp = 1700000000000 + offset;
  r.timestamp_type = api::TimestampType::kCreateTime;
  r.original_topic = kTopic;
  r.original_partition = 0;
  r.original_offset = offset;
  r.raw_value = bytes;
  auto v = converter.to_connect(kTopic, r.raw_value);
  r.value_schema = std::move(v->schema);
  r.value = std::move(v->value);
}

// Conversion + one copy of the value's text into a new string: the floor for any transform that
// produces new JSON text (one allocation and copy per record), for reading the ratios.
void BM_ConvertCopy(benchmark::State& state) {
  auto converter = json_converter();
  const auto& msgs = messages();
  api::SinkRecord r;
  size_t i = 0;
  for (auto _ : state) {
    convert(*converter, msgs[i], static_cast<int64_t>(i), r);
    r.value = api::Value::raw_json(std::string(r.value.as_text()));
    benchmark::DoNotOptimize(r.value);
    if (++i == msgs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConvertCopy);

template <bool kChain, bool kSerialize>
void run(benchmark::State& state, const std::string& aliases = "insert,replace,route") {
  auto converter = json_converter();
  auto c = chain(aliases);
  const auto& msgs = messages();
  api::SinkRecord r;
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    convert(*converter, msgs[i], static_cast<int64_t>(i), r);
    if constexpr (kChain) {
      auto outcome = c.apply(r);
      if (!outcome) state.SkipWithError(outcome.error().message().c_str());
    }
    if constexpr (kSerialize) {
      out.clear();
      api::json::write(r.value, out);
      benchmark::DoNotOptimize(out.data());
    }
    benchmark::DoNotOptimize(r.value);
    if (++i == msgs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Convert(benchmark::State& s) { run<false, false>(s); }
void BM_ConvertChain(benchmark::State& s) { run<true, false>(s); }
void BM_ConvertSerialize(benchmark::State& s) { run<false, true>(s); }
void BM_ConvertChainSerialize(benchmark::State& s) { run<true, true>(s); }
// Each transform alone, to see where the chain's time goes.
void BM_ConvertInsertField(benchmark::State& s) { run<true, false>(s, "insert"); }
void BM_ConvertReplaceField(benchmark::State& s) { run<true, false>(s, "replace"); }
void BM_ConvertRegexRouter(benchmark::State& s) { run<true, false>(s, "route"); }
BENCHMARK(BM_Convert);
BENCHMARK(BM_ConvertChain);
BENCHMARK(BM_ConvertInsertField);
BENCHMARK(BM_ConvertReplaceField);
BENCHMARK(BM_ConvertRegexRouter);
BENCHMARK(BM_ConvertSerialize);
BENCHMARK(BM_ConvertChainSerialize);

// Collects items/s per benchmark (the median when repeated) to print the ratios.
class Reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      if (!aggregate && seen_aggregate_.count(run.run_name.function_name)) continue;
      if (aggregate) seen_aggregate_[run.run_name.function_name] = true;
      rate_[run.run_name.function_name] = it->second.value;
    }
  }
  void print_ratios() const {
    auto ratio = [&](const char* with, const char* without) {
      auto a = rate_.find(with), b = rate_.find(without);
      if (a == rate_.end() || b == rate_.end() || b->second == 0) return;
      std::printf("%-26s %10.0f rec/s  vs %-20s %10.0f rec/s  ratio %.1f%%\n", with, a->second,
                  without, b->second, 100.0 * a->second / b->second);
    };
    std::printf("\n");
    ratio("BM_ConvertChain", "BM_Convert");
    ratio("BM_ConvertInsertField", "BM_Convert");
    ratio("BM_ConvertReplaceField", "BM_Convert");
    ratio("BM_ConvertRegexRouter", "BM_Convert");
    ratio("BM_ConvertCopy", "BM_Convert");
    ratio("BM_ConvertChainSerialize", "BM_ConvertSerialize");
  }

 private:
  std::map<std::string, double> rate_;
  std::map<std::string, bool> seen_aggregate_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
