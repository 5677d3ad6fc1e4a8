#include "libs/http/url.h"

#include <gtest/gtest.h>

namespace kc::http {
namespace {

TEST(UrlTest, ParsesSchemeHostPortPathAndQuery) {
  auto url = parse_url("HTTPS://API.Example.com:6443/k8s/clusters/c1?x=1&y=%20");
  ASSERT_TRUE(url) << url.error().to_string();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "api.example.com");
  EXPECT_EQ(url->port, 6443);
  EXPECT_EQ(url->path, "/k8s/clusters/c1");
  EXPECT_EQ(url->query, "x=1&y=%20");
  EXPECT_EQ(url->target(), "/k8s/clusters/c1?x=1&y=%20");
  EXPECT_EQ(url->authority(), "api.example.com:6443");
  EXPECT_TRUE(url->tls());
}

TEST(UrlTest, DefaultsPortAndPathAndLeavesDefaultPortOutOfAuthority) {
  auto url = parse_url("http://localhost");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->path, "/");
  EXPECT_EQ(url->authority(), "localhost");
  EXPECT_EQ(url->origin(), "http://localhost");
  EXPECT_EQ(parse_url("https://h/")->port, 443);
}

TEST(UrlTest, ParsesBracketedIpv6) {
  auto url = parse_url("http://[::1]:8083/connectors");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8083);
  EXPECT_EQ(url->authority(), "[::1]:8083");
  EXPECT_TRUE(is_ip_literal(url->host));
}

TEST(UrlTest, RefusesWhatItCannotUse) {
  for (const char* bad : {"ftp://h/", "h:80/x", "http://", "http://h:0/", "http://h:99999/",
                          "http://user:pw@h/", "http://h/#frag", "http://[::1/", "http://::1/"}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code(), Errc::kInvalidArgument);
  }
}

TEST(UrlTest, ResolvesRedirectLocations) {
  auto base = *parse_url("http://fe:8030/api/db/tbl/_stream_load?x=1");
  EXPECT_EQ(resolve_url(base, "http://be:8040/api/db/tbl/_stream_load")->origin(),
            "http://be:8040");
  auto abs_path = *resolve_url(base, "/other?y=2");
  EXPECT_EQ(abs_path.origin(), "http://fe:8030");
  EXPECT_EQ(abs_path.target(), "/other?y=2");
  EXPECT_EQ(resolve_url(base, "//be:9/p")->origin(), "http://be:9");
  EXPECT_EQ(resolve_url(base, "sibling")->path, "/api/db/tbl/sibling");
}

// RFC 3986 §5.4's examples that apply to http(s) URLs (base "http://a/b/c/d;p?q").
TEST(UrlTest, ResolvedPathsHaveNoDotSegments) {
  auto base = *parse_url("http://a/b/c/d;p?q");
  auto path = [&](std::string_view ref) { return resolve_url(base, ref)->target(); };
  EXPECT_EQ(path("./g"), "/b/c/g");
  EXPECT_EQ(path("g/"), "/b/c/g/");
  EXPECT_EQ(path("."), "/b/c/");
  EXPECT_EQ(path("./"), "/b/c/");
  EXPECT_EQ(path(".."), "/b/");
  EXPECT_EQ(path("../g"), "/b/g");
  EXPECT_EQ(path("../.."), "/");
  EXPECT_EQ(path("../../g"), "/g");
  EXPECT_EQ(path("../../../g"), "/g");
  EXPECT_EQ(path("/./g"), "/g");
  EXPECT_EQ(path("/../g"), "/g");
  EXPECT_EQ(path("g."), "/b/c/g.");
  EXPECT_EQ(path("..g"), "/b/c/..g");
  EXPECT_EQ(path("./../g"), "/b/g");
  EXPECT_EQ(path("./g/."), "/b/c/g/");
  EXPECT_EQ(path("g/./h"), "/b/c/g/h");
  EXPECT_EQ(path("g/../h"), "/b/c/h");
  EXPECT_EQ(path("g?y/./x"), "/b/c/g?y/./x");  // the query keeps its dots
  EXPECT_EQ(path("http://be/x/../y"), "/y");
}

TEST(UrlTest, PercentEncodesAllButUnreserved) {
  EXPECT_EQ(percent_encode("a b/c~d.e_f-g+h%"), "a%20b%2Fc~d.e_f-g%2Bh%25");
  EXPECT_EQ(percent_encode("/a b/c", "/"), "/a%20b/c");
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
}

TEST(UrlTest, PercentDecodesStrictly) {
  EXPECT_EQ(*percent_decode("a%20b%2fc+d"), "a b/c+d");
  EXPECT_EQ(*percent_decode("a+b", true), "a b");
  EXPECT_FALSE(percent_decode("50%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
}

TEST(UrlTest, QueryKeepsRepeatedKeysInOrder) {
  auto q = parse_query("expand=status&expand=info&flag&&label%20x=a%3Db+c");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->count("expand"), 2u);
  auto [first, last] = q->equal_range("expand");
  EXPECT_EQ(first->second, "status");
  EXPECT_EQ(std::next(first)->second, "info");
  EXPECT_EQ(q->find("flag")->second, "");
  EXPECT_EQ(q->find("label x")->second, "a=b c");
  EXPECT_FALSE(parse_query("a=%G1"));
}

TEST(UrlTest, BuildQueryRoundTrips) {
  QueryParams params{
      {"labelSelector", "app=x,tier in (a b)"}, {"watch", "true"}, {"a", "1"}, {"a", "2"}};
  auto text = build_query(params);
  EXPECT_EQ(text, "a=1&a=2&labelSelector=app%3Dx%2Ctier%20in%20%28a%20b%29&watch=true");
  EXPECT_EQ(*parse_query(text), params);
}

}  // namespace
}  // namespace kc::http
