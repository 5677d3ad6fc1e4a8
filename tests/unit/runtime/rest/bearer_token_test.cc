#include "runtime/rest/bearer_token.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/files.h"

namespace kc::rest {
namespace {

TEST(BearerTokenTest, AcceptsOnlyTheFilesTokenAndFollowsRotation) {
  testing::TempDir dir;
  auto path = dir.file("token");
  testing::write_text(path, "first-token\n");
  BearerToken token(path);
  EXPECT_TRUE(token.accepts("Bearer first-token"));
  EXPECT_TRUE(token.accepts("bearer first-token"));
  EXPECT_FALSE(token.accepts(std::nullopt));
  EXPECT_FALSE(token.accepts("Bearer first-toke"));
  EXPECT_FALSE(token.accepts("Bearer first-token-and-more"));
  EXPECT_FALSE(token.accepts("Basic Zmlyc3QtdG9rZW4="));
  // Rotation as Kubernetes does it: a new file swapped in (new inode).
  testing::write_text(dir.file("token.new"), "second-token");
  std::filesystem::rename(dir.file("token.new"), path);
  EXPECT_FALSE(token.accepts("Bearer first-token"));
  EXPECT_TRUE(token.accepts("Bearer second-token"));
}

TEST(BearerTokenTest, FailsClosedWhenTheFileIsMissingOrEmpty) {
  testing::TempDir dir;
  auto path = dir.file("token");
  BearerToken token(path);
  EXPECT_FALSE(token.accepts("Bearer "));
  EXPECT_FALSE(token.accepts("Bearer anything"));
  testing::write_text(path, "  \n");
  EXPECT_FALSE(token.accepts("Bearer "));
  testing::write_text(path, "now-set");
  EXPECT_TRUE(token.accepts("Bearer now-set"));
  std::filesystem::remove(path);
  EXPECT_FALSE(token.accepts("Bearer now-set"));
}

}  // namespace
}  // namespace kc::rest
