// The bad-input corpus' 10 MiB record, below Kafka (librdkafka's mock cluster keeps only ~5 MiB
// per partition; error_handling_test.cc sends the largest record it can through the pipeline).

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "runtime/registry/builtin_plugins.h"

namespace kc::sink {
namespace {

TEST(LargeRecordTest, TenMebibyteJsonRecordIsConvertedAndWrittenWhole) {
  const auto& plugins = registry::builtin();
  std::vector<api::ConfigIssue> issues;
  const auto* json = plugins.find_converter("org.apache.kafka.connect.json.JsonConverter");
  auto converter = json->create(
      api::Config::parse(json->info.config_def(), {{"schemas.enable", "false"}}, issues),
      api::ConverterRole::kValue);
  ASSERT_TRUE(converter);
  auto bytes = fmt::format(R"({{"seq":1,"pad":"{}"}})", std::string(10 << 20, 'x'));
  auto value = (*converter)->to_connect("big", bytes);
  ASSERT_TRUE(value) << value.error().message();

  auto dir = std::filesystem::temp_directory_path() / ("kc-large-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "out.jsonl").string();
  const auto* file = plugins.find_sink("file");
  auto sink = file->create(api::Config::parse(file->info.config_def(), {{"file", path}}, issues),
                           {"big", 0});
  ASSERT_TRUE(sink);
  std::vector<api::SinkRecord> records(1);
  records[0].value = value->value;
  ASSERT_TRUE((*sink)->put(records));
  ASSERT_TRUE((*sink)->flush({}));
  (*sink)->stop();
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), bytes + "\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kc::sink
