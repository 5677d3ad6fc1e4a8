#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "runtime/registry/builtin_plugins.h"

namespace kc::sink {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FileSinkTest, WritesOneLinePerRecordAndAppends) {
  auto dir = std::filesystem::temp_directory_path() / ("kc-file-sink-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "out.txt").string();
  const auto* plugin =
      registry::builtin().find_sink("org.apache.kafka.connect.file.FileStreamSinkConnector");
  ASSERT_NE(plugin, nullptr);
  std::vector<api::ConfigIssue> issues;
  auto config = api::Config::parse(plugin->info.config_def(), {{"file", path}}, issues);
  for (int round = 0; round < 2; ++round) {
    auto sink = plugin->create(config, {"c", 0});
    ASSERT_TRUE(sink);
    std::vector<api::SinkRecord> records(4);
    records[0].value = api::Value::string("plain text");
    records[1].value = api::Value::raw_json_view("{\"a\":\n 1}");
    records[2].value = api::Value::null();
    records[3].value = api::Value::structure({{"n", api::Value::int32(7)}});
    ASSERT_TRUE((*sink)->put(records));
    ASSERT_TRUE((*sink)->flush({}));
    (*sink)->stop();
  }
  EXPECT_EQ(slurp(path),
            "plain text\n{\"a\":1}\nnull\n{\"n\":7}\nplain text\n{\"a\":1}\nnull\n{\"n\":7}\n");
  std::filesystem::remove_all(dir);
}

TEST(FileSinkTest, UnwritableFileFailsAtCreationNamingThePath) {
  const auto* plugin = registry::builtin().find_sink("file");
  std::vector<api::ConfigIssue> issues;
  auto config = api::Config::parse(plugin->info.config_def(),
                                   {{"file", "/proc/kconnect-cannot-write-here/out.txt"}}, issues);
  auto sink = plugin->create(config, {"c", 0});
  ASSERT_FALSE(sink);
  EXPECT_NE(sink.error().message().find("/proc/kconnect-cannot-write-here/out.txt"),
            std::string::npos);
}

}  // namespace
}  // namespace kc::sink
