#include "libs/http/detail/wire.h"

#include <gtest/gtest.h>

namespace kc::http::detail {
namespace {

TEST(WireTest, FormatsResponseHeadAndDropsManagedHeaders) {
  Headers h{{"Content-Type", "text/plain"}, {"Content-Length", "999"}, {"Connection", "x"}};
  auto head = format_response_head(404, h, {.content_length = 5, .close = true});
  ASSERT_TRUE(head);
  EXPECT_EQ(*head,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
            "Connection: close\r\n\r\n");
  auto chunked = format_response_head(200, {}, {.chunked = true});
  EXPECT_EQ(*chunked, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST(WireTest, RefusesHeaderInjection) {
  EXPECT_FALSE(format_response_head(200, {{"X", "a\r\nSet-Cookie: x"}}, {}));
  EXPECT_FALSE(format_response_head(200, {{"Bad Name", "a"}}, {}));
  EXPECT_FALSE(format_request_head(Method::kGet, "/a b", "h", {}, 0));
  EXPECT_FALSE(format_request_head(Method::kGet, "http://h/", "h", {}, 0));
}

TEST(WireTest, FormatsRequestHead) {
  auto head = format_request_head(Method::kPut, "/x?y=1", "h:1", {{"Host", "evil"}, {"A", "b"}}, 0);
  ASSERT_TRUE(head);
  EXPECT_EQ(*head, "PUT /x?y=1 HTTP/1.1\r\nHost: h:1\r\nA: b\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(*format_request_head(Method::kGet, "/", "h", {}, 0),
            "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(WireTest, ChunkFraming) {
  EXPECT_EQ(chunk(std::string(26, 'x')), "1a\r\n" + std::string(26, 'x') + "\r\n");
}

TEST(LineSplitterTest, SplitsAcrossFeedsAndStripsCr) {
  std::vector<std::string> lines;
  LineSplitter splitter(
      [&](std::string_view l) {
        lines.emplace_back(l);
        return true;
      },
      100);
  EXPECT_TRUE(*splitter.feed("a\r\nb"));
  EXPECT_TRUE(*splitter.feed("c\n\nd"));
  EXPECT_TRUE(*splitter.finish());
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "bc", "", "d"}));
}

TEST(LineSplitterTest, StopsWhenAskedAndLimitsLineLength) {
  int calls = 0;
  LineSplitter stop([&](std::string_view) { return ++calls < 2; }, 100);
  EXPECT_FALSE(*stop.feed("1\n2\n3\n"));
  EXPECT_EQ(calls, 2);
  LineSplitter pending([](std::string_view) { return true; }, 4);
  EXPECT_EQ(pending.feed("12345").error().code(), Errc::kProtocol);
  LineSplitter complete([](std::string_view) { return true; }, 4);
  EXPECT_EQ(complete.feed("123456\n").error().code(), Errc::kProtocol);
}

}  // namespace
}  // namespace kc::http::detail
