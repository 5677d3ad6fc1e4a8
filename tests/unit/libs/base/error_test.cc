#include "libs/base/error.h"

#include <gtest/gtest.h>

namespace kc {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return make_error(Errc::kInvalidArgument, "value {} is not positive", v);
  return v;
}

Result<int> doubled(int v) {
  KC_ASSIGN_OR_RETURN(int x, parse_positive(v));
  return 2 * x;
}

Status check(int v) {
  KC_RETURN_IF_ERROR(parse_positive(v));
  return ok();
}

TEST(ErrorTest, AssignOrReturnPropagatesTheError) {
  EXPECT_EQ(doubled(4).value(), 8);
  auto r = doubled(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "value -1 is not positive");
  EXPECT_FALSE(r.error().retriable());
}

TEST(ErrorTest, ReturnIfErrorPropagatesTheError) {
  EXPECT_TRUE(check(1));
  EXPECT_FALSE(check(0));
}

TEST(ErrorTest, ContextPrefixesTheMessage) {
  Error e(Errc::kIo, "no such file", Retry::kYes);
  e.with_context("reading /x");
  EXPECT_EQ(e.message(), "reading /x: no such file");
  EXPECT_TRUE(e.retriable());
  EXPECT_EQ(e.to_string(), "reading /x: no such file (io, retriable)");
}

}  // namespace
}  // namespace kc
