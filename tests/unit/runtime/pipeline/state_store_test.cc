#include "runtime/pipeline/state_store.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/files.h"

namespace kc::pipeline {
namespace {

TEST(StateStoreTest, MissingFileIsAnEmptyState) {
  testing::TempDir dir;
  auto state = load_state(dir.file("none.json"));
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->empty());
}

TEST(StateStoreTest, TextThatIsNotUtf8IsSavedReplacedInsteadOfThrowing) {
  testing::TempDir dir;
  auto path = dir.file("worker.state.json");
  PersistedState state;
  state["ok"] = {.state = TargetState::kRunning, .config = api::RawConfig{{"name", "ok"}}};
  state["bad\xff"] = {.state = TargetState::kPaused,
                      .config = api::RawConfig{{"name", "bad\xff"}, {"k\xc3", "v\xe2"}}};
  ASSERT_TRUE(save_state(path, state));
  auto loaded = load_state(path);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->count("ok"), 1u);
}

TEST(StateStoreTest, SavedStateLoadsBackAndTheFileIsPrivate) {
  testing::TempDir dir;
  auto path = dir.file("worker.state.json");
  PersistedState state;
  state["from-file"] = {.state = TargetState::kPaused};
  state["from-rest"] = {.state = TargetState::kStopped,
                        .config = api::RawConfig{{"name", "from-rest"}, {"topics", "t"}}};
  ASSERT_TRUE(save_state(path, state));
  auto loaded = load_state(path);
  ASSERT_TRUE(loaded) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)["from-file"].state, TargetState::kPaused);
  EXPECT_FALSE((*loaded)["from-file"].config);
  EXPECT_EQ((*loaded)["from-rest"].state, TargetState::kStopped);
  EXPECT_EQ((*loaded)["from-rest"].config->at("topics"), "t");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Replaced atomically: no temporary file left next to it.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
  state.erase("from-file");
  ASSERT_TRUE(save_state(path, state));
  EXPECT_EQ(load_state(path)->size(), 1u);
}

TEST(StateStoreTest, CorruptFileIsAnErrorNamingIt) {
  testing::TempDir dir;
  auto path = dir.file("bad.state.json");
  testing::write_text(path, "{\"connectors\": {\"x\": {\"state\": \"SLEEPING\"}}}");
  auto loaded = load_state(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message().find(path), std::string::npos);
  testing::write_text(path, "not json");
  EXPECT_FALSE(load_state(path));
}

TEST(StateStoreTest, DefaultPathSitsNextToTheWorkerFile) {
  EXPECT_EQ(default_state_path("/etc/kconnect/worker.properties"),
            "/etc/kconnect/worker.state.json");
  EXPECT_EQ(default_state_path("worker.yaml"), "worker.state.json");
}

}  // namespace
}  // namespace kc::pipeline
