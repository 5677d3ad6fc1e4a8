#include "libs/http/types.h"

#include <gtest/gtest.h>

namespace kc::http {
namespace {

TEST(HeadersTest, LooksUpCaseInsensitivelyAndKeepsRepeats) {
  Headers h{{"Content-Type", "application/json"}, {"X-A", "1"}};
  h.add("x-a", "2");
  EXPECT_EQ(h.get("content-type"), "application/json");
  EXPECT_EQ(h.get_all("X-a"), (std::vector<std::string_view>{"1", "2"}));
  EXPECT_FALSE(h.get("missing"));
  h.set("X-A", "3");
  EXPECT_EQ(h.get_all("x-A"), (std::vector<std::string_view>{"3"}));
  EXPECT_EQ(h.remove("CONTENT-TYPE"), 1u);
  EXPECT_FALSE(h.contains("content-type"));
  EXPECT_EQ(h.size(), 1u);
}

TEST(MethodTest, ParsesExactTokensOnly) {
  EXPECT_EQ(parse_method("PATCH"), Method::kPatch);
  EXPECT_EQ(parse_method("patch"), std::nullopt);
  EXPECT_EQ(parse_method("TRACE"), std::nullopt);
  EXPECT_EQ(to_string(Method::kOptions), "OPTIONS");
  EXPECT_TRUE(is_idempotent(Method::kPut));
  EXPECT_FALSE(is_idempotent(Method::kPost));
}

TEST(ResponseTest, HelpersSetContentType) {
  auto r = Response::json(404, R"({"error_code":404,"message":"x"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.get("content-type"), "application/json");
  EXPECT_EQ(Response::text(200, "ok").headers.get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_TRUE(Response::empty(204).headers.empty());
  EXPECT_EQ(reason_phrase(413), "Payload Too Large");
  EXPECT_EQ(reason_phrase(799), "Unknown");
}

TEST(RequestTest, ParamAndQueryAccessors) {
  Request r;
  r.path_params["name"] = "a b";
  r.query = {{"expand", "status"}, {"expand", "info"}};
  EXPECT_EQ(r.param("name"), "a b");
  EXPECT_FALSE(r.param("id"));
  EXPECT_EQ(r.query_value("expand"), "status");
  EXPECT_EQ(r.query_values("expand"), (std::vector<std::string_view>{"status", "info"}));
}

}  // namespace
}  // namespace kc::http
